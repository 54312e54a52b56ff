"""Built-in CSV connector (placeholder until implemented)."""
