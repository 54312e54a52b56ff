"""Scheduled jobs: syncs and reports on intervals or cron times, run by `deskmetrics schedule`."""
