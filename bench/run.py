"""Training speed: `dlspec train` against hand-written Keras and scikit-learn, on the same rows.

    python bench/run.py [--repeats 3] [--cases iris,digits_mlp,digits_cnn,sine_lstm,lint]
                        [--epochs N] [--backend jax|tensorflow]

Every contender is one whole process, as a user runs it (imports included), and the contenders
take turns: each repeat runs every case's contenders once, in a rotated order, so a busy
machine slows them alike. The rows are dlspec's own: the bench loads each example spec's data
and split plan with dlspec and writes them to an .npz that the baselines (bench/baselines.py)
read, so the three train and score the very same folds and test rows.

Cases: the Iris MLP 5-fold (the README's main job), the digits MLP and CNN hold-out, the sine
LSTM in time order; and `dlspec lint` of 200 generated specs against `import tensorflow`.
Prints one table: median seconds, the ratio to each baseline measured in the same run,
validation and test scores, and peak memory (the process's maximum resident set).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from dlspec import backend as backends

BENCH = Path(__file__).resolve().parent
SPECS = BENCH.parent / "specs"
CASES = {
    "iris": "iris_mlp.yaml",
    "digits_mlp": "digits_mlp.yaml",
    "digits_cnn": "digits_cnn.yaml",
    "sine_lstm": "sine_lstm.yaml",
}
MLP_CASES = {"iris", "digits_mlp"}  # scikit-learn has no convolution or recurrence


@dataclass
class Timings:
    """Each repeat's wall seconds and peak memory of one contender on one case."""

    seconds: list[float] = field(default_factory=list)
    peak_mib: list[float] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def measured(
    command: list[str], cwd: Path, allowed: tuple[int, ...] = (0,)
) -> tuple[float, float, str]:
    """Run ``command`` as a new process: wall seconds, peak resident MiB and its stdout."""
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        printed = out.read().decode()
    if process.returncode not in allowed:
        raise SystemExit(f"{' '.join(command)} exited {process.returncode}")
    return seconds, usage.ru_maxrss / 1024, printed  # ru_maxrss is in KiB on Linux


def write_splits(case: str, folder: Path, epochs: int | None) -> Path:
    """dlspec's examples and split plan for ``case``, as the baselines read them."""
    from dlspec import sources
    from dlspec import spec as spec_module
    from dlspec.train import schemes

    spec_file = SPECS / CASES[case]
    spec, _ = spec_module.load(spec_file, overrides(epochs))
    dataset = sources.load(spec, spec_file)
    plan = schemes.for_run(spec, dataset)
    assert plan.test is not None  # the bench's specs split their own test rows off
    folds = {}
    for k, split in enumerate(plan.folds):
        folds[f"train_{k}"], folds[f"validation_{k}"] = split.train, split.validation
    path = folder / f"{case}.npz"
    np.savez(path, x=dataset.x, y=dataset.y, test=plan.test, rest=plan.rest, **folds)
    return path


def overrides(epochs: int | None) -> list[str]:
    return [f"training.epochs={epochs}"] if epochs else []


def commands(
    case: str, splits: Path, output: Path, epochs: int | None, backend: str
) -> dict[str, list[str]]:
    """Each contender's command line for ``case``."""
    sets = [part for o in overrides(epochs) for part in ("--set", o)]
    dlspec = [sys.executable, "-m", "dlspec", "train", str(SPECS / CASES[case]), *sets]
    dlspec += ["--output", str(output), "--quiet", "--json", "--backend", backend]
    baseline = [sys.executable, str(BENCH / "baselines.py")]
    more = ["--epochs", str(epochs)] if epochs else []
    found = {
        "dlspec": dlspec,
        "keras": [*baseline, "keras", case, str(splits), *more],
    }
    if case in MLP_CASES:
        found["scikit-learn"] = [*baseline, "sklearn", case, str(splits), *more]
    return found


def scores(contender: str, printed: str, metric: str) -> dict[str, float]:
    """Validation (mean over folds) and test scores from what the contender printed."""
    result = json.loads(printed)
    if contender == "dlspec":
        return {"validation": result["validation"][metric]["mean"], "test": result["test"][metric]}
    return {"validation": result["validation"], "test": result["test"]}


def lint_rows(folder: Path, repeats: int) -> dict[str, Timings]:
    """`dlspec lint` of 200 generated specs against `python -c "import tensorflow"`."""
    sys.path.insert(0, str(BENCH))
    from lint import generate  # bench/lint.py's generated specs

    specs = folder / "lint"
    specs.mkdir()
    generate(specs, 200)
    rows = {"dlspec lint": Timings(), "import tensorflow": Timings()}
    for _ in range(repeats):
        for name, command in [
            ("dlspec lint", [sys.executable, "-m", "dlspec", "lint", str(specs)]),
            ("import tensorflow", [sys.executable, "-c", "import tensorflow"]),
        ]:
            # lint exits 1: some generated specs have findings on purpose
            seconds, peak, _ = measured(command, folder, allowed=(0, 1))
            rows[name].seconds.append(seconds)
            rows[name].peak_mib.append(peak)
    return rows


def main() -> None:
    """Measure, interleaved, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cases", default=",".join([*CASES, "lint"]))
    parser.add_argument("--epochs", type=int, default=None, help="override every spec's epochs")
    parser.add_argument(
        "--backend", default=backends.default(), choices=["tensorflow", "jax"],
        help="dlspec's backend (default: dlspec's own default)",
    )  # fmt: skip
    args = parser.parse_args()
    chosen = args.cases.split(",")
    unknown = set(chosen) - {*CASES, "lint"}
    if unknown:
        raise SystemExit(f"unknown cases: {', '.join(sorted(unknown))}")
    cases = [c for c in chosen if c in CASES]
    results: dict[str, dict[str, Timings]] = {c: {} for c in cases}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        planned = {
            case: commands(
                case,
                write_splits(case, folder, args.epochs),
                folder / "runs",
                args.epochs,
                args.backend,
            )  # fmt: skip
            for case in cases
        }
        metric = {case: "rmse" if case == "sine_lstm" else "accuracy" for case in cases}
        for repeat in range(args.repeats):
            for case in cases:
                contenders = list(planned[case].items())
                turn = repeat % len(contenders)
                for name, command in contenders[turn:] + contenders[:turn]:
                    seconds, peak, printed = measured(command, folder)
                    timing = results[case].setdefault(name, Timings())
                    timing.seconds.append(seconds)
                    timing.peak_mib.append(peak)
                    timing.scores = scores(name, printed, metric[case])
        lint = lint_rows(folder, args.repeats) if "lint" in chosen else {}
    print_table(results, metric, lint, args)


def print_table(
    results: dict[str, dict[str, Timings]],
    metric: dict[str, str],
    lint: dict[str, Timings],
    args: argparse.Namespace,
) -> None:
    """One row per case and contender, ratios against the baselines of the same run."""
    epochs = f"{args.epochs} epochs" if args.epochs else "epochs as written"
    table = Table(
        title=f"dlspec train ({args.backend}) against hand-written baselines: {epochs}, "
        f"median of {args.repeats}, whole processes"
    )
    for column in ("case", "contender", "seconds", "x keras", "x scikit-learn"):
        table.add_column(column, justify="left" if column in ("case", "contender") else "right")
    for column in ("validation", "test", "peak MiB"):
        table.add_column(column, justify="right")
    for case, rows in results.items():
        keras = rows["keras"].median
        sklearn = rows["scikit-learn"].median if "scikit-learn" in rows else None
        for name, timing in rows.items():
            table.add_row(
                case,
                name,
                f"{timing.median:.2f}",
                f"{timing.median / keras:.2f}",
                f"{timing.median / sklearn:.2f}" if sklearn else "—",
                f"{metric[case]} {timing.scores['validation']:.4f}",
                f"{timing.scores['test']:.4f}",
                f"{max(timing.peak_mib):.0f}",
            )
        table.add_section()
    if lint:
        tensorflow = lint["import tensorflow"].median
        for name, timing in lint.items():
            table.add_row(
                "lint, 200 specs",
                name,
                f"{timing.median:.2f}",
                "—",
                "—",
                f"x import tensorflow {timing.median / tensorflow:.2f}",
                "",
                f"{max(timing.peak_mib):.0f}",
            )
    Console(width=200).print(table)


if __name__ == "__main__":
    main()
