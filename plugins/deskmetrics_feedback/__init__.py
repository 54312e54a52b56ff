"""Built-in "voice of the customer" plugin: sentiment and themes of survey comments and contact
reasons (ticket subjects and tags), offline. See docs/feedback.md.

Needs the optional extra ``deskmetrics[feedback]`` (vaderSentiment, scikit-learn, py3langid);
without it the plugin registers nothing and its report section says how to install it. Heavy
imports happen on first use, never when deskmetrics loads its plugins.
"""

from __future__ import annotations
