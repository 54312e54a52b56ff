"""ticket_tags is written only where tags changed: new tickets without a delete, stored ones
by difference (issue #14 goal 1), and always ends up as each ticket's latest tags."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deskmetrics import Store, Ticket

T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def ticket(number: int, tags: list[str] | None) -> Ticket:
    data: dict[str, Any] = {"id": str(number), "created_at": T0 + timedelta(hours=number)}
    data["status"] = "open"
    if tags is not None:
        data["tags"] = tags
    return Ticket(**data)


def stored_tags(store: Store) -> set[tuple[str, str, str]]:
    return set(store.conn.execute("SELECT source, ticket_id, tag FROM ticket_tags"))


def count_tag_writes(store: Store) -> None:
    """A test-side log of every row written to or deleted from ticket_tags."""
    store.conn.execute("CREATE TEMP TABLE tag_writes (what TEXT, ticket_id TEXT, tag TEXT)")
    for event, row in (("INSERT", "NEW"), ("DELETE", "OLD")):
        store.conn.execute(
            f"CREATE TEMP TRIGGER log_{event.lower()} AFTER {event} ON main.ticket_tags "
            f"BEGIN INSERT INTO tag_writes VALUES ('{event}', {row}.ticket_id, {row}.tag); END"
        )


def tag_writes(store: Store) -> list[tuple[str, str, str]]:
    rows = store.conn.execute("SELECT * FROM tag_writes ORDER BY 1, 2, 3").fetchall()
    store.conn.execute("DELETE FROM tag_writes")
    return rows


def test_a_resync_of_unchanged_tickets_writes_no_tag_rows(tmp_path: Path) -> None:
    with Store(tmp_path / "dm.db") as store:
        count_tag_writes(store)
        batch = [ticket(1, ["a", "b"]), ticket(2, ["b"]), ticket(3, [])]
        store.write(batch, source="desk")
        assert tag_writes(store) == [
            ("INSERT", "1", "a"),
            ("INSERT", "1", "b"),
            ("INSERT", "2", "b"),
        ]
        store.write(batch, source="desk")
        assert tag_writes(store) == []
        assert stored_tags(store) == {("desk", "1", "a"), ("desk", "1", "b"), ("desk", "2", "b")}


def test_a_changed_ticket_writes_only_the_tags_it_gained_or_lost(tmp_path: Path) -> None:
    with Store(tmp_path / "dm.db") as store:
        store.write([ticket(1, ["a", "b"]), ticket(2, ["x"])], source="desk")
        count_tag_writes(store)
        # Ticket 1 changes, 2 is unchanged, 3 is new, 4 is new and sets no tags.
        store.write(
            [ticket(1, ["b", "c", "c"]), ticket(2, ["x"]), ticket(3, ["a"]), ticket(4, None)],
            source="desk",
        )
        assert tag_writes(store) == [
            ("DELETE", "1", "a"),
            ("INSERT", "1", "c"),
            ("INSERT", "3", "a"),
        ]
        assert stored_tags(store) == {
            ("desk", "1", "b"),
            ("desk", "1", "c"),
            ("desk", "2", "x"),
            ("desk", "3", "a"),
        }


def test_a_new_ticket_twice_in_a_batch_gets_its_last_tags_only(tmp_path: Path) -> None:
    with Store(tmp_path / "dm.db") as store:
        store.write([ticket(9, ["z"])], source="other")
        store.write([ticket(9, ["old"]), ticket(1, ["k"]), ticket(9, ["new"])], source="desk")
        assert stored_tags(store) == {
            ("other", "9", "z"),
            ("desk", "9", "new"),
            ("desk", "1", "k"),
        }


tag_lists = st.none() | st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=4)
batches = st.lists(
    st.lists(
        st.tuples(st.sampled_from(["desk", "other"]), st.integers(1, 6), tag_lists),
        min_size=1,
        max_size=8,
    ),
    min_size=1,
    max_size=5,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(writes=batches)
def test_ticket_tags_are_always_each_tickets_latest_tags(
    tmp_path_factory: Any, writes: list[list[tuple[str, int, list[str] | None]]]
) -> None:
    """Oracle: replaying the writes in Python, the latest tags set per (source, ticket)."""
    expected: dict[tuple[str, str], list[str]] = {}
    with Store(tmp_path_factory.mktemp("tags") / "dm.db") as store:
        for batch in writes:
            by_source: dict[str, list[Ticket]] = {}
            for source, number, tags in batch:
                by_source.setdefault(source, []).append(ticket(number, tags))
                if tags is not None:
                    expected[(source, str(number))] = tags
                else:
                    expected.setdefault((source, str(number)), [])
            for source, tickets in by_source.items():
                store.write(tickets, source=source)
        assert stored_tags(store) == {
            (source, ticket_id, tag)
            for (source, ticket_id), tags in expected.items()
            for tag in tags
        }
