"""``TimeZone``: a configuration value that must be an IANA time zone key."""

from __future__ import annotations

from typing import Annotated

from pydantic import BeforeValidator

from deskmetrics.calendar.timezones import iana_zone

TimeZone = Annotated[str, BeforeValidator(iana_zone)]
"""An IANA time zone key such as ``"Europe/Berlin"``; anything else is a one-line error."""
