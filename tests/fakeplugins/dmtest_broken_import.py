"""A plugin whose import fails, as when an optional dependency is missing."""

raise ImportError("dmtest_broken_import needs the missing library libdmtest")
