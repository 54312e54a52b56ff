"""Render a kind's templates into a new plugin package folder."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

KINDS = ("connector", "reporter", "metric")
DIST_PREFIX = "deskmetrics-"
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
_SUFFIX = ".tmpl"

_DESCRIPTIONS = {
    "connector": "A deskmetrics connector: reads {title} into deskmetrics' normalized records.",
    "reporter": "A deskmetrics reporter: renders a deskmetrics report as {title}.",
    "metric": "A deskmetrics metric: {title}.",
}


@dataclass(frozen=True)
class PluginNames:
    """Every spelling of one plugin name the templates need."""

    name: str
    """As given (``zammad``): the entry point, connector/reporter name."""
    dist: str
    """The distribution and folder: ``deskmetrics-zammad``."""
    module: str
    """The import package: ``deskmetrics_zammad``."""
    ident: str
    """The name as an identifier (``help_scout``): metric ids, test names."""
    title: str
    """For prose: ``Help Scout``."""
    classname: str
    """For class names: ``HelpScout``."""


def plugin_names(name: str) -> PluginNames:
    """Validate NAME (lowercase letters, digits, single hyphens; starts with a letter).

    A ``deskmetrics-`` prefix is dropped, so ``deskmetrics-zammad`` and ``zammad`` are the same.
    """
    name = name.removeprefix(DIST_PREFIX)
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a plugin name: use lowercase letters, digits and single hyphens, "
            "starting with a letter (e.g. zammad, help-scout)"
        )
    words = name.split("-")
    ident = "_".join(words)
    return PluginNames(
        name=name,
        dist=DIST_PREFIX + name,
        module="deskmetrics_" + ident,
        ident=ident,
        title=" ".join(word.capitalize() for word in words),
        classname="".join(word.capitalize() for word in words),
    )


def render(text: str, values: dict[str, str]) -> str:
    """Fill ``{{key}}`` fields; an unknown key is a template bug and raises KeyError."""
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], text)


def _walk(folder: Traversable, prefix: str = "") -> list[tuple[str, Traversable]]:
    found = []
    for entry in folder.iterdir():
        if entry.name == "__pycache__":
            continue
        if entry.is_dir():
            found += _walk(entry, f"{prefix}{entry.name}/")
        else:
            found.append((prefix + entry.name, entry))
    return found


def template_files(kind: str) -> list[tuple[str, Traversable]]:
    """(relative path with placeholders, file) of the common and the kind's templates."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r} (choose from {', '.join(KINDS)})")
    root = resources.files("deskmetrics.scaffold") / "templates"
    return sorted(_walk(root / "common") + _walk(root / kind), key=lambda item: item[0])


def new_plugin(name: str, kind: str, parent: Path) -> tuple[Path, list[Path]]:
    """Create ``parent/deskmetrics-NAME``; returns it and the files written, in order.

    Raises ValueError for a bad name or kind, FileExistsError when the folder is already there
    (nothing is ever overwritten).
    """
    names = plugin_names(name)
    templates = template_files(kind)
    target = parent / names.dist
    if target.exists():
        raise FileExistsError(f"{target} already exists; remove it or choose another --dir")
    values = {**asdict(names), "kind": kind}
    values["description"] = _DESCRIPTIONS[kind].format(title=names.title)
    # Render everything before writing anything, so a template error leaves no half a package.
    rendered = [
        (render(relative, values).removesuffix(_SUFFIX), render(file.read_text("utf-8"), values))
        for relative, file in templates
    ]
    written = []
    for relative, text in rendered:
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return target, written
