"""Helpers for testing deskmetrics and its plugins: demo data generator, fixtures."""
