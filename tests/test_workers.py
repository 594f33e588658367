"""The proof of webhook workers (bench/workers.py, smaller): embedded PostgreSQL, the fake Bot
API, 3 `gofast run` processes behind a round-robin load balancer, runners onboarding, setting
a race, logging a burst of runs and uploading a file, runners whose push is due, and one worker
kill -9'd mid-run and started again."""

import pytest

from bench.workers import scenario
from tests.backends import new_database

# long enough that a worker merely starved of CPU (this suite runs 4 test processes, the
# browser tests and 3 bots on a 2-core machine) keeps its leases; the killed worker's updates
# come back at once anyway, restarted under its name (UpdateQueue.release_own)
LEASE_S = 15.0


@pytest.mark.postgres_only
async def test_three_workers_one_killed_lose_nothing_and_repeat_nothing() -> None:
    report = await scenario(
        new_database("workers_proof"), 16, 3, rate=30, push_runners=20, kill=True, lease_s=LEASE_S
    )
    assert report.answered == report.updates  # every update answered
    assert report.refused == []  # no second answer to a press, no edit that changes nothing
    assert report.answers_not_as_typed == []  # no answer landed on the question after it
    assert report.unhandled == 0
    # handled twice: only what the killed worker held (killed twice: mid-conversation, and
    # mid-uploads and links)
    assert report.rehandled <= report.held_at_kill
    assert report.unexpected_repeats == []
    assert report.out_of_order == []  # a burst of three /log came back in order
    assert sorted(report.pushes.values()) == [1] * 20  # each push once, across 3 tickers
    assert report.max_sends_in_1s <= 30  # one send rate for the token, summed over processes
    assert report.recovery_s is not None and report.recovery_s < LEASE_S + 10
