"""Data is text, never markup or code: escaping for each place a report's text ends up.

Agent names, tags, group names and ``--where`` values come from helpdesk exports that anyone
with an account can write into. Each reporter passes such text through the function for its
medium, so a name never colours the terminal, breaks a table or runs as a spreadsheet formula.
"""

from __future__ import annotations

import re

from rich.markup import escape as _rich_escape

_CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"  # C0 (but tab, newline), DEL and C1: ESC starts ANSI codes
    "\u200e\u200f\u202a-\u202e\u2066-\u2069]"  # bidi overrides reorder what a reader sees
)
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]<>|&#!{}~])")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""OWASP's list of first characters a spreadsheet takes for a formula (CSV injection)."""


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_terminal(text: str) -> str:
    """Control characters shown as ``\\x1b``-style escapes; tabs and newlines are kept."""
    return _CONTROLS.sub(_visible, text)


def escape_rich(text: str) -> str:
    """Safe inside a string rich parses as markup: ``[red]`` stays literal, controls escaped."""
    return _rich_escape(escape_terminal(text))


def escape_markdown(text: str) -> str:
    """One line of literal text inside a Markdown table cell (GitHub-flavoured)."""
    one_line = " ".join(escape_terminal(text).splitlines())
    return _MARKDOWN_SPECIALS.sub(r"\\\1", one_line)


def escape_spreadsheet(text: str) -> str:
    """A CSV cell no spreadsheet evaluates: formula-like text gets a leading ``'``.

    As OWASP recommends for CSV injection; plain numbers such as ``-4.5`` are left as they are,
    so numeric columns stay numeric.
    """
    if not text.startswith(_FORMULA_STARTS) or _is_number(text):
        return text
    return "'" + text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return text.strip() == text
