"""Plugin-provided report sections (``report.sections``), rendered the same way in every format.

A section is a title, notes and tables of plain cells (see ``deskmetrics.ReportSection``); the
reporters know nothing of what a section holds, so any plugin's section shows everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from html import escape

from rich.console import Console
from rich.table import Table

import deskmetrics

NESTING = ">"


def cell_text(value: deskmetrics.SectionTable | str | int | float | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


def print_sections(console: Console, report: deskmetrics.Report) -> None:
    """The table reporter's rendering: a heading, notes, one rich table per section table."""
    for section in report.sections:
        console.print(f"\n[bold]{section.title}[/]")
        for note in section.notes:
            console.print(note, markup=False)
        for part in section.tables:
            table = Table(title=part.title, title_justify="left")
            for column in part.columns:
                table.add_column(column, overflow="fold")
            for row in part.rows:
                table.add_row(*(cell_text(c) for c in row))
            console.print(table)


def markdown_sections(report: deskmetrics.Report) -> list[str]:
    parts = []
    for section in report.sections:
        lines = [f"## {section.title}", ""]
        lines += [f"_{_md(note)}_\n" for note in section.notes]
        for part in section.tables:
            lines += [f"**{_md(part.title)}**", ""]
            lines.append("| " + " | ".join(_md(c) for c in part.columns) + " |")
            lines.append("|" + "---|" * len(part.columns))
            for row in part.rows:
                lines.append("| " + " | ".join(_md(cell_text(c)) for c in row) + " |")
            lines.append("")
        parts.append("\n".join(lines))
    return parts


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def html_sections(report: deskmetrics.Report) -> list[str]:
    """One ``<section>`` each; cells that refer to a ticket carry ``data-ticket-id``."""
    parts = []
    for section in report.sections:
        html = [f'<section class="plugin-section" id="{escape(section.id)}">']
        html.append(f"<h2>{escape(section.title)}</h2>")
        html += [f'<p class="note">{escape(note)}</p>' for note in section.notes]
        for part in section.tables:
            head = "".join(f"<th>{escape(c)}</th>" for c in part.columns)
            rows = []
            for r, row in enumerate(part.rows):
                cells = []
                for c, value in enumerate(row):
                    text = escape(cell_text(value))
                    ticket = part.links.get((r, c))
                    if ticket is not None:
                        text = (
                            f'<span class="ticket-ref" data-ticket-id="{escape(ticket)}">'
                            f"{text}</span>"
                        )
                    cells.append(f"<td>{text}</td>")
                rows.append(f"<tr>{''.join(cells)}</tr>")
            html.append(
                f"<h3>{escape(part.title)}</h3><table><thead><tr>{head}</tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>"
            )
        html.append("</section>")
        parts.append("".join(html))
    return parts


def csv_section_rows(report: deskmetrics.Report, width: int) -> Iterator[list[str]]:
    """Long form like the KPIs: one row per cell; ``metric`` is the column, ``key`` the table
    and row number, ``label`` the row's first cell."""
    for section in report.sections:
        for part in section.tables:
            for r, row in enumerate(part.rows):
                label = cell_text(row[0]) if row else ""
                for column, value in zip(part.columns, row, strict=False):
                    text = "" if value is None else str(value)
                    line = ["section", section.id, f"{part.title}{NESTING}{r + 1}", label]
                    line += ["", "", column, "", text]
                    yield line + [""] * (width - len(line))
