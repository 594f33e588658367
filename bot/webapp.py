"""The "Are you on track?" dashboard, a Telegram Mini App (issue 29), served by the bot's own
aiohttp server: the page at ``/app/``, its data at ``/app/api/…``.

Every request for data carries the launch data Telegram signed (``Authorization: tma
<initData>``), checked as Telegram specifies ("Validating data received via the Mini App":
HMAC-SHA256 keyed by HMAC("WebAppData", bot token), constant-time compare, ``auth_date`` at
most ``WEBAPP_AUTH_MAX_AGE_S`` old) by init-data-py. The runner is the signed user: nobody reads
or changes another runner's plan. No cookies; a Content-Security-Policy that loads nothing from
outside and lets only Telegram's web clients frame the page.

The page's words and numbers are rendered here from the chat's templates and use cases (the
card is /status's numbers, a day is /today's text, a change is the buttons' use case and the
chat hears about it as it would from a button); the page's script only lays them out and draws
the two charts."""

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from aiohttp import web
from init_data_py import errors as init_errors
from init_data_py import validate_by_hash

from bot.context import CoachApplication
from core.errors import GoFastError, NotFound
from core.models import Athlete, DayView, TrainingDayPlanned
from core.services import dashboard, days, real_life, runners
from core.services import talk as asked

log = logging.getLogger(__name__)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors https://web.telegram.org https://*.telegram.org"
)
STATIC = {"app.js": "text/javascript", "app.css": "text/css"}
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class DashboardServer:
    """Polling mode's own server for the dashboard (webhook mode adds the routes to its)."""

    def __init__(self, dashboard: "Dashboard") -> None:
        self.dashboard = dashboard
        self._runner: web.AppRunner | None = None

    async def start(self, host: str, port: int) -> int:
        """Listening; the port (a free one when ``port`` is 0)."""
        app = web.Application(client_max_size=64 * 1024)
        self.dashboard.add_routes(app)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        return int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@dataclass(frozen=True)
class Runner:
    athlete: Athlete
    today: date


class Dashboard:
    """The routes, on any aiohttp application (the webhook's, or one of its own)."""

    def __init__(self, application: CoachApplication, token: str, max_age_s: int) -> None:
        self.application = application
        self.services = application.services
        self.token = token
        self.max_age_s = max_age_s

    def add_routes(self, app: web.Application) -> None:
        app.middlewares.append(_headers)
        app.router.add_get("/app", _to_page)
        app.router.add_get("/app/", self._page)
        app.router.add_get("/app/{name:app\\.(?:js|css)}", _static)
        app.router.add_get("/app/api/dashboard", self._api(self._dashboard))
        app.router.add_get("/app/api/day/{on}", self._api(self._day))
        app.router.add_post("/app/api/skip", self._api(self._skip))
        app.router.add_post("/app/api/move", self._api(self._move))

    # ---- authentication ------------------------------------------------------------------

    def user_id(self, request: web.Request) -> int | None:
        """The Telegram user the launch data was signed for; None when it is missing, forged,
        expired, or names no user."""
        scheme, _, init_data = request.headers.get("Authorization", "").partition(" ")
        if scheme != "tma" or not init_data:
            return None
        try:
            signed = validate_by_hash(
                init_data, self.token, expires_in=self.max_age_s, now=self.services.clock.now()
            )
        except init_errors.InvalidInitDataError:
            return None
        return signed.user.id if signed.user is not None else None

    def _api(self, answer: Callable[[web.Request, Runner], Awaitable[Any]]) -> Handler:
        async def handle(request: web.Request) -> web.StreamResponse:
            user_id = self.user_id(request)
            if user_id is None:
                return web.json_response({"error": "unauthorized"}, status=401)
            try:
                runner = await self._runner(user_id)
                return web.json_response(await answer(request, runner))
            except GoFastError as error:
                status = 404 if isinstance(error, NotFound) else 409
                words = self.services.render.error_text(error)
                return web.json_response({"error": error.code, "message": words}, status=status)

        return handle

    async def _runner(self, user_id: int) -> Runner:
        now = self.services.clock.now()

        async def found(uow: Any) -> Runner:
            athlete = await runners.known_runner(uow, user_id)
            return Runner(athlete, runners.local_today(now, athlete.time_zone))

        return await self.services.units.read(found)

    # ---- the page and its data -----------------------------------------------------------

    async def _page(self, request: web.Request) -> web.Response:
        return web.Response(text=_index(self.services.render), content_type="text/html")

    async def _dashboard(self, request: web.Request, runner: Runner) -> dict[str, Any]:
        athlete, today = runner.athlete, runner.today
        found = await self.services.units.read(
            lambda uow: dashboard.dashboard(uow, athlete.stored_id, today)
        )
        if found is None:
            raise NotFound("no_plan")
        render, units = self.services.render, athlete.units
        plan, week = found.status.plan, found.status.plan.current_week(today)
        values = {"board": found, "plan": plan, "units": units, "today": today}
        return {
            "card": render(
                "webapp/card",
                fit=found.status.fitness,
                week=found.status.week,
                days_left=(plan.race.race_date - today).days,
                **values,
            ),
            "week": render("webapp/week", week=week, **values),
            "calendar": render("webapp/calendar", **values),
            "charts": _charts(found, units.metres),
        }

    async def _day(self, request: web.Request, runner: Runner) -> dict[str, Any]:
        athlete, today = runner.athlete, runner.today
        try:
            on = date.fromisoformat(request.match_info["on"])
        except ValueError:
            raise NotFound("day_not_in_plan") from None
        view = await self.services.units.read(lambda uow: real_life.today(uow, athlete, on))
        if not isinstance(view, DayView) or view.day is None:
            raise NotFound("day_not_in_plan")
        render = self.services.render
        text = render("plan/today", view=view, today=on, units=athlete.units)
        return {"html": text, **await self._actions(athlete, view.day, today)}

    async def _actions(
        self, athlete: Athlete, day: TrainingDayPlanned, today: date
    ) -> dict[str, Any]:
        """Skip and move where the chat's rules allow them, each with the question the chat
        would ask before making it."""
        render, units = self.services.render, athlete.units
        try:
            move = await self.services.units.read(
                lambda uow: asked.move_asked(uow, athlete.stored_id, day.date, None, today)
            )
        except GoFastError:  # a rest day, or one already run: nothing to change
            return {"skip": None, "moves": []}
        confirm = "start/talk_confirm"
        skip = None
        if day.date >= today and not move.skipped:
            question = render(confirm, intent="skip_day", s={}, day=day, units=units)
            skip = {"dayId": day.id, "question": question}
        moves = [
            {
                "dayId": day.id,
                "targetId": target.id,
                "label": f"{target.date:%a} {target.date.day}",
                "question": render(
                    confirm, intent="move_workout", s={}, day=day, target=target, units=units
                ),
            }
            for target in move.options
        ]
        return {"skip": skip, "moves": moves}

    async def _skip(self, request: web.Request, runner: Runner) -> dict[str, Any]:
        day_id = await _id(request, "dayId")
        athlete = runner.athlete
        await self.services.units.write(lambda uow: days.skip_day(uow, athlete.stored_id, day_id))
        await self._tell(athlete, "plan/day_answer", step="skipped")
        return {"ok": True}

    async def _move(self, request: web.Request, runner: Runner) -> dict[str, Any]:
        day_id, target_id = await _id(request, "dayId"), await _id(request, "targetId")
        athlete, today = runner.athlete, runner.today
        target = await self.services.units.write(
            lambda uow: days.move_day(uow, athlete.stored_id, day_id, target_id, today)
        )
        await self._tell(athlete, "plan/day_answer", step="moved", target=target)
        return {"ok": True}

    async def _tell(self, athlete: Athlete, template: str, **values: Any) -> None:
        """The chat hears of a change made on the page as it would of a button's."""
        text = self.services.render(template, **values)
        await self.application.bot.send_message(athlete.chat_id, text)


async def _id(request: web.Request, name: str) -> int:
    try:
        body = await request.json()
        value = body[name]
    except (ValueError, KeyError, TypeError):
        raise NotFound("day_not_in_plan") from None
    if not isinstance(value, int) or isinstance(value, bool):
        raise NotFound("day_not_in_plan")
    return value


def _charts(found: dashboard.Dashboard, unit_m: float) -> dict[str, Any]:
    """The weekly chart's points (the same as the photo's), in the runner's units."""
    return {
        "volume": [
            {
                "week": v.week_index + 1,
                "planned": round(v.planned_m / unit_m, 1),
                "done": round(v.done_m / unit_m, 1),
                "paused": v.paused,
            }
            for v in found.trend.volumes
        ],
        "fitness": [
            {
                "week": index + 1,
                "predicted": round(p.predicted_s),
                "low": round(p.low_s),
                "high": round(p.high_s),
            }
            for index, p in _with_today(found)
        ],
        "road": [{"week": index + 1, "seconds": round(s)} for index, s in found.road],
        "goal": found.status.plan.goal_time_s,
    }


def _with_today(found: dashboard.Dashboard) -> list[tuple[int, Any]]:
    """The weekly snapshots' predictions, and this week's as /status says it today when the
    week has no snapshot yet (the chart ends where the card's number is)."""
    points: list[tuple[int, Any]] = list(found.trend.predictions)
    week = found.status.plan.week_of(found.today)
    if week is not None and (not points or points[-1][0] < week.week_index):
        points.append((week.week_index, found.status.fitness.on_track))
    return points


@web.middleware
async def _headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    if request.path.startswith("/app"):
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Cache-Control"] = "no-store"
    return response


async def _to_page(request: web.Request) -> web.Response:
    raise web.HTTPFound("/app/")


async def _static(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    return web.Response(body=_asset(name), content_type=STATIC[name])


@cache
def _asset(name: str) -> bytes:
    return resources.files("bot").joinpath("webapp_static", name).read_bytes()


@cache
def _index(render: Any) -> str:
    return str(render("webapp/index"))
