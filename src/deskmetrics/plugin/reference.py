"""Writes docs/hooks.md from the hookspecs' signatures and docstrings; a test keeps it in sync.

python -m deskmetrics.plugin.reference > docs/hooks.md
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

INTRO = """\
# Hook reference

Generated from the docstrings of the hook specifications
([`src/deskmetrics/plugin/hookspecs.py`](../src/deskmetrics/plugin/hookspecs.py));
`tests/test_docs_hooks.py` fails when it is out of date and says how to regenerate it. A hook
implementation declares only the arguments it uses, by these names: deskmetrics calls it the way
pluggy does, so a hook can gain an argument without breaking existing plugins. The `register`
callbacks are typed (`deskmetrics.RegisterConnector`, `deskmetrics.RegisterReporter`,
`deskmetrics.RegisterMetric`) for plugins checked with mypy. Step by step:
[write a connector](tutorials/connector.md), [a reporter](tutorials/reporter.md),
[a metric](tutorials/metric.md); the loading rules and the public API are in
[plugins.md](plugins.md).
"""

_ROLE = re.compile(r":(?:class|func|meth|mod|attr|obj):`~?([^`]+)`")


def markdown(docstring: str) -> str:
    """The reStructuredText of a docstring as Markdown: inline code, roles, ``::`` blocks."""
    out: list[str] = []
    in_block = False
    for line in docstring.splitlines():
        if in_block:
            if line.strip() and not line.startswith("    "):
                out += ["```", ""]
                in_block = False
            else:
                out.append(line.removeprefix("    "))
                continue
        line = _ROLE.sub(r"`\1`", line).replace("``", "`")
        if line.endswith("::"):
            out += [line[:-1], "", "```python"]
            in_block = True
        else:
            out.append(line)
    if in_block:
        out.append("```")
    text = "\n".join(out)
    # A fenced block starts right after its blank line, and ends without trailing blank lines.
    text = re.sub(r"```python\n\n+", "```python\n", text)
    text = re.sub(r"\n\n+```\n", "\n```\n", text)
    return text.strip() + "\n"


def hookspecs(module: ModuleType) -> list[Callable[..., Any]]:
    """The module's hook specifications, in the order they are defined."""
    return [
        value
        for value in vars(module).values()
        if inspect.isfunction(value) and hasattr(value, "deskmetrics_spec")
    ]


def signature(function: Callable[..., Any]) -> str:
    # Annotations stay the strings written in the source (the module uses postponed annotations).
    params = ", ".join(
        f"{name}: {param.annotation}"
        for name, param in inspect.signature(function).parameters.items()
    )
    returns = inspect.signature(function).return_annotation
    return f"{function.__name__}({params}) -> {returns}"


def hooks_reference(module: ModuleType) -> str:
    specs = hookspecs(module)
    sections = [INTRO, markdown(inspect.getdoc(module) or "")]
    sections.append(
        "| hook | |\n|---|---|\n"
        + "".join(
            f"| [`{spec.__name__}`](#{spec.__name__}) | {_summary(spec)} |\n" for spec in specs
        )
    )
    for spec in specs:
        implementation = f"@deskmetrics.hookimpl\ndef {signature(spec)}: ..."
        doc = markdown(inspect.getdoc(spec) or "")
        sections.append(f"## {spec.__name__}\n\n```python\n{implementation}\n```\n\n{doc}")
    return "\n".join(sections)


def _summary(function: Callable[..., Any]) -> str:
    first = (inspect.getdoc(function) or "").split("\n\n")[0].replace("\n", " ")
    return markdown(first).strip()


if __name__ == "__main__":
    import sys

    from deskmetrics.plugin import hookspecs as _hookspecs

    sys.stdout.write(hooks_reference(_hookspecs))
