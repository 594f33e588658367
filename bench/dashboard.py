"""The dashboard (issue 29) as a runner opens it: how long the page and its data take to load
in a real browser (Debian's chromium) on loopback, for a 26-week plan, and screenshots at
390 × 844 (light, dark, the calendar, a day opened) for the README.

Target: ≤ 300 ms from navigation to the page drawn with its data. Baseline in the same run:
the same browser loading one of the page's own static files (what any page costs here).

    python bench/dashboard.py [--runs 20] [--screenshots docs/]
"""

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.async_api import Browser, async_playwright

from core.clock import FrozenClock
from tests.bot.conftest import make_app, onboard, running, set_race
from tests.bot.test_dashboard_browser import CHROMIUM_FLAGS, PHONE
from tests.fake_telegram import FakeTelegram
from tests.units import stored
from tests.webapp import DARK, launch_data, page_url

# 26 weeks before the test race (Sun 18 Apr 2027), a Tuesday
TWENTY_SIX_WEEKS_OUT = datetime(2026, 10, 20, 8, tzinfo=UTC)
READY = "body[data-ready='1']"


async def load_ms(browser: Browser, url: str, ready: str) -> float:
    """Milliseconds from navigation to ``ready`` (a fresh page: nothing cached)."""
    page = await browser.new_page(viewport=PHONE)
    start = asyncio.get_running_loop().time()
    await page.goto(url)
    await page.wait_for_selector(ready)
    took = (asyncio.get_running_loop().time() - start) * 1000
    await page.close()
    return took


async def main(runs: int, shots: Path | None) -> None:
    telegram = await FakeTelegram().start()
    clock = FrozenClock(TWENTY_SIX_WEEKS_OUT)
    with tempfile.TemporaryDirectory() as folder:
        app = make_app(
            telegram,
            Path(folder) / "bench.db",
            clock,
            webapp_url="https://coach.example/app/",
            webapp_port=0,
        )
        async with running(app):
            user = telegram.user(77)
            await onboard(user, zone="UTC")
            await set_race(user)
            await user.press("rc:ok")
            plan = await stored(app).active_plan((await stored(app).athlete_by_telegram(77)).id)
            url = page_url(app.dashboard_port, launch_data(telegram.token, 77, clock.now()))
            asset = f"http://127.0.0.1:{app.dashboard_port}/app/app.css"
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(
                    executable_path=shutil.which("chromium"), args=CHROMIUM_FLAGS
                )
                await load_ms(browser, url, READY)  # warm: templates compiled, plan cached
                page_ms = [await load_ms(browser, url, READY) for _ in range(runs)]
                base_ms = [await load_ms(browser, asset, "body") for _ in range(runs)]
                if shots:
                    await screenshots(
                        browser,
                        url,
                        page_url(
                            app.dashboard_port, launch_data(telegram.token, 77, clock.now()), DARK
                        ),
                        shots,
                    )
                await browser.close()
    await telegram.stop()
    page, base = statistics.median(page_ms), statistics.median(base_ms)
    print(f"plan: {plan.total_weeks} weeks, {len(plan.days())} days")
    print(f"page + data drawn: median {page:.0f} ms, worst {max(page_ms):.0f} ms (target ≤ 300)")
    print(f"baseline (one static file): median {base:.0f} ms · ratio {page / base:.1f}×")


async def screenshots(browser: Browser, light: str, dark: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, url in (("light", light), ("dark", dark)):
        page = await browser.new_page(viewport=PHONE)
        await page.goto(url)
        await page.wait_for_selector(READY)
        await page.screenshot(path=folder / f"dashboard-{name}.png")
        if name == "light":
            await page.locator("#calendar").scroll_into_view_if_needed()
            await page.screenshot(path=folder / "dashboard-calendar.png")
            await page.click("#week button.day.today, #week button.day.planned")
            await page.wait_for_selector("#sheet-content .day-text")
            await page.screenshot(path=folder / "dashboard-day.png")
        await page.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--screenshots", type=Path, default=None)
    args = parser.parse_args()
    asyncio.run(main(args.runs, args.screenshots))
