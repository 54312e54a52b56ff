"""Credentials: which options hold them, and every form they travel in, to scrub from messages.

A secret reaches an error message in more shapes than the one in the config file: URL-encoded
in a request URL, inside the base64 of an HTTP Basic header (``email/token:TOKEN``, ``KEY:X``),
after ``Bearer``, JSON-escaped in a body that echoes the request. :func:`secret_forms` and
:func:`credential_forms` list those shapes; :func:`scrub` removes them, longest first.
"""

from __future__ import annotations

import base64
import contextlib
import types
from collections.abc import Iterable
from typing import Annotated, Any, Union, get_args, get_origin
from urllib.parse import quote, quote_plus

from pydantic import BaseModel, SecretStr

MASK = "***"


def secret_fields(options_model: type[BaseModel]) -> tuple[str, ...]:
    """Names of the fields of ``options_model`` that hold a :data:`~deskmetrics.Secret`.

    ``Secret`` and ``Secret | None`` both count. Their values are masked in errors, scrubbed
    from HTTP messages and never stored; the conformance suite checks exactly these.
    """
    return tuple(
        name for name, info in options_model.model_fields.items() if _holds_secret(info.annotation)
    )


def secret_values(options: BaseModel) -> list[str]:
    """Every form of the non-empty credential values of ``options``, for scrubbing messages.

    Each also URL-encoded (an HTTP error quotes the request URL, where a token with ``+``, ``/``
    or ``=`` appears percent-encoded) and JSON-escaped; see :func:`secret_forms`.
    """
    values: list[str] = []
    for name in secret_fields(type(options)):
        value = getattr(options, name, None)
        if isinstance(value, SecretStr) and value.get_secret_value():
            values += secret_forms(value.get_secret_value())
    return unique_longest_first(values)


def secret_forms(secret: str) -> list[str]:
    """``secret`` as written, URL-encoded (both ways) and with JSON's escaped ``/``."""
    forms = [secret, quote(secret, safe=""), quote_plus(secret), secret.replace("/", "\\/")]
    return unique_longest_first(forms)


def credential_forms(credential: str) -> list[str]:
    """A credential string the client builds (``user:password`` of HTTP Basic) and its base64,
    standard and URL-safe, padded or not, each in every :func:`secret_forms` form."""
    encoded = base64.b64encode(credential.encode()).decode()
    urlsafe = base64.urlsafe_b64encode(credential.encode()).decode()
    forms = [credential]
    for text in (encoded, urlsafe):
        forms += [text, text.rstrip("=")]
    return unique_longest_first(form for text in forms for form in secret_forms(text))


def header_forms(value: str) -> list[str]:
    """The forms of an ``Authorization`` header's value: whole, and its credential alone."""
    scheme, _, credential = value.partition(" ")
    forms = secret_forms(value)
    if credential.strip():
        forms += secret_forms(credential.strip())
        if scheme.lower() == "basic":
            with contextlib.suppress(ValueError):  # not base64: nothing more to derive
                forms += credential_forms(base64.b64decode(credential, validate=True).decode())
    return unique_longest_first(forms)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every one of ``secrets`` replaced by ``***``, longest first (so a token is
    not masked inside a longer form, leaving the rest of that form readable)."""
    for secret in unique_longest_first(secrets):
        text = text.replace(secret, MASK)
    return text


def unique_longest_first(values: Iterable[str]) -> list[str]:
    """Non-empty ``values`` without repeats, longest first."""
    return sorted({value for value in values if value}, key=len, reverse=True)


def _holds_secret(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, SecretStr):
        return True
    if get_origin(annotation) in (Union, types.UnionType, Annotated):
        return any(_holds_secret(arg) for arg in get_args(annotation))
    return False
