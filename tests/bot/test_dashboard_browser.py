"""Issue 29 in a real browser (Debian's chromium, driven by Playwright): the dashboard as a
runner opens it from Telegram, launch data in the fragment, nothing loaded from outside. The
verdict, this week and a tapped day's steps; a workout moved from the page (the chat hears of
it, /week shows it); light and dark from Telegram's theme; screenshots at 390 × 844."""

import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from bot.context import CoachApplication
from core.adaptation import move_options
from core.clock import FrozenClock
from tests.bot.test_conversations import texts
from tests.bot.test_dashboard import runner
from tests.fake_telegram import FakeTelegram
from tests.units import stored
from tests.webapp import DARK, LIGHT, launch_data, page_url

PHONE = {"width": 390, "height": 844}
# what the machine's closed network needs: no background calls home (see the machine notes)
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "make test installs Debian's chromium"
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        await launched.close()


def as_runner(
    app: CoachApplication, telegram: FakeTelegram, user_id: int, clock: FrozenClock
) -> str:
    """The page's address as Telegram opens it for ``user_id``."""
    return page_url(app.dashboard_port, launch_data(telegram.token, user_id, clock.now()))


async def opened(browser: Browser, url: str) -> Page:
    page = await browser.new_page(viewport=PHONE)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if "127.0.0.1" not in r.url else None)
    await page.goto(url)
    await page.wait_for_selector("body[data-ready]")
    assert outside == []
    return page


async def test_the_runner_sees_verdict_week_and_a_days_steps(
    telegram: FakeTelegram,
    dashboard_bot: CoachApplication,
    clock: FrozenClock,
    browser: Browser,
    tmp_path: Path,
) -> None:
    await runner(telegram, 2950, "Harbour Marathon")
    plan = await stored(dashboard_bot).active_plan(
        (await stored(dashboard_bot).athlete_by_telegram(2950)).id
    )
    status = texts(await telegram.user(2950).send("/status"))
    page = await opened(
        browser,
        page_url(dashboard_bot.dashboard_port, launch_data(telegram.token, 2950, clock.now())),
    )
    assert await page.inner_text(".verdict") in status  # "✅ On track", as /status says it
    predicted = await page.inner_text(".figure b")
    assert f"Predicted: <b>{predicted}</b>" in status
    assert "Week 1 of" in await page.inner_text("#week")
    assert await page.locator("#calendar .cal-week").count() == plan.total_weeks
    assert await page.locator("#fitness polyline.road").count() == 1
    await page.screenshot(path=tmp_path / "light.png")
    run_day = next(d for d in plan.days() if d.planned.type.is_run and d.date >= clock.now().date())
    await page.click(f"#week button[data-day='{run_day.date.isoformat()}']")
    await page.wait_for_selector("#sheet-content .day-text")
    shown = await page.inner_text("#sheet-content")
    assert f"{run_day.date:%a} {run_day.date.day} {run_day.date:%b}" in shown
    assert "/mi" in shown  # its steps' pace range, in the runner's units
    await page.screenshot(path=tmp_path / "day.png")


async def test_a_workout_moved_from_the_page(
    telegram: FakeTelegram, dashboard_bot: CoachApplication, clock: FrozenClock, browser: Browser
) -> None:
    """Asked first, as in the chat; after Yes the chat hears of it and /week shows it."""
    await runner(telegram, 2951, "Harbour Marathon")
    athlete = await stored(dashboard_bot).athlete_by_telegram(2951)
    plan = await stored(dashboard_bot).active_plan(athlete.id)
    day, target = next(
        (d, options[0])
        for d in plan.days()
        if d.planned.type.is_run
        and d.week_index == 1
        and (
            options := move_options([w for w in plan.days() if w.week_index == 1], d, set(), d.date)
        )
    )
    clock.set(datetime(day.date.year, day.date.month, day.date.day, 7, tzinfo=UTC))
    page = await opened(
        browser,
        page_url(dashboard_bot.dashboard_port, launch_data(telegram.token, 2951, clock.now())),
    )
    await page.click(f"#week button[data-day='{day.date.isoformat()}']")
    label = f"Move to {target.date:%a} {target.date.day}"
    await page.click(f"#sheet-content button.action:has-text('{label}')")
    question = await page.inner_text("#sheet-content .question")
    assert f"to {target.date:%a} {target.date.day} {target.date:%b}?" in question
    assert (
        await stored(dashboard_bot).active_plan(athlete.id)
    ).model_dump() == plan.model_dump()  # asked
    seen = telegram.last_seq
    await page.click("#sheet-content button.yes")
    await page.wait_for_selector("#sheet", state="hidden")
    told = await telegram.wait_for(lambda c: c.method == "sendMessage" and c.seq > seen)
    assert f"Moved to {target.date:%a} {target.date.day}" in told.text
    week = texts(await telegram.user(2951).send("/week"))
    assert f"{day.date:%a} {day.date.day} {day.date:%b} ← today: rest" in week, week
    moved = {d.date: d for d in (await stored(dashboard_bot).active_plan(athlete.id)).days()}
    assert moved[target.date].planned.type is day.planned.type


async def test_light_and_dark_follow_telegrams_theme(
    telegram: FakeTelegram, dashboard_bot: CoachApplication, clock: FrozenClock, browser: Browser
) -> None:
    await runner(telegram, 2952, "Harbour Marathon")
    signed = launch_data(telegram.token, 2952, clock.now())
    for theme, scheme in ((LIGHT, "light"), (DARK, "dark")):
        page = await opened(browser, page_url(dashboard_bot.dashboard_port, signed, theme))
        assert await page.get_attribute("html", "data-scheme") == scheme
        background = await page.evaluate("getComputedStyle(document.body).backgroundColor")
        red, green, blue = (int(theme["bg_color"][i : i + 2], 16) for i in (1, 3, 5))
        assert background == f"rgb({red}, {green}, {blue})"
        for phone_width in (360, 430):  # the narrowest and widest phones in use
            await page.set_viewport_size({"width": phone_width, "height": 844})
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= phone_width  # nothing wider than the phone


async def test_without_launch_data_the_page_says_where_to_open_it(
    telegram: FakeTelegram, dashboard_bot: CoachApplication, browser: Browser
) -> None:
    page = await opened(browser, f"http://127.0.0.1:{dashboard_bot.dashboard_port}/app/")
    assert "Open the dashboard from the chat" in await page.inner_text("#card")
