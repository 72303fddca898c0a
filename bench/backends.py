"""Training speed by Keras backend: the same spec, whole `dlspec train` process, each backend.

    python bench/backends.py [--spec specs/iris_mlp.yaml] [--backends tensorflow jax]

Prints one table: wall time of the whole command per backend, its ratio to TensorFlow measured
in the same run, and the validation metric each reached (the backends seed their own random
streams, so metrics agree closely but not to the last digit).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]


def train(spec: Path, backend: str, output: Path) -> tuple[float, dict]:
    command = [sys.executable, "-m", "dlspec", "train", str(spec), "--backend", backend]
    command += ["--output", str(output), "--json"]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{backend}: exit {result.returncode}\n{result.stderr[-2000:]}")
    return seconds, json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spec", type=Path, default=ROOT / "specs" / "iris_mlp.yaml")
    parser.add_argument("--backends", nargs="+", default=["tensorflow", "jax"])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends:
            if importlib.util.find_spec(backend) is None:
                rows.append((backend, None, None))
                continue
            seconds, summary = train(args.spec, backend, Path(tmp))
            metric, values = next(iter(summary["validation"].items()))
            rows.append((backend, seconds, f"{metric} {values['mean']:.4f} ± {values['std']:.4f}"))
    baseline = next((s for b, s, _ in rows if b == "tensorflow" and s), None)
    table = Table(title=f"dlspec train {args.spec.name}, whole process, by backend")
    table.add_column("backend")
    table.add_column("seconds", justify="right")
    table.add_column("x tensorflow", justify="right")
    table.add_column("validation")
    for backend, seconds, metric in rows:
        if seconds is None:
            table.add_row(backend, "not installed", "", "")
            continue
        ratio = f"{seconds / baseline:.2f}" if baseline else ""
        table.add_row(backend, f"{seconds:.1f}", ratio, metric)
    Console().print(table)


if __name__ == "__main__":
    main()
