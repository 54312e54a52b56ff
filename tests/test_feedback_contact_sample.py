"""The seeded sample behind contact reasons picks the creation times at the drawn positions of
each period's tickets in creation order (contact_reasons._created_at), ties and tombstones
included, exactly as a plain sorted list of the period's times does."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from deskmetrics import Scope, Status, Store, Ticket
from deskmetrics_feedback.contact_reasons import _created_at

START = datetime(2026, 1, 5, tzinfo=UTC)
PERIODS = (
    ("now", "2026-01-12T00:00:00.000000Z", "2026-01-19T00:00:00.000000Z"),
    ("before", "2026-01-05T00:00:00.000000Z", "2026-01-12T00:00:00.000000Z"),
    ("empty", "2025-01-05T00:00:00.000000Z", "2025-01-12T00:00:00.000000Z"),
)


def tickets(count: int) -> list[Ticket]:
    rng = random.Random(4)
    made = []
    for i in range(count):
        # Whole minutes over two weeks: many tickets share a creation time.
        created = START + timedelta(hours=rng.randrange(0, 24 * 14, 2))
        status = rng.choice([Status.OPEN, Status.SOLVED, Status.DELETED])
        made.append(Ticket(id=str(i), created_at=created, status=status))
    return made


def plain(store: Store, lo: str, hi: str) -> list[str]:
    rows = store.conn.execute(
        "SELECT created_at FROM tickets WHERE created_at >= ? AND created_at < ? "
        "AND status NOT IN ('deleted', 'spam') ORDER BY created_at",
        (lo, hi),
    )
    return [at for (at,) in rows]


def test_sampled_creation_times_are_those_at_the_drawn_positions(tmp_path: Path) -> None:
    with Store(tmp_path / "x.db") as store:
        store.write(tickets(900), source="s")
        now, before = (plain(store, lo, hi) for _k, lo, hi in PERIODS[:2])
        assert len(set(now)) < len(now) * 2 // 3  # ties: the positions, not the times, are drawn
        drawn = random.Random(1).sample(range(len(now) - 1), 40)
        positions = sorted([*drawn, len(now) - 1])  # the last ticket too
        scope = Scope(store.conn, periods=PERIODS, as_of=PERIODS[0][2])
        found = _created_at(scope, {"now": positions})
    assert found["now"] == {now[i] for i in positions}
    assert found["before"] == set(before) and len(before) > 100  # no positions: every time
    assert found["empty"] == set()
