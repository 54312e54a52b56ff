"""Zendesk connector (being built)."""
