"""``python -m deskmetrics``: the command line, also used by the scheduler to run jobs."""

from deskmetrics.cli import main

main()
