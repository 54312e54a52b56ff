"""SeenIds: whether a file repeats an id, without holding its ids in memory."""

from __future__ import annotations

from deskmetrics_csv.seen_ids import SeenIds


def test_distinct_ids_are_not_repeated() -> None:
    with SeenIds() as seen:
        assert not any(seen.add(f"t{n}") for n in range(12_000))
        assert not seen.repeated


def test_a_repeat_far_apart_is_found_by_the_end() -> None:
    with SeenIds() as seen:
        flags = [seen.add(f"t{n}") for n in range(12_000)]
        seen.add("t7")
        assert not any(flags)
        assert seen.repeated


def test_a_repeat_is_reported_once_its_batch_is_checked() -> None:
    with SeenIds() as seen:
        flags = [seen.add(id_) for id_ in ["a", "b", "a", *(f"t{n}" for n in range(6000))]]
    # Checked 5,000 ids at a time: the repeat on the third id shows from the 5,000th on.
    assert flags.index(True) == 4999
    assert all(flags[4999:])
