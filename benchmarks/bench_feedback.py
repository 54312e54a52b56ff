"""Benchmark the feedback plugin (one command):

    python benchmarks/bench_feedback.py [--comments 200000]

(a) Sentiment: accuracy and macro-F1 of the support-domain analyser against plain VADER on the
    hand-labelled comments in tests/feedback_data/labelled_comments.csv. The lexicon was tuned
    looking at the ``dev`` rows only; the ``test`` rows are the held-out figure to quote.
    A prediction of "other_language" or "empty" counts as wrong.
(b) Themes for N generated comments (the demo's comment generator over random ticket topics):
    TF-IDF + NMF fit and assignment, in a fresh process; wall time and peak RSS.

Goals on this 2-core machine: themes for 200,000 comments in ≤ 30 s and ≤ 500 MB.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABELLED = ROOT / "tests" / "feedback_data" / "labelled_comments.csv"
CLASSES = ("positive", "negative", "neutral")
TIME_GOAL, RSS_GOAL_MB = 30.0, 500.0

CHILD = """
import json, random, resource, sys, time
from types import SimpleNamespace
from deskmetrics.demo.comments import survey_comment
from deskmetrics.demo.vocabulary import TOPICS

n = int(sys.argv[1])
rng = random.Random(7)
texts = []
for i in range(n):
    topic = rng.choice(TOPICS)
    happy = rng.random() < 0.75
    texts.append(survey_comment(SimpleNamespace(id=str(i), tags=topic.tags), happy, topic.subject))
start = time.perf_counter()
from deskmetrics_feedback.themes import find_themes
model = find_themes(texts)
elapsed = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
names = [" / ".join(t[:3]) for t in model.terms]
sizes = [model.assignment.count(k) for k in range(len(model.terms))]
print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb, "themes": names, "sizes": sizes}))
"""


def macro_f1(truth: list[str], predicted: list[str]) -> float:
    scores = []
    for label in CLASSES:
        tp = sum(t == label and p == label for t, p in zip(truth, predicted, strict=True))
        fp = sum(t != label and p == label for t, p in zip(truth, predicted, strict=True))
        fn = sum(t == label and p != label for t, p in zip(truth, predicted, strict=True))
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / len(scores)


def sentiment_table() -> None:
    from deskmetrics_feedback.sentiment import analyse

    with LABELLED.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    print(f"(a) sentiment on {len(rows)} hand-labelled support comments")
    print(f"    {'rows':<10}{'n':>5}  {'analyser':<22}{'accuracy':>9}{'macro-F1':>10}")
    for split in ("test", "dev", "all"):
        chosen = [r for r in rows if split == "all" or r["split"] == split]
        truth = [r["label"] for r in chosen]
        for name, domain in (("plain VADER", False), ("support-domain VADER", True)):
            predicted = [analyse(r["comment"], domain=domain).label for r in chosen]
            accuracy = sum(t == p for t, p in zip(truth, predicted, strict=True)) / len(truth)
            print(
                f"    {split:<10}{len(chosen):>5}  {name:<22}{accuracy:>9.3f}"
                f"{macro_f1(truth, predicted):>10.3f}"
            )


def themes_run(comments: int) -> None:
    print(f"\n(b) themes for {comments:,} generated comments (fresh process)")
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(comments)], capture_output=True, text=True, check=True
    )
    found = json.loads(result.stdout)
    seconds, peak = found["seconds"], found["peak_mb"]
    ratio = seconds / TIME_GOAL
    print(f"    time      {seconds:6.1f} s   = {ratio:.2f} × goal ({TIME_GOAL:.0f} s)")
    print(f"    peak RSS  {peak:6.0f} MB  = {peak / RSS_GOAL_MB:.2f} × goal ({RSS_GOAL_MB:.0f} MB)")
    for name, size in zip(found["themes"], found["sizes"], strict=True):
        print(f"    {size:>8,}  {name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=200_000)
    args = parser.parse_args()
    sentiment_table()
    themes_run(args.comments)


if __name__ == "__main__":
    main()
