"""docs/hooks.md is generated from the hookspecs' docstrings and must not drift from them."""

from __future__ import annotations

from pathlib import Path

from deskmetrics.plugin import hookspecs
from deskmetrics.plugin.manager import pm
from deskmetrics.plugin.reference import hooks_reference, markdown

DOC = Path(__file__).parent.parent / "docs" / "hooks.md"


def test_hook_reference_is_up_to_date() -> None:
    assert DOC.read_text(encoding="utf-8") == hooks_reference(hookspecs), (
        "docs/hooks.md is out of date: python -m deskmetrics.plugin.reference > docs/hooks.md"
    )


def test_every_hook_of_the_plugin_manager_is_documented_with_its_signature() -> None:
    text = DOC.read_text(encoding="utf-8")
    hooks = [name for name in dir(pm.hook) if name.startswith("register_")]
    assert hooks == ["register_commands", "register_connectors", "register_dimensions",
                     "register_metrics", "register_report_sections",
                     "register_reporters"]  # fmt: skip
    for name in hooks:
        assert f"\n## {name}\n" in text
    assert "def register_connectors(register: deskmetrics.RegisterConnector) -> None:" in text
    assert "def register_commands(cli: click.Group) -> None:" in text
    # Docstrings are reStructuredText; the page is Markdown.
    assert "``" not in text.replace("```", "")
    assert ":class:" not in text


def test_markdown_turns_literal_blocks_into_fenced_code() -> None:
    docstring = (
        "Use ``x`` and :class:`~deskmetrics.Store`, like so::\n\n    a = 1\n    b = 2\n\nDone."
    )
    assert markdown(docstring) == (
        "Use `x` and `deskmetrics.Store`, like so:\n\n```python\na = 1\nb = 2\n```\n\nDone.\n"
    )
