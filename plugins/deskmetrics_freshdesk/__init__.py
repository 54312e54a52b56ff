"""Freshdesk connector (being built)."""
