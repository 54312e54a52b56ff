"""``[database] url``: a PostgreSQL URL whose password is a ``${ENV}`` reference.

The URL as written (with the reference) is what deskmetrics ever shows; the resolved one only
goes to libpq, and every error text is scrubbed of the password before anyone sees it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from deskmetrics.connect.secrets import MASK, scrub, secret_forms
from deskmetrics.errors import ConfigError

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SCHEMES = ("postgresql://", "postgres://")


def is_postgres_url(text: str | None) -> bool:
    return bool(text) and str(text).startswith(SCHEMES)


@dataclass(frozen=True)
class DatabaseUrl:
    written: str
    """As in the configuration: secrets are still ``${ENV}`` references."""

    def resolved(self) -> str:
        def lookup(match: re.Match[str]) -> str:
            var = match[1]
            if var not in os.environ:
                raise ConfigError(f"[database] url: environment variable {var} is not set")
            return os.environ[var]

        return _ENV_REF.sub(lookup, self.written)

    def secrets(self) -> list[str]:
        """Every form of the URL's password (resolved), to scrub from messages."""
        try:
            password = urlsplit(self.resolved()).password
        except (ConfigError, ValueError):
            return []
        return secret_forms(unquote(password)) + secret_forms(password) if password else []

    def shown(self) -> str:
        """The URL for messages: references kept, a literal password masked."""
        parts = urlsplit(self.written)
        if parts.password and not _ENV_REF.fullmatch(parts.password):
            return self.written.replace(f":{parts.password}@", f":{MASK}@", 1)
        return self.written

    def scrub(self, text: str) -> str:
        return scrub(text, self.secrets())
