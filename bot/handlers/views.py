"""/today, /week, /plan (◀ ▶), /status and /predict: read-only views of the plan."""

from datetime import date

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.common import as_runner, edit, say, say_race_done
from bot.context import CoachContext
from bot.keyboards import dashboard_button, plan_pager, watch_button
from core.errors import NotFound
from core.models import Athlete
from core.services import coaching, real_life, runners


def _paused(athlete: Athlete) -> dict[str, object] | None:
    """While paused, the views prescribe nothing and count nothing: when it ends."""
    if not athlete.notifications.get("paused"):
        return None
    return {"until": athlete.paused_until}


async def _so_far(update: Update, context: CoachContext) -> runners.AsRunner[coaching.PlanSoFar]:
    return await as_runner(
        update, context, lambda uow, athlete, _: coaching.plan_so_far(uow, athlete.stored_id)
    )


async def today(update: Update, context: CoachContext) -> None:
    """The hot path: one query for the day, never the whole plan."""
    await day(update, context, None)


async def day(update: Update, context: CoachContext, iso_day: str | None) -> None:
    """A day of the plan as /today shows it (``iso_day`` None: the runner's today)."""
    shown = date.fromisoformat(iso_day) if iso_day else None
    found = await as_runner(
        update, context, lambda uow, athlete, on: real_life.today(uow, athlete, shown or on)
    )
    athlete, on, view = found.athlete, shown or found.today, found.result
    if view is None:
        raise NotFound("no_plan")
    if isinstance(view, real_life.Paused):
        await say(update, context, "plan/paused_today", until=view.until, today=on)
        return
    if isinstance(view, real_life.AfterRace):
        await say_race_done(update, context, view)
        return
    runs = view.day is not None and bool(view.day.planned.steps) and view.analysis is None
    markup = InlineKeyboardMarkup([[watch_button(on)]]) if runs else None
    await say(update, context, "plan/today", markup, view=view, today=on, units=athlete.units)


async def week(update: Update, context: CoachContext) -> None:
    found = await _so_far(update, context)
    athlete, so_far = found.athlete, found.result
    on = found.today
    await say(
        update,
        context,
        "plan/week",
        plan=so_far.plan,
        week=so_far.plan.current_week(on),
        done=so_far.done,
        today=on,
        units=athlete.units,
        paused=_paused(athlete),
    )


async def whole_plan(update: Update, context: CoachContext) -> None:
    found = await _so_far(update, context)
    athlete, so_far = found.athlete, found.result
    plan, on = so_far.plan, found.today
    current = plan.current_week(on)
    await say(
        update,
        context,
        "plan/week",
        plan_pager(current.week_index, plan.total_weeks),
        plan=plan,
        week=current,
        done=so_far.done,
        today=on,
        units=athlete.units,
        paused=_paused(athlete),
    )


async def turn_page(update: Update, context: CoachContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    found = await _so_far(update, context)
    athlete, so_far = found.athlete, found.result
    plan = so_far.plan
    index = int(query.data.split(":")[1])
    if not 0 <= index < plan.total_weeks:
        raise NotFound("week_not_in_plan")
    await edit(
        update,
        context,
        "plan/week",
        plan_pager(index, plan.total_weeks),
        plan=plan,
        week=plan.weeks[index],
        done=so_far.done,
        today=found.today,
        units=athlete.units,
        paused=_paused(athlete),
    )


async def status(update: Update, context: CoachContext) -> None:
    found = await as_runner(
        update, context, lambda uow, athlete, on: coaching.status(uow, athlete.stored_id, on)
    )
    athlete, on, result = found.athlete, found.today, found.result
    if result is None:
        raise NotFound("no_plan")
    await say(
        update,
        context,
        "plan/status",
        dashboard_button(context.services.settings.webapp_url),
        plan=result.plan,
        week=result.week,
        fit=result.fitness,
        not_ready=result.not_ready,
        days_left=(result.plan.race.race_date - on).days,
        units=athlete.units,
        paused=_paused(athlete),
    )


async def predictions(update: Update, context: CoachContext) -> None:
    found = await as_runner(
        update, context, lambda uow, athlete, on: coaching.predictions(uow, athlete.stored_id, on)
    )
    if found.result is None:
        raise NotFound("no_plan")
    status = found.result.status
    await say(
        update,
        context,
        "plan/predict",
        plan=status.plan,
        now=status.fitness.on_track,
        adaptive=status.fitness.adaptive,
        table=found.result.table,
        units=found.athlete.units,
    )


def handlers() -> list:
    return [
        CommandHandler("today", today),
        CommandHandler("week", week),
        CommandHandler("plan", whole_plan),
        CallbackQueryHandler(turn_page, pattern=r"^pl:\d+$"),
        CommandHandler("status", status),
        CommandHandler("predict", predictions),
    ]
