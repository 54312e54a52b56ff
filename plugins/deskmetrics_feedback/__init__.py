"""Built-in "voice of the customer" plugin: sentiment and themes of survey comments and contact
reasons (ticket subjects and tags), offline. See docs/feedback.md.

Needs the optional extra ``deskmetrics[feedback]`` (vaderSentiment, scikit-learn, py3langid).
Without it only the comment rate is registered, and the report section says how to install the
rest. Heavy imports happen on first use, never when deskmetrics loads its plugins.
"""

from __future__ import annotations

import deskmetrics


@deskmetrics.hookimpl
def register_metrics(register: deskmetrics.RegisterMetric) -> None:
    from deskmetrics_feedback.metrics import all_metrics, comment_rate
    from deskmetrics_feedback.requirements import missing_message

    for metric in all_metrics() if missing_message() is None else [comment_rate(scored=False)]:
        register(metric)


@deskmetrics.hookimpl
def register_report_sections(register: deskmetrics.RegisterReportSection) -> None:
    from deskmetrics_feedback.section import FeedbackSection

    register(FeedbackSection())


@deskmetrics.hookimpl
def register_dimensions(register: deskmetrics.RegisterDimension) -> None:
    from deskmetrics_feedback.requirements import missing_message

    if missing_message() is None:
        from deskmetrics_feedback.dimension import theme_dimension

        register(theme_dimension())
