"""What a reporter plugin implements: render a computed report. Reporters never compute metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from deskmetrics.report import Report


class Reporter:
    """Base class for reporters: set ``name`` (the ``--format`` choice) and implement ``render``."""

    name: ClassVar[str]
    description: ClassVar[str] = ""
    extension: ClassVar[str] = "txt"
    """File extension suggested for ``--output``."""

    def __init__(self, **options: Any) -> None:
        self.options = options

    def render(self, report: Report) -> str:
        """Return the whole rendered report as text."""
        raise NotImplementedError(f"{type(self).__name__}.render")
