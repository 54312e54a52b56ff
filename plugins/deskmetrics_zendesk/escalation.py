"""Whether a ticket was escalated, by the rules the connection configures.

Zendesk has no escalation flag. The default rules are ``group_stations`` (the ticket passed
through more than one group: a transfer, the usual meaning of escalation in tiered support) and
``tag`` (the ticket carries one of ``escalation_tags``, default ``escalated``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


class Escalation:
    def __init__(self, rules: Iterable[str], tags: Iterable[str]) -> None:
        self.rules = frozenset(rules)
        self.tags = frozenset(tag.lower() for tag in tags)
        self._by_tag = "tag" in self.rules
        self._metric_rules = tuple(sorted(self.rules & {"group_stations", "assignee_stations"}))

    def decide(self, tags: Iterable[str], metrics: Mapping[str, Any] | None) -> bool | None:
        """True/False when the rules can tell; None when they need metrics the ticket lacks."""
        if self._by_tag:
            for tag in tags:  # a plain loop: this runs for every ticket of every page
                if tag.lower() in self.tags:
                    return True
        if not self._metric_rules:
            return False
        if metrics is None:
            return None
        return any((metrics.get(rule) or 0) > 1 for rule in self._metric_rules)
