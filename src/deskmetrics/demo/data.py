"""A seeded synthetic helpdesk: realistic records for the demo, tests and benchmarks.

Everything public lives here (the generator is split into ``demo_*`` modules by concern)::

    from deskmetrics.demo.data import DemoSpec, demo_records, write_demo_csv

    spec = DemoSpec(tickets=6000, weeks=12, end=datetime(2026, 1, 5, tzinfo=UTC), seed=42)
    for record in demo_records(spec):  # groups, agents, customers, tickets + their activity, NPS
        ...
    write_demo_csv(Path("data"), spec)  # the same records as CSV files for the CSV connector

Same spec, same records. Compute metrics with ``as_of = spec.window()[1]`` (the end): every event
happens before it; only SLA deadlines of recent tickets may lie after it.
"""

from deskmetrics.demo.files import CSV_COLUMNS, write_demo_config, write_demo_csv
from deskmetrics.demo.generator import (
    DEFAULT_SPEC,
    DemoSpec,
    current_week_start,
    demo_records,
)

__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_SPEC",
    "DemoSpec",
    "current_week_start",
    "demo_records",
    "write_demo_config",
    "write_demo_csv",
]
