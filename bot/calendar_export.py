"""The plan as an iCalendar file: one all-day event per upcoming run, with stable UIDs so that
importing it again updates the events instead of duplicating them."""

from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from bot.render import Renderer, plain
from core.models import TrainingPlan
from core.parsing import format_distance
from core.units import Units

UID_DOMAIN = "gofast.coach"


def plan_calendar(
    plan: TrainingPlan, units: Units, first: date, stamp: datetime, render: Renderer
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//GoFast Coach//Training plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"GoFast · {plan.race.race_name}")
    for day in plan.days():
        workout = day.planned
        if day.date < first or not workout.type.is_run:
            continue
        event = Event()
        event.add("uid", f"plan{plan.id}-w{day.week_index}-d{day.day_index}@{UID_DOMAIN}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day.date)  # a date, not a datetime: an all-day event
        event.add("dtend", day.date + timedelta(days=1))
        event.add(
            "summary", f"🏃 {workout.type.label} {format_distance(workout.distance_m, units)}"
        )
        text = render.workout(workout, units, plan.race.race_name)
        event.add("description", plain(text))
        calendar.add_component(event)
    return calendar.to_ical()
