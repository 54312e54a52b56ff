"""Configuration problems: one ``key: reason`` line each, collected from a whole file at once.

Validators raise :class:`Problem` (one key below the field being validated) or
:class:`Problems` (several); pydantic gathers them from every section, and
:func:`problem_lines` turns its errors into the lines ``deskmetrics check`` prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError


class Problem(ValueError):
    """``why`` is wrong at ``key``, a dotted path below the value being validated ("" = itself)."""

    def __init__(self, key: str, why: str) -> None:
        super().__init__(why)
        self.key, self.why = key, why


class Problems(ValueError):
    """Several problems found by one validator, e.g. one per schedule of ``[schedules]``."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.why for p in self.problems))


def join_key(*parts: str | int) -> str:
    """``("schedules", "s", "holidays", 1)`` → ``schedules.s.holidays[1]``."""
    key = ""
    for part in parts:
        if isinstance(part, int):
            key += f"[{part}]"
        elif part:
            key += f".{part}" if key else part
    return key


def problem_lines(error: ValidationError, root: type[BaseModel]) -> list[str]:
    """One ``key: reason`` line per problem, in the order pydantic found them."""
    lines: list[str] = []
    for item in error.errors(include_url=False):
        loc = tuple(item["loc"])
        cause = (item.get("ctx") or {}).get("error")
        if isinstance(cause, Problems):
            lines.extend(f"{join_key(*loc, p.key)}: {p.why}" for p in cause.problems)
        elif isinstance(cause, Problem):
            lines.append(f"{join_key(*loc, cause.key)}: {cause.why}")
        else:
            lines.append(f"{join_key(*loc)}: {_reason(item, root, loc)}")
    return lines


def _reason(item: Any, root: type[BaseModel], loc: tuple[Any, ...]) -> str:
    kind = item["type"]
    if kind == "extra_forbidden":
        parent = _type_at(root, loc[:-1])
        known = ", ".join(parent.model_fields) if _is_model(parent) else ""
        what = "section" if len(loc) == 1 else "key"
        return f"unknown {what} (known: {known})"
    if kind == "missing":
        parent = _type_at(root, loc[:-1])
        hints = getattr(parent, "missing_hints", {})
        return str(hints.get(loc[-1], "missing"))
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        hint = getattr(_type_at(root, loc), "table_hint", "")
        return f"must be a table{hint}" if hint else f"must be a table, e.g. [{join_key(*loc)}]"
    return str(item["msg"]).removeprefix("Value error, ")


def _type_at(root: type[BaseModel], loc: tuple[Any, ...]) -> Any:
    """The model (or type) that validates the value at ``loc``."""
    current: Any = root
    for part in loc:
        if _is_model(current):
            field = current.model_fields.get(str(part))
            if field is None:
                return None
            current = _unwrap(field.annotation)
        elif get_origin(current) is dict:
            current = _unwrap(get_args(current)[1])
        else:
            return None
    return current


def _unwrap(kind: Any) -> Any:
    while True:
        origin = get_origin(kind)
        if origin is Annotated:
            kind = get_args(kind)[0]
        elif origin in (Union, UnionType):
            kind = next(arg for arg in get_args(kind) if arg is not type(None))
        else:
            return kind


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)
