"""Built-in reporters (placeholder until implemented)."""
