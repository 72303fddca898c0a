"""Lint speed: 200 generated spec files, against the time it takes just to import TensorFlow.

    python bench/lint.py [--files 200]

Prints one table: the whole `dlspec lint DIR` command, the lint itself in-process, and
`python -c "import tensorflow"`, each with files per second and its ratio to the import.
Target: 200 specs in under 0.5 s on a 2-core machine.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

TEMPLATES = [
    """task: multiclass
data: {{source: sklearn:digits, scale: standard}}
model:
  layers:
{dense}
optimizer: {{type: adam, learning_rate: {lr}}}
training: {{epochs: {epochs}, batch_size: 32, early_stopping: 5}}
validation: {{type: kfold, folds: 5}}
""",
    """task: {{type: multiclass, classes: 10}}
model:
  input: [{side}, {side}, 1]
  layers:
    - conv2d: {{filters: {filters}, kernel_size: 3, padding: same, activation: relu}}
    - max_pooling2d: 2
    - conv2d: {{filters: {filters2}, kernel_size: 3, activation: relu}}
    - max_pooling2d: 2
    - flatten
    - dropout: 0.5
    - dense: {{units: {units}, activation: relu}}
optimizer: sgd
""",
    """task: binary
data: {{source: "keras:imdb", max_tokens: 5000, sequence_length: {steps}}}
model:
  input: {{shape: [{steps}], dtype: int32}}
  layers:
    - embedding: {{output_dim: {width}}}
    - positional_encoding: learned
    - transformer_block: {{num_heads: 2, ff_dim: {units}}}
    - global_average_pooling1d
    - bidirectional: {{layer: {{lstm: {{units: 8}}}}}}
""",
]


def generate(folder: Path, count: int) -> None:
    rng = random.Random(0)
    for index in range(count):
        template = TEMPLATES[index % len(TEMPLATES)]
        # Half the transformer specs keep an LSTM after global pooling, a shape error, so the
        # bench times specs with findings as well as clean ones.
        if index % 6 == 2:
            template = template.replace(
                "    - bidirectional: {{layer: {{lstm: {{units: 8}}}}}}\n", ""
            )
        dense = "".join(
            f"    - dense: {{units: {rng.choice([16, 32, 64])}, activation: relu}}\n"
            for _ in range(rng.randint(1, 4))
        )
        text = template.format(
            dense=dense,
            lr=rng.choice([0.01, 0.001]),
            epochs=rng.randint(10, 50),
            side=rng.choice([28, 32, 64]),
            filters=rng.choice([8, 16, 32]),
            filters2=rng.choice([16, 32, 64]),
            units=rng.choice([32, 64, 128]),
            steps=rng.choice([50, 100, 200]),
            width=rng.choice([16, 32]),
        )
        (folder / f"spec_{index:03d}.yaml").write_text(text)


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=False)
    return time.perf_counter() - start


def best_of(runs: int, command: list[str]) -> float:
    return min(timed(command) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, args.files)
        from dlspec.check import runner as lint

        start = time.perf_counter()
        result = lint.run([folder])
        in_process = time.perf_counter() - start
        assert len(result.files) == args.files
        command = best_of(args.runs, [sys.executable, "-m", "dlspec", "lint", str(folder)])
        tensorflow = best_of(1, [sys.executable, "-c", "import tensorflow"])
    table = Table(title=f"dlspec lint on {args.files} generated specs")
    table.add_column("what")
    table.add_column("seconds", justify="right")
    table.add_column("files/s", justify="right")
    table.add_column("x import tensorflow", justify="right")
    for name, seconds in [
        ("dlspec lint DIR (whole command)", command),
        ("lint.run in-process", in_process),
        ('python -c "import tensorflow"', tensorflow),
    ]:
        table.add_row(
            name, f"{seconds:.3f}", f"{args.files / seconds:,.0f}", f"{seconds / tensorflow:.2f}"
        )
    Console().print(table)
    verdict = "met" if command < 0.5 else "MISSED"
    Console().print(f"target: {args.files} specs in under 0.5 s (whole command): {verdict}")


if __name__ == "__main__":
    main()
