"""Records built without a second validation, from rows the one-go reader read (``Record.trusted``).

The one-go reader (row_reader.py) already gives every cell its field's exact type: ``str``
(never empty), an aware ``datetime``, ``int``, a finite ``float``, ``bool``, an enum member, a
fresh list of tags. Validating that again with pydantic cost 11 % of a CSV sync. What the reader
cannot know, the check made here for each row settles: ids not empty and the model's own rules
across fields (the reader itself puts timestamps in UTC, as the model does, and refuses numbers
below the fields' bounds). A row that fails any of them is validated as before, so every error
text stays the same.

A record type is only trusted when each of its constraints and validators is one this module
knows; one added to the models later sends its rows back through validation until it is
taught here (tests/test_csv_row_reader.py compares both paths on generated rows).
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from annotated_types import Ge, MinLen

import deskmetrics
from deskmetrics_csv.cells import FieldType, Kind

TrustedRecord = Callable[[dict[str, Any]], "deskmetrics.Record | None"]
"""A row's data → its record, or None: validate it (a survey's default scale is filled in)."""

Rule = Callable[[dict[str, Any]], bool]
"""Whether a row's data satisfies one record type's validators (may fill defaults in)."""

_UTC_CHECK = typing.get_args(deskmetrics.UTCDateTime)[1]
_LATER_TIMES = ("first_response_at", "first_resolved_at", "resolved_at", "first_assigned_at")


def trusted_records(
    model: type[deskmetrics.Record], fields: dict[str, FieldType]
) -> TrustedRecord | None:
    """How rows of ``model`` become records without validation; None if it is not known how.

    ``fields``: how the reader types each column (streams.StreamSpec.fields). The reader must
    have been given ``lower_bounds(model)`` and puts timestamps in UTC itself.
    """
    rule = _rule(model)
    non_empty = _non_empty(model, fields)
    if rule is None or non_empty is None:
        return None
    trusted = model.trusted

    def record(data: dict[str, Any]) -> deskmetrics.Record | None:
        for name in non_empty:
            if name in data and not data[name]:
                return None
        return trusted(data) if rule(data) else None

    return record


def lower_bounds(model: type[deskmetrics.Record]) -> dict[str, float]:
    """The least value of each numeric field that has one (``ge``), for the row reader."""
    return {
        name: constraint.ge
        for name, info in model.model_fields.items()
        for constraint in info.metadata
        if isinstance(constraint, Ge) and isinstance(constraint.ge, int | float)
    }


def _non_empty(model: type[deskmetrics.Record], fields: dict[str, FieldType]) -> list[str] | None:
    """The fields that must not be empty; None if the model has a constraint not known here
    (the reader checks the bounds, lower_bounds, and gives timestamps in UTC)."""
    non_empty: list[str] = []
    for name, info in model.model_fields.items():
        field = fields.get(name)
        if field is not None and field.kind is Kind.TIMESTAMP and not _is_utc(info):
            return None
        for constraint in info.metadata:
            if isinstance(constraint, MinLen) and constraint.min_length == 1:
                non_empty.append(name)
            elif not isinstance(constraint, Ge) and constraint is not _UTC_CHECK:
                return None
    return non_empty


def _is_utc(info: Any) -> bool:
    """Whether a timestamp field is UTCDateTime (or optional): the conversion done above."""
    if info.annotation is datetime:
        return list(info.metadata) == [_UTC_CHECK]
    return bool(info.annotation == deskmetrics.UTCDateTime | None)


def _rule(model: type[deskmetrics.Record]) -> Rule | None:
    """The check standing in for ``model``'s validators, if this module knows them all."""
    decorators = model.__pydantic_decorators__
    if decorators.field_validators or decorators.validators or decorators.root_validators:
        return None
    validators = frozenset(decorators.model_validators)
    for known, names, make in _RULES:
        if model is known and validators == names:
            return make()
    return _always if not validators else None


def _always(data: dict[str, Any]) -> bool:
    return True


def _ticket_rule() -> Rule:
    def rule(data: dict[str, Any]) -> bool:
        # Ticket._timestamps_follow_creation
        created = data["created_at"]
        for name in _LATER_TIMES:
            value = data.get(name)
            if value is not None and value < created:
                return False
        return True

    return rule


def _customer_rule() -> Rule:
    def rule(data: dict[str, Any]) -> bool:
        # Customer._churn_after_creation
        churned = data.get("churned_at")
        return churned is None or churned >= data["created_at"]

    return rule


def _survey_rule() -> Rule:
    # SurveyResponse._default_scale fills each kind's usual scale: read off the model itself
    # (a survey built without one), so the defaults are never written twice.
    defaults = {kind: _default_scale(kind) for kind in deskmetrics.SurveyKind}

    def rule(data: dict[str, Any]) -> bool:
        kind = data["kind"]
        if data.get("scale_min") is None or data.get("scale_max") is None:
            scale = defaults[kind]
            if scale is None:
                return False
            if data.get("scale_min") is None:
                data["scale_min"] = scale[0]
            if data.get("scale_max") is None:
                data["scale_max"] = scale[1]
        # SurveyResponse._score_within_scale
        low, high, score = data["scale_min"], data["scale_max"], data.get("score")
        if low >= high:
            return False
        if kind is deskmetrics.SurveyKind.NPS and (low, high) != (0, 10):
            return False
        return score is None or low <= score <= high

    return rule


def _default_scale(kind: deskmetrics.SurveyKind) -> tuple[float, float] | None:
    try:
        probe = deskmetrics.SurveyResponse.build(
            {"id": "probe", "kind": kind, "created_at": datetime(2000, 1, 1, tzinfo=UTC)}
        )
    except deskmetrics.RecordError:
        return None
    return probe.scale_min, probe.scale_max


_RULES: tuple[tuple[type[deskmetrics.Record], frozenset[str], Callable[[], Rule]], ...] = (
    (deskmetrics.Ticket, frozenset({"_timestamps_follow_creation"}), _ticket_rule),
    (deskmetrics.Customer, frozenset({"_churn_after_creation"}), _customer_rule),
    (
        deskmetrics.SurveyResponse,
        frozenset({"_default_scale", "_score_within_scale"}),
        _survey_rule,
    ),
)
"""Record types with validators, the validators' names, and the rule standing in for them.
TicketEvent's spelling rules are not here: its rows are validated."""
