"""Quality on built-in data: the example specs trained as written, against their bounds.

    python bench/quality.py [--only iris_mlp ...]

Prints one table: spec, the number checked (cross-validation mean or test score), its bound,
pass or FAIL, and the time taken. Exit status 1 when any bound is missed. CI runs the same
specs with fewer epochs and looser bounds (tests/train/test_quality.py).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from rich.box import SIMPLE
from rich.console import Console
from rich.table import Table

from dlspec import backend, check
from dlspec import train as training

SPECS = Path(__file__).resolve().parents[1] / "specs"

# spec, where the number is read ("validation" mean across folds, or "test"), metric, bound
BOUNDS = [
    ("iris_mlp", "validation", "accuracy", 0.94),
    ("digits_mlp", "test", "accuracy", 0.96),
    ("breast_cancer", "test", "accuracy", 0.95),
    ("moons_mlp", "test", "accuracy", 0.97),
    ("diabetes_regression", "test", "r2", 0.40),
]


def main() -> int:
    backend.start()  # Keras, with TensorFlow's start-up notices silenced
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="spec names to run (default: all)")
    args = parser.parse_args()
    # A light box keeps the table within 80 columns.
    table = Table(title="Quality on built-in data (full epochs)", title_justify="left", box=SIMPLE)
    table.add_column("spec", no_wrap=True)
    table.add_column("checked", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("bound", justify="right", no_wrap=True)
    table.add_column("result")
    table.add_column("time", justify="right")
    failed = 0
    with tempfile.TemporaryDirectory() as output:
        for name, where, metric, bound in BOUNDS:
            if args.only and name not in args.only:
                continue
            spec_file = SPECS / f"{name}.yaml"
            spec, source_map, inference = check.analyse(spec_file)
            start = time.perf_counter()
            results = training.run(spec, spec_file, inference, source_map=source_map, output=output)
            seconds = time.perf_counter() - start
            if where == "validation":
                summary = results.validation_summary()[metric]
                value = summary["mean"]
                shown = f"{value:.4f} ± {summary['std']:.4f}"
            else:
                value = results.test.metrics[metric]
                shown = f"{value:.4f}"
            ok = value >= bound
            failed += not ok
            table.add_row(
                name,
                f"{'val.' if where == 'validation' else where} {metric}",
                shown,
                f">= {bound:.2f}",
                "pass" if ok else "FAIL",
                f"{seconds:.0f} s",
            )
    Console().print(table)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
