"""Daily friction (issue 17), end to end through the fake Bot API: one set of numbers, a coach
that knows what was already run, answers read the way runners type them."""

import re
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from bot.app import COMMANDS
from core.analysis import analyse
from core.goals import estimated_5k
from core.models import ActivitySource, Athlete, AthleteActivity, RaceType, TrainingDayPlanned
from core.parsing import format_distance, format_duration
from core.plan import generate_plan
from core.progress import planned_training_m
from core.services import weekly
from core.units import Units
from tests.activity_files import gpx_file
from tests.bot.conftest import RACE_ANSWERS, onboard, set_race
from tests.bot.test_conversations import texts
from tests.bot.test_pushes import runner, travel
from tests.core.plans import request
from tests.units import stored

TIME = r"(\d+:\d\d(?::\d\d)?)"


async def with_goal(bot, user_id: int, goal_s: int) -> Athlete:
    """A runner (km, UTC) on a 12-week half-marathon plan from 1 Mar 2027 with a goal time."""
    repo = stored(bot)
    athlete = await repo.upsert_athlete(Athlete(telegram_user_id=user_id, chat_id=user_id))
    athlete = await repo.update_athlete(athlete.id, onboarded=True, units=Units.KM)
    plan = generate_plan(
        request(RaceType.HALF, 12, start=date(2027, 3, 1), units=Units.KM, goal_time_s=goal_s)
    )
    await repo.save_plan(athlete.id, plan, datetime(2027, 3, 1, 1, tzinfo=UTC))
    return athlete


async def ran(
    bot, athlete, day: TrainingDayPlanned, faster: float = 1.0, note: str | None = None
) -> None:
    """The runner ran ``day``'s workout, ``faster`` times its planned pace (stored, linked)."""
    seconds = day.planned.distance_m / 1000 * (day.planned.pace_s_per_km or 360) * faster
    activity = AthleteActivity(
        source=ActivitySource.MANUAL,
        external_id=f"ran-{day.date}",
        start_utc=datetime.combine(day.date, time(7), UTC),
        local_date=day.date,
        distance_m=day.planned.distance_m,
        duration_s=seconds,
        summary={"note": note} if note else {},
    )
    repo = stored(bot)
    run, _ = await repo.import_activity(athlete.id, activity)
    await repo.link_activity(athlete.id, run.id, day.id, analyse(day.planned, run))


def figure(pattern: str, html: str) -> str:
    text = re.sub(r"<[^>]+>", "", html)
    found = re.search(pattern, text, re.IGNORECASE | re.DOTALL)
    assert found, f"{pattern!r} not in {text!r}"
    return found.group(1)


async def test_every_command_gives_the_same_numbers_at_the_same_moment(
    telegram, bot, clock
) -> None:
    athlete = await with_goal(bot, 170, 1 * 3600 + 50 * 60)
    repo = stored(bot)
    plan = await repo.active_plan(athlete.id)
    runs = [d for d in plan.days() if d.planned.type.is_run]
    first_sunday = plan.weeks[0].end_date
    for day in (d for d in runs if d.date <= first_sunday):
        await ran(bot, athlete, day, faster=0.97)
    clock.set(datetime.combine(first_sunday, time(18, 50), UTC))  # the weekly snapshot
    await travel(bot, clock, telegram, clock.now() + timedelta(minutes=20))
    snapped = (await repo.active_plan(athlete.id)).adaptive_5k_s
    week_3 = plan.weeks[2].end_date
    after = [d for d in runs if first_sunday < d.date <= week_3]
    for day in after[:-1]:
        await ran(bot, athlete, day)
    await ran(bot, athlete, after[-1], faster=0.85, note="time trial")  # fitter since the snapshot
    clock.set(datetime.combine(week_3 + timedelta(days=1), time(12), UTC))

    user = telegram.user(170)
    status = texts(await user.send("/status"))
    predicted = texts(await user.send("/predict"))
    weekly = texts(await user.send("/progress"))

    five_k = figure(rf"Adaptive 5k: {TIME}", status)
    assert five_k != f"{snapped // 60}:{snapped % 60:02d}"  # today's, not last week's snapshot
    assert figure(rf"adaptive 5k {TIME}", predicted) == five_k
    assert figure(rf"Adaptive 5k {TIME}", weekly) == five_k
    race = figure(rf"Predicted: {TIME}", status)
    assert figure(rf"Test race: predicted {TIME}", predicted) == race
    assert figure(rf"predicted {TIME}", weekly) == race
    assert figure(rf"Half marathon: {TIME}", predicted) == race
    goal_gap = figure(r"Goal: \S+ → ([+-]\d+:\d\d(?::\d\d)?)", status)
    assert figure(r"→ ([+-]\d+:\d\d(?::\d\d)?)", predicted) == goal_gap


async def test_the_morning_push_knows_the_run_is_already_in(telegram, bot, clock) -> None:
    athlete = await runner(bot, 171, "UTC", "07:00")
    plan = await stored(bot).active_plan(athlete.id)
    early, later = [d for d in plan.days() if d.planned.type.is_run][1:3]
    clock.set(datetime.combine(early.date, time(6, 50), UTC))
    await ran(bot, athlete, early)  # a 6 am runner, logged before the 7:00 push
    received = await travel(bot, clock, telegram, clock.now() + timedelta(minutes=20))
    [(_, _, morning)] = received[171]
    assert "already done" in morning and "Done ✓" not in morning
    [push] = [c for c in telegram.calls_to(171) if "already done" in c.text]
    assert push.buttons == []

    clock.set(datetime.combine(later.date, time(6, 50), UTC))
    await travel(bot, clock, telegram, clock.now() + timedelta(minutes=20))
    [push] = [
        c for c in telegram.calls_to(171) if c.buttons and "Done ✓ — log it" in c.buttons[0][0]
    ]
    await ran(bot, athlete, later)  # logged after the push: the old buttons still work, truthfully
    user = telegram.user(171)
    done = texts(await user.press(push.buttons[0][1]))
    assert "Already in" in done and "Send the file" not in done
    skip = await user.press(push.buttons[1][1])
    assert any("already done" in c.text for c in skip) and not any(
        "Skipped" in c.text for c in skip
    )


async def test_a_run_that_fits_today_links_at_once_with_undo(telegram, bot, clock) -> None:
    """Tuesday's easy 5.5 km, logged on Tuesday, is Tuesday's, though Wednesday plans the same:
    linked with an Undo instead of "Is this activity for your plan?"."""
    athlete = await runner(bot, 172, "UTC")
    plan = await stored(bot).active_plan(athlete.id)
    days = plan.days()
    today, tomorrow = next(
        (a, b)
        for a, b in pairwise(days)
        if a.planned.type.is_run and a.planned.distance_m == b.planned.distance_m
    )
    clock.set(datetime.combine(today.date, time(19), UTC))
    minutes = round(today.planned.distance_m / 1000 * today.planned.pace_s_per_km / 60)
    reply = await telegram.user(172).send(
        f"/log {today.planned.distance_m / 1000:g}km {minutes}:00"
    )
    said = texts(reply)
    assert "Is this activity for your plan?" not in said
    assert "Completed" in said
    assert any(data.startswith("ac:u:") for c in reply for _, data in c.buttons)  # the undo
    executed = await stored(bot).executed_days(athlete.id, plan.id)
    assert [e.date for e in executed] == [today.date] and tomorrow.date != today.date


async def test_a_run_can_be_deleted_and_an_extra_run_linked_after_all(telegram, bot, clock) -> None:
    athlete = await runner(bot, 173, "UTC")
    repo = stored(bot)
    plan = await repo.active_plan(athlete.id)
    first = next(d for d in plan.days() if d.planned.type.is_run)
    clock.set(datetime.combine(first.date, time(19), UTC))
    user = telegram.user(173)
    minutes = round(first.planned.distance_m / 1000 * first.planned.pace_s_per_km / 60)
    linked = await user.send(f"/log {first.planned.distance_m / 1000:g}km {minutes}:00")
    delete = next(data for c in linked for label, data in c.buttons if "Delete" in label)
    forged = await telegram.user(174).press(delete)  # not theirs: refused, nothing asked
    assert not any("Yes, delete" in label for c in forged for label, _ in c.buttons)
    ask = await user.press(delete)
    [(yes, yes_data), (_, keep_data)] = ask[-1].buttons
    assert "Yes, delete" in yes
    assert "Kept" in texts(await user.press(keep_data))
    assert await repo.executed_days(athlete.id, plan.id)  # keeping kept it
    assert "Deleted" in texts(await user.press(yes_data))
    assert await repo.executed_days(athlete.id, plan.id) == []
    assert await repo.unlinked_activities(athlete.id) == []
    again = await user.press(yes_data)  # a second press: already handled, said once
    assert any("already" in c.text.lower() for c in again)

    extra = await user.send("/log 3km 18:00")  # a shake-out the plan didn't ask for
    pick = next(c for c in extra if c.buttons)
    marked = await user.press(next(d for label, d in pick.buttons if "Extra" in label))
    link = next(d for c in marked for label, d in c.buttons if "Link to a day" in label)
    days = await user.press(link)  # changed their mind: the nearby open days
    day_button = days[-1].buttons[0][1]
    assert day_button.startswith("ac:l:")
    assert "Distance: 3 km of" in texts(await user.press(day_button))  # linked, analysed


async def test_an_old_run_shows_its_year(telegram, bot, clock) -> None:
    await runner(bot, 175, "UTC")
    clock.set(datetime(2027, 3, 3, 19, tzinfo=UTC))
    old = gpx_file(datetime(2019, 1, 29, 7, tzinfo=UTC), 8000, 2400)
    said = texts(await telegram.user(175).send_file("old.gpx", old))
    assert "Tue 29 Jan 2019" in said


async def test_a_runner_in_bengaluru_types_a_morning_time(telegram, bot) -> None:
    user = telegram.user(176)
    await user.send("/start")
    await user.press("on:u:km")
    assert "Asia/Kolkata" in texts(await user.send("Bengaluru"))
    await user.send("6:15am")
    athlete = await stored(bot).athlete_by_telegram(176)
    assert (athlete.time_zone, athlete.push_time) == ("Asia/Kolkata", "06:15")
    await user.send("/settings")
    await user.press("st:zone")
    await user.send("Pune, India")
    await user.press("st:time")
    await user.send("7")
    athlete = await stored(bot).athlete_by_telegram(176)
    assert (athlete.time_zone, athlete.push_time) == ("Asia/Kolkata", "07:00")


async def test_log_reads_spaces_and_the_last_weekday(telegram, bot, clock) -> None:
    athlete = await runner(bot, 177, "UTC")
    clock.set(datetime(2027, 3, 11, 19, tzinfo=UTC))  # a Thursday
    user = telegram.user(177)
    await user.send("/log 5 km 35 min")
    await user.send("/log 8 km 50:00 sunday long and slow")
    runs = {a.local_date: a for a in await stored(bot).unlinked_activities(athlete.id)}
    executed = await stored(bot).executed_days(
        athlete.id, (await stored(bot).active_plan(athlete.id)).id
    )
    dates = set(runs) | {e.date for e in executed}
    assert dates == {date(2027, 3, 11), date(2027, 3, 7)}  # today and the Sunday just gone


async def test_a_negative_weekly_volume_gets_a_volume_answer(telegram, bot, clock) -> None:
    user = telegram.user(178)
    await onboard(user, units="km")
    clock.set(datetime(2026, 11, 26, 12, tzinfo=UTC))
    for action, value in RACE_ANSWERS[:7]:
        await (user.press(value) if action == "press" else user.send(value))
    said = texts(await user.send("-10"))
    assert "negative" in said and "marathon" not in said.split("negative")[1]


async def test_race_week_reads_like_a_coach(telegram, bot, clock) -> None:
    """A runner who stopped logging weeks ago: the days before the race count down, race
    morning is one clear message (no rebuild, no Skip), the result reads cleanly and /today
    after it is recovery, then "what next?"."""
    athlete = await runner(bot, 179, "UTC", "07:00")
    plan = await stored(bot).active_plan(athlete.id)
    race_day = plan.race.race_date
    user = telegram.user(179)
    clock.set(datetime.combine(race_day - timedelta(days=1), time(12), UTC))
    assert "race tomorrow" in texts(await user.send("/status"))
    clock.set(datetime.combine(race_day - timedelta(days=9), time(12), UTC))
    assert "9 days to go" in texts(await user.send("/status"))

    clock.set(datetime.combine(race_day, time(6, 50), UTC))
    seen = telegram.last_seq
    await travel(bot, clock, telegram, clock.now() + timedelta(minutes=20))
    [morning] = [c for c in telegram.calls_to(179, since=seen) if c.method == "sendMessage"]
    assert morning.text.startswith("🏁") and "missed" not in morning.text
    assert "Skip" not in str(morning.buttons)

    clock.set(datetime.combine(race_day, time(15), UTC))
    result = texts(await user.send("/result 1:55:00"))
    assert "!Your" not in result and ".Your" not in result  # lines no longer run together
    recovering = await user.send("/today")
    assert "Recovery day 1 of 10" in texts(recovering)
    assert ("🏁 Set my next race", "rc:start") in recovering[-1].buttons
    clock.set(datetime.combine(race_day + timedelta(days=12), time(12), UTC))
    assert "What's next?" in texts(await user.send("/today"))


async def test_help_lists_every_command_in_the_menu(telegram, bot) -> None:
    user = telegram.user(180)
    await onboard(user)
    said = texts(await user.send("/help"))
    missing = [name for name, _ in COMMANDS if f"/{name}" not in said and name != "help"]
    assert missing == []


async def test_pain_is_pointed_to_pause_and_cancel_closes_settings(telegram, bot) -> None:
    user = telegram.user(181)
    await onboard(user)
    said = texts(await user.send("my knee hurts"))
    assert "physio" in said and "Pause your plan (injured) until you're back?" in said, said
    assert "not sure what you mean" in texts(await user.send("banana"))
    await user.send("/settings")
    assert "Settings closed" in texts(await user.send("/cancel"))


async def test_after_switching_to_km_nothing_speaks_miles(telegram, bot, clock) -> None:
    user = telegram.user(182)
    await onboard(user, units="mi")
    await set_race(user)
    await user.press("rc:ok")
    await user.send("/settings")
    await user.press("st:units")
    await user.press("st:done")
    said = []
    for offset in range(0, 14, 3):
        clock.set(datetime(2026, 11, 30, 12, tzinfo=UTC) + timedelta(days=offset))
        for command in ("/today", "/week", "/plan", "/status", "/predict", "/progress"):
            said.append(texts(await user.send(command)))
    clock.set(datetime(2026, 12, 15, 5, 20, tzinfo=UTC))  # the 06:30 Berlin push
    pushed = await travel(bot, clock, telegram, clock.now() + timedelta(minutes=20))
    said += [text for _, _, text in pushed[182]]
    assert all(re.search(r"\d mi\b|/mi\b", text) is None for text in said)
    assert sum(" km" in text for text in said) > 10
    log_help = texts(await user.send("/log"))
    assert "km" in log_help and re.search(r"\dmi\b", log_help) is None  # examples in km too


async def test_after_switching_to_km_the_plan_is_rounded_as_a_km_plan(telegram, bot, clock) -> None:
    """Issue 26: a km runner saw "16.1 km" and a "2.4 km warm-up", converted miles. The rest of
    the plan is rebuilt in km: runs and warm-ups in whole or half km (the cool-down takes
    what the reps leave), and the runner is told the week's new volume."""
    user = telegram.user(184)
    await onboard(user, units="mi")
    await set_race(user)
    await user.press("rc:ok")
    await user.send("/settings")
    pressed = await user.press("st:units")
    assert "Plan changed" in texts(pressed) and "units" in texts(pressed), texts(pressed)
    athlete = await stored(bot).athlete_by_telegram(184)
    plan = await stored(bot).active_plan(athlete.id)
    assert plan is not None and plan.units is Units.KM
    today = clock.now().date()
    for day in plan.days():
        if day.date < today or not day.planned.type.is_run:
            continue
        planned = day.planned
        if planned.type.value != "race":
            assert _on_steps_of(planned.distance_m, 500), day
        for step in planned.steps:
            if step.kind.value == "warmup":
                assert _on_steps_of(step.distance_m, 500), (day, step)


def _on_steps_of(metres: float, step: int) -> bool:
    return abs(metres / step - round(metres / step)) < 1e-6


async def test_not_sure_of_the_5k_is_estimated_from_volume_never_the_goal(
    telegram, bot, clock
) -> None:
    user = telegram.user(183)
    await onboard(user, units="km")
    clock.set(datetime(2026, 11, 26, 12, tzinfo=UTC))
    novice = {"3:45:00": ("send", "4:00:00"), "24:00": ("press", "rc:unsure"), "20": ("send", "0")}
    for action, value in (novice.get(a[1], a) for a in RACE_ANSWERS):
        summary = await (user.press(value) if action == "press" else user.send(value))
    five_k = figure(rf"from your 5k {TIME}, estimated", texts(summary))
    assert five_k == format_duration(estimated_5k(0))  # 0 km a week says it, not the goal
    await user.press("rc:change")
    await user.press("rc:edit:goal")
    again = texts(await user.send("5:30:00"))
    assert figure(rf"from your 5k {TIME}, estimated", again) == five_k  # the goal moved, not it
    await user.press("rc:change")
    await user.press("rc:edit:goal")
    refused = texts(await user.send("2:50:00"))
    assert "faster than race day can bring" in refused


async def test_history_lists_each_change_on_its_own_line_with_before_and_after(
    telegram, bot, clock
) -> None:
    athlete = await runner(bot, 184, "UTC")
    plan = await stored(bot).active_plan(athlete.id)
    for week in plan.weeks[1:3]:  # two weeks without a run: two adjustments
        clock.set(datetime.combine(week.end_date, time(18, 50), UTC))
        await travel(bot, clock, telegram, clock.now() + timedelta(minutes=20))
    said = texts(await telegram.user(184).send("/history"))
    changes = [line for line in said.splitlines() if line.startswith("  · ")]
    assert len(changes) == 2
    assert all("next week" in line and " → " in line for line in changes)


async def test_the_easy_block_asks_if_you_ran_and_can_be_undone(telegram, bot, clock) -> None:
    athlete = await runner(bot, 185, "UTC")
    plan = await stored(bot).active_plan(athlete.id)
    runs = [d for d in plan.days() if d.planned.type.is_run]
    await ran(bot, athlete, runs[0])
    clock.set(datetime.combine(runs[2].date + timedelta(days=1), time(6, 50), UTC))
    await travel(bot, clock, telegram, clock.now() + timedelta(minutes=20))
    eased = next(c for c in telegram.calls_to(185) if "runs missed in a row" in c.text)
    labels = dict(eased.buttons)
    user = telegram.user(185)
    forgot = texts(await user.press(labels["🏃 I did run: log it"]))
    assert "/log" in forgot
    undone = texts(await user.press(labels["↩️ Undo this change"]))
    assert "Undone" in undone
    revisions = await stored(bot).revisions(athlete.id, plan.id)
    assert [r.undone for r in revisions if r.kind.value == "easy-block"] == [True]


async def test_answers_typed_where_buttons_offer_them(telegram, bot, clock) -> None:
    user = telegram.user(186)
    await user.send("/start")
    assert "time zone" in texts(await user.send("miles")).lower()  # units taken, zone asked
    await user.send("Berlin")
    await user.send("6:30")
    athlete = await stored(bot).athlete_by_telegram(186)
    assert athlete.units.value == "mi"
    clock.set(datetime(2026, 11, 26, 12, tzinfo=UTC))
    typed = {"rc:type:marathon": "marathon", "rc:days:done": "mon wed fri sun", "rc:long:6": "sun"}
    for action, value in RACE_ANSWERS:
        if value == "rc:day:3":  # run days come typed in one message below
            continue
        if value in typed:
            reply = await user.send(typed[value])
        else:
            reply = await (user.press(value) if action == "press" else user.send(value))
    assert "Save this plan?" in texts(reply)
    await user.press("rc:ok")
    plan = await stored(bot).active_plan(athlete.id)
    assert plan.race.race_type.value == "marathon"
    assert (plan.run_days, plan.long_run_day) == ((0, 2, 4, 6), 6)


async def test_only_the_question_on_screen_answers(telegram, bot, clock) -> None:
    """An old "Sat" from an earlier /race can't slip in; the current question's buttons work."""
    user = telegram.user(187)
    await onboard(user)
    clock.set(datetime(2026, 11, 26, 12, tzinfo=UTC))
    for action, value in RACE_ANSWERS[:-1]:  # a first /race, up to the long-run question
        await (user.press(value) if action == "press" else user.send(value))
    old_long_day, _ = telegram.last_keyboard_message(187, "rc:long:5")
    await user.send("/cancel")  # its keyboard stays on screen, as Telegram leaves it
    for action, value in RACE_ANSWERS[:-1]:  # a second /race, now at the long-run question
        await (user.press(value) if action == "press" else user.send(value))
    stale = await user.press("rc:long:5", message_id=old_long_day)
    assert "earlier question" in texts(stale)
    assert "long run" in texts(stale).lower()  # the current question, shown again
    summary = await user.press("rc:long:6")  # the button on screen works
    assert "Save this plan?" in texts(summary)
    await user.press("rc:ok")
    athlete = await stored(bot).athlete_by_telegram(187)
    assert (await stored(bot).active_plan(athlete.id)).long_run_day == 6


async def test_paused_days_leave_the_plan_its_volume_and_the_chart(telegram, bot, clock) -> None:
    athlete = await runner(bot, 188, "UTC")
    plan = await stored(bot).active_plan(athlete.id)
    week = plan.weeks[3]
    clock.set(datetime.combine(week.start_date, time(12), UTC))
    user = telegram.user(188)
    await user.send("/pause 4 injured")
    back = week.start_date + timedelta(days=4)
    clock.set(datetime.combine(back, time(6, 50), UTC))
    await travel(bot, clock, telegram, clock.now() + timedelta(minutes=20))  # the resume
    after = await stored(bot).active_plan(athlete.id)
    paused = [d for d in after.days() if week.start_date <= d.date < back]
    assert paused and all(d.planned.type.value == "rest" for d in paused)
    still = planned_training_m(after.weeks[3])
    status = texts(await user.send("/status"))
    assert f"of {format_distance(still, Units.KM)}" in status  # the week counts open days only
    report = await bot.services.units.write(
        lambda uow: weekly.weekly(uow, athlete.id, back + timedelta(days=2))
    )
    assert [v.paused for v in report.volumes] == [False, False, False, True]


async def test_a_second_run_links_to_the_same_day(telegram, bot, clock) -> None:
    """Double days: the morning run linked itself; the evening run joins the same day."""
    athlete = await runner(bot, 189, "UTC")
    plan = await stored(bot).active_plan(athlete.id)
    day = next(d for d in plan.days() if d.planned.type.is_run)
    clock.set(datetime.combine(day.date, time(20), UTC))
    user = telegram.user(189)
    minutes = round(day.planned.distance_m / 1000 * day.planned.pace_s_per_km / 60)
    await user.send(f"/log {day.planned.distance_m / 1000:g}km {minutes}:00 morning")
    evening = await user.send("/log 4km 26:00 evening shake-out")
    other = next(d for c in evening for label, d in c.buttons if d.startswith("ac:o:"))
    offered = (await user.press(other))[-1].buttons
    [(label, link)] = [(label, d) for label, d in offered if "2nd run" in label]
    assert f"{day.date.day} {day.date:%b}" in label
    assert "Distance: 4 km" in texts(await user.press(link))
    executed = await stored(bot).executed_days(athlete.id, plan.id)
    assert [e.date for e in executed] == [day.date, day.date]
    status = texts(await user.send("/status"))
    done = day.planned.distance_m / 1000 + 4
    assert f"This week: {done:g} km" in status
    # /week and /today say the same two runs
    both = f"{day.planned.distance_m / 1000:g} km ("
    clock.set(datetime.combine(day.date, time(21), UTC))
    week_line = next(line for line in texts(await user.send("/week")).splitlines() if "→" in line)
    today = texts(await user.send("/today"))
    assert both in week_line and "+ 4 km (" in week_line, week_line
    assert both in today and "+ 4 km (" in today and "2 runs" in today, today


async def test_an_old_units_button_cant_answer_a_later_question(telegram, bot) -> None:
    user = telegram.user(190)
    await user.send("/start")
    await user.send("banana")  # the units question again; the first one's buttons stay
    await user.press("on:u:km")  # on the newest question: its keyboard goes
    first_units, _ = telegram.last_keyboard_message(190, "on:u:mi")  # the first one's stays
    stale = await user.press("on:u:mi", message_id=first_units)  # now at the time zone
    assert "earlier question" in texts(stale)
    athlete = await stored(bot).athlete_by_telegram(190)
    assert athlete.units.value == "km"


async def test_status_says_which_5k_the_paces_use_after_a_break(telegram, bot, clock) -> None:
    """After an injury the paces start easier than the fitness estimate: /status says both,
    and which is which, instead of two unexplained numbers."""
    athlete = await runner(bot, 191, "UTC")
    plan = await stored(bot).active_plan(athlete.id)
    clock.set(datetime.combine(plan.weeks[2].start_date, time(12), UTC))
    user = telegram.user(191)
    await user.send("/pause 28 injured")
    back = plan.weeks[2].start_date + timedelta(days=28)
    clock.set(datetime.combine(back, time(6, 50), UTC))
    await travel(bot, clock, telegram, clock.now() + timedelta(minutes=20))
    rebuilt = await stored(bot).active_plan(athlete.id)
    status = texts(await user.send("/status"))
    assert f"Your paces use a 5k of {format_duration(rebuilt.pace_5k_s)}" in status
    assert "easier than today's fitness" in status


async def test_status_judges_the_plans_road_not_the_goal_as_it_stands_today(
    telegram, bot, clock
) -> None:
    """Issue 26: "🔴 Off track" on Monday of week 1 and after weeks at 100 %. A runner doing the
    plan is on track; one running 60 % of it hears how far behind the plan they are."""
    user = telegram.user(171)
    doer = await with_goal(bot, 171, 1 * 3600 + 50 * 60)  # ambitious: today predicts ~1:56
    clock.set(datetime(2027, 3, 1, 7, tzinfo=UTC))
    first = texts(await user.send("/status"))
    assert "On track" in first and "Off track" not in first
    plan = await stored(bot).active_plan(doer.id)
    runs = [d for d in plan.days() if d.planned.type.is_run]
    sixth_sunday = plan.weeks[5].end_date
    for day in (d for d in runs if d.date <= sixth_sunday):
        await ran(bot, doer, day)
    clock.set(datetime.combine(sixth_sunday + timedelta(days=1), time(12), UTC))
    later = texts(await user.send("/status"))
    assert "On track" in later and "plan's road" in later, later

    slacker_user = telegram.user(172)
    slacker = await with_goal(bot, 172, 1 * 3600 + 50 * 60)
    theirs = await stored(bot).active_plan(slacker.id)
    their_runs = [d for d in theirs.days() if d.planned.type.is_run and d.date <= sixth_sunday]
    for day in their_runs[::2]:  # every other planned run: about half the plan
        await ran(bot, slacker, day)
    behind = texts(await slacker_user.send("/status"))
    assert "behind" in behind.lower() and "The plan expected" in behind, behind
