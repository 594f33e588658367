"""Inline keyboards and their callback data.

Callback data is short, versionless text that survives restarts (no in-memory cache):
``<area>:<action>[:<id>…]``. Ids are verified against the database by the handler — a pressed
button proves nothing about who owns what.
"""

from collections.abc import Iterable, Sequence
from datetime import date

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, WebAppInfo

from bot.render import short_date
from core.models import TrainingDayPlanned
from core.parsing import format_distance
from core.services.coaching import NearbyDay
from core.units import Units

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def button(text: str, data: str) -> InlineKeyboardButton:
    assert len(data.encode()) <= 64, data
    return InlineKeyboardButton(text, callback_data=data)


def rows(buttons: Iterable[InlineKeyboardButton], width: int) -> InlineKeyboardMarkup:
    items = list(buttons)
    return InlineKeyboardMarkup([items[i : i + width] for i in range(0, len(items), width)])


def single(text: str, data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[button(text, data)]])


def _nearby_label(near: NearbyDay, units: Units) -> str:
    label = day_label(near.day, units)
    return _second_run(label) if near.has_run else label


def _second_run(label: str) -> str:
    return f"＋ {label} (2nd run)"


def _candidate_label(day: TrainingDayPlanned, units: Units, second: bool) -> str:
    label = day_label(day, units)
    return _second_run(label) if second else f"✅ {label}"


def day_label(day: TrainingDayPlanned, units: Units) -> str:
    workout = day.planned
    distance = format_distance(workout.distance_m, units)
    return f"{short_date(day.date)} · {workout.type.label} {distance}"


def confirm_activity(
    activity_id: int,
    candidates: Sequence[TrainingDayPlanned],
    units: Units,
    double_day_id: int | None = None,
) -> InlineKeyboardMarkup:
    """ "Is this activity for your plan?": the best day(s) — the day's second run first when
    its run is in —, another day, or an extra run."""
    keyboard = [
        [
            button(
                _candidate_label(day, units, day.id == double_day_id),
                link_data(activity_id, day.id, second=day.id == double_day_id),
            )
        ]
        for day in candidates[:2]
    ]
    keyboard.append(
        [
            button("📅 Another day", f"ac:o:{activity_id}"),
            button("➕ Extra run", f"ac:x:{activity_id}"),
        ]
    )
    keyboard.append([delete_button(activity_id)])
    return InlineKeyboardMarkup(keyboard)


def other_days(activity_id: int, days: Sequence[NearbyDay], units: Units) -> InlineKeyboardMarkup:
    """The planned runs near it; one that has its run already says "2nd run" (a double day)."""
    keyboard = [
        [button(_nearby_label(n, units), link_data(activity_id, n.day.id, second=n.has_run))]
        for n in days[:8]
    ]
    keyboard.append([button("➕ Extra run", f"ac:x:{activity_id}")])
    return InlineKeyboardMarkup(keyboard)


def link_data(activity_id: int, day_id: int | None, *, second: bool = False) -> str:
    """A link button's data: ``ac:l2`` joins a day that has its run already (a double day)."""
    return f"ac:{'l2' if second else 'l'}:{activity_id}:{day_id}"


def second_run_offer(activity_id: int, day_id: int) -> InlineKeyboardMarkup:
    """The day has its run: this one as its second run, another day, or an extra run."""
    return InlineKeyboardMarkup(
        [
            [button("＋ Yes, its 2nd run", link_data(activity_id, day_id, second=True))],
            [
                button("📅 Another day", f"ac:o:{activity_id}"),
                button("➕ Extra run", f"ac:x:{activity_id}"),
            ],
        ]
    )


def undo_link(activity_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button("↩️ Not for my plan", f"ac:u:{activity_id}"), delete_button(activity_id)]]
    )


def delete_button(activity_id: int) -> InlineKeyboardButton:
    return button("🗑 Delete run", f"ac:d:{activity_id}")


def unlinked_run(activity_id: int) -> InlineKeyboardMarkup:
    """A run that counts as extra: link it to a day after all, or delete it."""
    return InlineKeyboardMarkup(
        [[button("📅 Link to a day", f"ac:o:{activity_id}"), delete_button(activity_id)]]
    )


def confirm_delete(activity_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                button("🗑 Yes, delete it", f"ac:dd:{activity_id}"),
                button("Keep it", f"ac:k:{activity_id}"),
            ]
        ]
    )


def plan_pager(week_index: int, total: int) -> InlineKeyboardMarkup:
    nav = []
    if week_index > 0:
        nav.append(button("◀", f"pl:{week_index - 1}"))
    nav.append(button(f"Week {week_index + 1}/{total}", f"pl:{week_index}"))
    if week_index < total - 1:
        nav.append(button("▶", f"pl:{week_index + 1}"))
    return InlineKeyboardMarkup([nav])


def workout_buttons(day: TrainingDayPlanned) -> InlineKeyboardMarkup:
    """Done / Skip / watch file under a stored day's workout."""
    assert day.id is not None, "a pushed day comes from the database"
    return InlineKeyboardMarkup(
        [
            [
                button("Done ✓ — log it", f"dw:done:{day.id}"),
                button("Skip today", f"dw:skip:{day.id}"),
            ],
            [watch_button(day.date)],
        ]
    )


def watch_button(on: date) -> InlineKeyboardButton:
    return button("⌚ Workout for my watch", f"wk:fit:{on.isoformat()}")


def goal_choices() -> InlineKeyboardMarkup:
    """When the goal is out of reach: change it, or move the race."""
    return rows(
        [button("🎯 New goal", "rc:modify:goal"), button("📅 Later race", "rc:modify:date")], 2
    )


DASHBOARD_LABEL = "📊 Dashboard"


def dashboard_button(url: str | None) -> InlineKeyboardMarkup | None:
    """The Mini App under /status and the weekly report; none when no dashboard is set up."""
    if not url:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(DASHBOARD_LABEL, web_app=WebAppInfo(url))]])
