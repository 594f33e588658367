"""The plans a process has read, kept while the database says they are unchanged."""

import threading
from collections import OrderedDict

from core.models import TrainingPlan

PLANS_CACHED = 512  # plans a process keeps as read (~0.3 MB each)


PlanKey = tuple[int, str, int, int | None]  # plan id, created at, version, race creator


class PlanCache:
    """Recently read plans, shared by every unit of work of a process.

    The key holds a version the database bumps on any change to the plan's row or its days
    (migrations 0005 and 0006), so an entry is never stale, whoever wrote. Plans are frozen,
    so units share them. Lanes are threads, hence the lock."""

    def __init__(self, size: int | None = None) -> None:
        self._size = PLANS_CACHED if size is None else size
        self._plans: OrderedDict[PlanKey, TrainingPlan] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: PlanKey) -> TrainingPlan | None:
        with self._lock:
            plan = self._plans.get(key)
            if plan is not None:
                self._plans.move_to_end(key)
            return plan

    def put(self, key: PlanKey, plan: TrainingPlan) -> None:
        with self._lock:
            self._plans[key] = plan
            if len(self._plans) > self._size:
                self._plans.popitem(last=False)
