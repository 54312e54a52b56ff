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

    def decide(self, tags: Iterable[str], metrics: Mapping[str, Any] | None) -> bool | None:
        """True/False when the rules can tell; None when they need metrics the ticket lacks."""
        if "tag" in self.rules and self.tags.intersection(t.lower() for t in tags):
            return True
        metric_rules = self.rules & {"group_stations", "assignee_stations"}
        if metric_rules and metrics is None:
            return None
        for rule in metric_rules:
            assert metrics is not None
            if (metrics.get(rule) or 0) > 1:
                return True
        return False
