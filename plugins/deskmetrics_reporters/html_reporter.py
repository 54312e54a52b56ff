"""The ``html`` reporter: one self-contained dashboard file that opens offline.

KPI cards (value, change from the previous bucket, CI, low-sample mark, target), a trend chart
per KPI (inline SVG from deskmetrics_reporters.charts), and breakdown tables that sort on click.
The stylesheet and script are inlined and a Content-Security-Policy forbids every fetch, so the
page cannot reach the network even by accident.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from importlib.resources import files
from typing import Protocol

import deskmetrics
from deskmetrics import TargetResult
from deskmetrics_reporters import humanize
from deskmetrics_reporters.breakdown_table import breakdown_table
from deskmetrics_reporters.charts import Point, line_chart
from deskmetrics_reporters.layout import (
    LOW,
    compact_columns,
    filter_notes,
    is_low,
    sections,
    target_text,
)
from deskmetrics_reporters.report_sections import html_sections

CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
BADGES = {True: ("met", "✔ met"), False: ("missed", "✘ missed"), None: ("nodata", "no data")}


def _asset(name: str) -> str:
    return (files("deskmetrics_reporters") / name).read_text(encoding="utf-8")


def stylesheet() -> str:
    """The dashboard's CSS, for a page that embeds :meth:`HtmlReporter.dashboard`."""
    return _asset("dashboard.css")


def script() -> str:
    """The dashboard's script (table sorting and the page's self-check)."""
    return _asset("dashboard.js")


class Links(Protocol):
    """Where a dashboard's numbers lead; ``deskmetrics serve`` links each to its ticket list.

    ``path`` is a breakdown cell's (dimension, key) pairs, outermost first.
    """

    def kpi(self, metric_id: str) -> str | None: ...

    def point(self, metric_id: str, bucket: deskmetrics.Bucket) -> str | None: ...

    def cell(self, metric_id: str, path: Sequence[tuple[str, str | None]]) -> str | None: ...


class _NoLinks:
    def kpi(self, metric_id: str) -> str | None:
        return None

    def point(self, metric_id: str, bucket: deskmetrics.Bucket) -> str | None:
        return None

    def cell(self, metric_id: str, path: Sequence[tuple[str, str | None]]) -> str | None:
        return None


class HtmlReporter(deskmetrics.Reporter):
    name = "html"
    description = "A self-contained offline HTML dashboard: KPI cards, trend charts, breakdowns."
    extension = "html"
    default_grain = "week"  # a trend dashboard: without --grain it still gets weekly charts

    def render(self, report: deskmetrics.Report) -> str:
        title = "deskmetrics report " + _period(report)
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{stylesheet()}</style></head>\n"
            f"<body>{self.dashboard(report)}\n<script>{script()}</script></body></html>\n"
        )

    def dashboard(self, report: deskmetrics.Report, links: Links | None = None) -> str:
        """The page body: header, KPI cards with trend charts, breakdown tables, legend.

        ``links``: where each KPI value, chart point and breakdown cell leads (default: nowhere).
        """
        links = links or _NoLinks()
        body = [_header(report)]
        if report.series is None:
            body.append('<p class="note">No series in this report: run with '
                        "<code>--grain week</code> for trend charts.</p>")  # fmt: skip
        targets = report.targets
        for section_title, ids in sections(report):
            cards = "".join(_card(report, mid, targets.get(mid), links) for mid in ids)
            body.append(f'<h2>{escape(section_title)}</h2><div class="grid">{cards}</div>')
        columns = compact_columns(report)
        for dimension, entries in report.breakdowns.items():
            body.append(_breakdown(report, dimension, entries, columns, links))
        body += html_sections(report)
        body.append(
            f'<p class="legend">{LOW} n below {report.min_sample} (low sample; hollow points in '
            "charts) · shaded: 95 % interval · dashed red: target · ! significant change from "
            "the previous bucket (5 %) · click a column heading to sort</p>"
        )
        return "".join(body)


def _period(report: deskmetrics.Report) -> str:
    return f"{report.start:%Y-%m-%d} → {report.end:%Y-%m-%d}"


def _header(report: deskmetrics.Report) -> str:
    parts = [
        "<header><h1>deskmetrics report</h1>",
        f'<p class="period">{escape(_period(report))} (end exclusive, '
        f"{escape(report.timezone)}) · as of {report.as_of:%Y-%m-%d %H:%M} UTC",
    ]
    notes = filter_notes(report)
    if notes:
        parts.append(" · filters: " + escape(", ".join(notes)))
    if report.series is not None:
        parts.append(f" · series by {escape(report.series.grain)}")
    parts.append("</p>")
    parts += [f'<p class="note">{escape(note)}</p>' for note in report.notes]
    targets = report.targets
    if targets:
        items = []
        for metric_id, result in targets.items():
            kind, mark = BADGES[result.met]
            label = (
                report.definitions[metric_id].label
                if metric_id in report.definitions
                else metric_id
            )
            unit = report.metrics[metric_id].unit if metric_id in report.metrics else ""
            items.append(f'<li><span class="badge {kind}">{mark}</span> {escape(label)} '
                         f"{escape(target_text(result.target, unit))}</li>")  # fmt: skip
        parts.append(f'<ul class="targets">{"".join(items)}</ul>')
    parts.append("</header>")
    return "".join(parts)


def _linked(html: str, href: str | None, kind: str) -> str:
    return html if href is None else f'<a class="{kind}" href="{escape(href)}">{html}</a>'


def _card(
    report: deskmetrics.Report, metric_id: str, target: TargetResult | None, links: Links
) -> str:
    value = report.metrics[metric_id]
    definition = report.definitions[metric_id]
    unit = value.unit
    kind = "" if target is None or target.met is None else (" met" if target.met else " missed")
    html = [f'<article class="card{kind}" id="kpi-{escape(metric_id)}">',
            f"<h3>{escape(definition.label)}</h3>"]  # fmt: skip
    low = ""
    if is_low(value):
        low = f'<span class="low" title="n below {report.min_sample}">{LOW} low sample</span>'
    shown = _linked(escape(humanize.number(value.value, unit)), links.kpi(metric_id), "kpi-link")
    html.append(f'<div class="value">{shown}{low}</div>')
    meta = [f"n {value.n:,}"]
    interval = humanize.interval(value.extra.get("ci_low"), value.extra.get("ci_high"), unit)
    if interval:
        meta.append(f"95 % CI {interval}")
    for stat in ("median", "p90"):
        if value.extra.get(stat) is not None:
            meta.append(f"{stat} {humanize.number(value.extra[stat], unit)}")
    html.append(f'<div class="meta">{escape(" · ".join(meta))}</div>')
    if target is not None:
        badge, mark = BADGES[target.met]
        html.append(f'<span class="badge {badge}">{mark} · target '
                    f"{escape(target_text(target.target, unit))}</span>")  # fmt: skip
    if report.series is not None:
        html.append(_change(report, metric_id))
        html.append(_chart(report, metric_id, target, links))
    html.append("</article>")
    return "".join(html)


def _change(report: deskmetrics.Report, metric_id: str) -> str:
    series = report.series
    assert series is not None
    if len(series.buckets) < 2:
        return ""
    last = series.buckets[-1]
    value = last.metrics[metric_id]
    if value.change is None:
        return ""
    sig = ' <span class="sig" title="significant at 5 %">!</span>' if value.significant else ""
    return (
        f'<div class="change">last {escape(series.grain)} '
        f"({last.start:%Y-%m-%d}) {escape(humanize.number(value.value, value.unit))}, "
        f"{escape(humanize.change(value.change, value.unit))} vs the one before{sig}</div>"
    )


def _chart(
    report: deskmetrics.Report, metric_id: str, target: TargetResult | None, links: Links
) -> str:
    series = report.series
    assert series is not None
    # A duration target on the median or p90 is drawn over that statistic, so line and target
    # compare like with like.
    stat = target.target.stat if target is not None else "value"
    points = []
    for bucket in series.buckets:
        value = bucket.metrics[metric_id]
        interval = stat == "value"
        points.append(Point(
            label=f"{bucket.start:%Y-%m-%d}",
            value=deskmetrics.target_stat(value, stat),
            low=value.extra.get("ci_low") if interval else None,
            high=value.extra.get("ci_high") if interval else None,
            n=value.n,
            low_sample=is_low(value),
            href=links.point(metric_id, bucket),
        ))  # fmt: skip
    unit = report.metrics[metric_id].unit
    what = "" if stat == "value" else f"{stat} "
    title = f"{report.definitions[metric_id].label}: {what}by {series.grain}"
    level = None if target is None else target.target.target
    return line_chart(f"chart-{metric_id}", points, unit, level, title)


def _breakdown(
    report: deskmetrics.Report,
    dimension: str,
    entries: list[deskmetrics.BreakdownEntry],
    columns: list[str],
    links: Links,
) -> str:
    layout = breakdown_table(report, dimension, entries, columns)
    heads = [f"<th>{escape(layout.heading)}</th>"]
    heads += [f'<th data-type="num">{escape(label)}</th>' for label in layout.labels]
    rows = []
    for row in layout.rows:
        label = " › ".join(e.label for e in row.path)
        cells = [f"<td>{escape(label)}</td>"]
        path = [(d, e.key) for d, e in zip(layout.dimensions, row.path, strict=False)]
        for metric_id, value in zip(layout.columns, row.values, strict=True):
            if value is None:
                cells.append('<td data-v=""></td>')
                continue
            low = LOW if is_low(value) else ""
            raw = "" if value.value is None else repr(float(value.value))
            text = humanize.number(value.value, value.unit) + low
            shown = _linked(escape(text), links.cell(metric_id, path), "cell-link")
            cells.append(f'<td data-v="{raw}">{shown}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    table_id = "by-" + "-".join(layout.dimensions)
    return (
        f"<h2>{escape(layout.title)}</h2>"
        f'<table class="sortable" id="{escape(table_id)}"><thead><tr>{"".join(heads)}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
