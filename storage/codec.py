"""Models ↔ the JSON columns of the plan tables."""

import json
from collections.abc import Iterable
from typing import Any

from core.models import TrainingPlan, TrainingWeek


def json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def phase_json(plan: TrainingPlan) -> str:
    return json_text([s.model_dump(mode="json") for s in plan.phase_overview])


def weeks_json(weeks: Iterable[TrainingWeek]) -> str:
    return json_text([w.model_dump(mode="json", exclude={"days", "target_m"}) for w in weeks])


def settings_json(plan: TrainingPlan) -> str:
    return json_text(
        plan.model_dump(
            mode="json",
            include={
                "units",
                "run_days",
                "long_run_day",
                "vdot",
                "paces",
                "pace_5k_s",
                "longest_recent_m",
                "predicted_s",
                "readiness",
                "shortened",
                "warnings",
            },
        )
    )
