"""Which options of a connector are credentials: the fields typed :data:`deskmetrics.Secret`."""

from __future__ import annotations

import types
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import quote, quote_plus

from pydantic import BaseModel, SecretStr


def secret_fields(options_model: type[BaseModel]) -> tuple[str, ...]:
    """Names of the fields of ``options_model`` that hold a :data:`~deskmetrics.Secret`.

    ``Secret`` and ``Secret | None`` both count. Their values are masked in errors, scrubbed
    from HTTP messages and never stored; the conformance suite checks exactly these.
    """
    return tuple(
        name for name, info in options_model.model_fields.items() if _holds_secret(info.annotation)
    )


def secret_values(options: BaseModel) -> list[str]:
    """The non-empty credential values of ``options``, for scrubbing messages.

    Each also URL-encoded: an HTTP error quotes the request URL, where a token with ``+``, ``/``
    or ``=`` (base64) appears percent-encoded.
    """
    values: list[str] = []
    for name in secret_fields(type(options)):
        value = getattr(options, name, None)
        if isinstance(value, SecretStr) and value.get_secret_value():
            secret = value.get_secret_value()
            for form in (secret, quote(secret, safe=""), quote_plus(secret)):
                if form not in values:
                    values.append(form)
    return values


def _holds_secret(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, SecretStr):
        return True
    if get_origin(annotation) in (Union, types.UnionType, Annotated):
        return any(_holds_secret(arg) for arg in get_args(annotation))
    return False
