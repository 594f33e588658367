"""The real Application, end to end, through our fake Bot API server."""

import html
import json

from bot.context import CoachApplication
from tests.bot.conftest import RACE_ANSWERS, onboard, set_race
from tests.fake_telegram import Call, FakeTelegram
from tests.units import stored

FREE_TEXT = {"Test City Marathon", "rc:skip"}


def raw(calls: list[Call]) -> str:
    return "\n".join(c.text for c in calls)


def texts(calls: list[Call]) -> str:
    """What the runner reads: HTML entities decoded."""
    return html.unescape(raw(calls))


def datas(calls: list[Call]) -> list[str]:
    return [data for c in calls for _, data in c.buttons]


async def test_onboarding_race_and_plan(telegram: FakeTelegram, bot: CoachApplication) -> None:
    user = telegram.user(1001, "Ada")
    welcome = await user.send("/start")
    assert "Ada" in texts(welcome) and "on:u:mi" in datas(welcome)
    assert "Where do you run" in texts(await user.press("on:u:mi"))
    assert "Europe/Berlin" in texts(await user.send("Berlin"))
    done = await user.press("on:t:0630")
    assert "06:30" in texts(done) and "rc:start" in datas(done)

    summary = await set_race(user)
    body = texts(summary)
    assert "Test City Marathon" in body and "20 weeks" in body
    assert "Base" in body and "Taper" in body and "Prediction today" in body
    assert "3:45:00" in body and "VDOT" in body
    assert {"rc:ok", "rc:change", "rc:cancel"} <= set(datas(summary))

    saved = await user.press("rc:ok")
    assert "Your plan is saved" in texts(saved)
    plan = await stored(bot).active_plan(1)
    assert plan is not None and plan.total_weeks == 20 and plan.goal_time_s == 13500
    assert plan.units.value == "mi" and plan.long_run_day == 6

    today = texts(await user.send("/today"))
    assert "Tue 1 Dec" in today
    week = texts(await user.send("/week"))
    assert "Week 1 of 20" in week
    page = await user.send("/plan")
    assert "pl:1" in datas(page)
    turned = await user.press("pl:1")
    assert any(c.method == "editMessageText" and "Week 2 of 20" in c.text for c in turned)
    status = texts(await user.send("/status"))
    assert "Are you on track?" in status and "Adaptive 5k" in status
    assert "Predictions" in texts(await user.send("/predict"))


async def test_commands_are_registered(telegram: FakeTelegram, bot: CoachApplication) -> None:
    call = await telegram.wait_for(lambda c: c.method == "setMyCommands")
    names = {c["command"] for c in call.params["commands"]}
    assert {"today", "week", "plan", "status", "race", "settings", "export", "delete"} <= names


async def test_garbage_at_every_step_reasks_and_loses_nothing(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    user = telegram.user(2002)
    await onboard(user)
    assert "not sure what you mean" in texts(await user.send("blorp?"))
    await user.press(RACE_ANSWERS[0][1])
    for action, value in RACE_ANSWERS[1:]:
        before = texts(await user.send_sticker())
        assert "⚠️" in before  # a hint, then the same question again
        if value not in FREE_TEXT:  # a race name or a location can be any text
            nonsense = await user.send("25:61 ✨ <b>not html</b>")
            assert "⚠️" in texts(nonsense)
        if action == "press":
            await user.press("rc:bogus")  # a stale or forged button in this state
        await (user.press(value) if action == "press" else user.send(value))
    saved = await user.press("rc:ok")
    assert "Your plan is saved" in texts(saved)
    athlete = await stored(bot).athlete_by_telegram(2002)
    plan = await stored(bot).active_plan(athlete.id)
    assert (
        plan is not None
        and plan.baseline_5k_s == 1440
        and plan.race.race_name == "Test City Marathon"
    )


async def test_runner_text_is_escaped(telegram: FakeTelegram, bot: CoachApplication) -> None:
    user = telegram.user(2102)
    await onboard(user)
    await user.press("rc:start")
    echoed = raw(await user.send("<b>Evil</b> & <script>"))
    assert "&lt;b&gt;Evil&lt;/b&gt; &amp; &lt;script&gt;" in echoed and "<script>" not in echoed


async def test_bad_answers_get_friendly_hints(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    user = telegram.user(3003)
    await onboard(user)
    await user.press("rc:start")
    await user.send("Spring 10k")
    await user.press("rc:type:10k")
    assert "isn't in the future" in texts(await user.send("2020-01-01"))
    assert "needs at least 4" in texts(await user.send("tomorrow"))
    await user.send("2027-03-07")
    await user.send("Hamburg")
    assert "Seconds go up to 59" in texts(await user.send("25:61"))
    await user.press("rc:finish")
    estimate = await user.press("rc:unsure")
    assert "per week" in texts(estimate)
    assert "⚠️" in texts(await user.send("-3k"))
    assert "longest run" in texts(await user.send("10"))
    assert "⚠️" in texts(await user.send("500 km"))
    await user.press("rc:longest:unsure")
    for day in (1, 3):  # leave only 2 days
        await user.press(f"rc:day:{day}")
    refused = await user.press("rc:days:done")
    assert any(c.method == "answerCallbackQuery" and c.params.get("show_alert") for c in refused)
    await user.press("rc:day:1")
    await user.press("rc:days:done")
    summary = await user.press("rc:long:6")
    assert "estimated" in texts(summary) and "just finish" in texts(summary)


async def test_change_from_the_summary_and_cancel(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    user = telegram.user(4004)
    await onboard(user)
    await set_race(user)
    await user.press("rc:change")
    await user.press("rc:edit:goal")
    summary = await user.send("3:30:00")
    assert "3:30:00" in texts(summary) and "Save this plan?" in texts(summary)
    cancelled = await user.send("/cancel")
    assert "nothing changed" in texts(cancelled)
    athlete = await stored(bot).athlete_by_telegram(4004)
    assert await stored(bot).active_plan(athlete.id) is None


async def test_new_race_asks_before_replacing(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    user = telegram.user(5005)
    await onboard(user)
    await set_race(user)
    await user.press("rc:ok")
    asked = await user.send("/race")
    assert "which replaces it" in texts(asked)
    kept = await user.press("rc:cancel")
    assert "stays as it was" in texts(kept)


async def test_start_again_keeps_everything(telegram: FakeTelegram, bot: CoachApplication) -> None:
    user = telegram.user(6006, "Bo")
    await onboard(user, units="km")
    await set_race(user)
    await user.press("rc:ok")
    again = texts(await user.send("/start"))
    assert "Welcome back" in again and "Test City Marathon" in again
    athlete = await stored(bot).athlete_by_telegram(6006)
    assert athlete.units.value == "km" and athlete.time_zone == "Europe/Berlin"


async def test_settings(telegram: FakeTelegram, bot: CoachApplication) -> None:
    user = telegram.user(7007)
    await onboard(user)
    menu = await user.send("/settings")
    assert "Europe/Berlin" in texts(menu)
    await user.press("st:units")
    await user.press("st:n:daily")
    await user.press("st:zone")
    await user.send_location(28.61, 77.21)
    await user.press("st:time")
    await user.send("5:45")
    athlete = await stored(bot).athlete_by_telegram(7007)
    assert athlete.units.value == "km" and athlete.time_zone == "Asia/Kolkata"
    assert athlete.push_time == "05:45" and athlete.notifications["daily"] is False


async def test_export_and_delete(telegram: FakeTelegram, bot: CoachApplication) -> None:
    user = telegram.user(8008)
    await onboard(user)
    await set_race(user)
    await user.press("rc:ok")
    exported = await user.send("/export")
    document = next(c for c in exported if c.method == "sendDocument")
    data = json.loads(document.params["document"]["content"])
    assert data["athlete"]["telegramUserId"] == 8008 and len(data["plans"]) == 1
    await user.send("/delete")
    await user.press("dl:yes")
    assert await stored(bot).athlete_by_telegram(8008) is None
    assert "send /start" in texts(await user.send("/today"))


async def test_unknown_user_and_commands_before_start(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    user = telegram.user(9009)
    assert "/start" in texts(await user.send("/today"))
    assert "/start" in texts(await user.send("/log 5k 25:00"))


async def test_calendar_export_has_stable_uids(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    from icalendar import Calendar

    user = telegram.user(9010)
    await onboard(user)
    await set_race(user)
    await user.press("rc:ok")

    async def export() -> Calendar:
        calls = await user.send("/calendar")
        document = next(c for c in calls if c.method == "sendDocument")
        assert document.params["document"]["filename"] == "gofast-plan.ics"
        return Calendar.from_ical(document.params["document"]["content"])

    first, second = await export(), await export()
    events = [e for e in first.walk("VEVENT")]
    athlete = await stored(bot).athlete_by_telegram(9010)
    plan = await stored(bot).active_plan(athlete.id)
    runs = [d for d in plan.days() if d.planned.type.is_run]
    assert len(events) == len(runs)
    assert [str(e["uid"]) for e in events] == [str(e["uid"]) for e in second.walk("VEVENT")]
    assert len({str(e["uid"]) for e in events}) == len(events)
    assert events[-1].decoded("dtstart") == plan.race.race_date  # all-day: a date
    first_run = str(events[0]["description"])
    assert "• " in first_run and " mi" in first_run and "<" not in first_run  # steps, plain
    assert "Race" in str(events[-1]["summary"])


async def test_delete_mid_race_ends_the_conversation(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    """Issue 26: after /delete mid-/race, /start and onboarding, a typed city was taken as an
    answer to the old race question (then a KeyError on every retry)."""
    user = telegram.user(8010)
    await onboard(user)
    for action, value in RACE_ANSWERS[:5]:  # up to the goal question
        await (user.press(value) if action == "press" else user.send(value))
    await user.send("/delete")
    await user.press("dl:yes")
    await onboard(user, units="km", zone="Lisbon")
    later = texts(await user.send("Lisbon"))  # a stray text after onboarding
    assert "goal" not in later.lower() and "went wrong" not in later
    race = texts(await user.send("/race"))
    assert "went wrong" not in race
    assert (await stored(bot).athlete_by_telegram(8010)) is not None


async def test_typed_answers_where_buttons_are_offered(
    telegram: FakeTelegram, bot: CoachApplication
) -> None:
    """ "not sure" at the 5k, "done" at the run days, "yes" at the summary (issue 26)."""
    user = telegram.user(8011)
    await onboard(user)
    answers = dict(enumerate(RACE_ANSWERS))
    answers[6] = ("send", "not sure")  # the 5k
    answers[9] = ("send", "done")  # the run days, as ticked
    for action, value in answers.values():
        calls = await (user.press(value) if action == "press" else user.send(value))
        assert "notsure" not in texts(calls).lower() and "went wrong" not in texts(calls)
    saved = texts(await user.send("yes"))
    assert "earlier question" not in saved
    athlete = await stored(bot).athlete_by_telegram(8011)
    assert athlete is not None and await stored(bot).active_plan(athlete.id) is not None
