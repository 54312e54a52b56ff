"""pytest plugin shipped with deskmetrics: fixtures for plugin authors' tests."""
