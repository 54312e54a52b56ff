"""Python's cyclic garbage collector, tuned for the bulk phases: a sync stream and a report.

Both allocate millions of short-lived objects (decoded JSON, records, rows) while a large set
stays alive (the page being mapped, the values being collected). At Python's default threshold
(a young-generation collection every 700 net allocations) the collector rescans that live set
over and over: about 17 µs per synced ticket, and a tenth of a large report. Reference counting
frees nearly everything anyway; collections only find cycles, and a threshold of 50,000 bounds
how much cyclic garbage can pile up between them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 50_000
"""Net allocations between young-generation collections during bulk work (Python: 700)."""


@contextmanager
def bulk_allocations() -> Iterator[None]:
    """Collect garbage less often inside the block; the previous settings return after it."""
    # Frozen, the long-lived heap (modules, clients, caches) is not rescanned either.
    gc.freeze()
    thresholds = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, *thresholds[1:])
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
