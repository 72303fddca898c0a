"""Training throughput on one accelerator: dlspec against the hand-written Keras script.

    bash bench/gpu.sh [--examples N] [--epochs E] [--cases convnet,transformer]
                      [--precisions float32,mixed_bfloat16] [--batches 128,1024]

Two models of the keras.io examples, on synthetic data of their shapes: the simple MNIST
convnet (60,000 28x28x1 images, 10 classes) and the transformer text classifier (20,000-word
vocabulary, 200 tokens, 2 classes). dlspec trains its spec (bench/gpu/*.yaml) through the
library's own ``train.run``, as ``dlspec train`` does; the hand-written script builds the same
layers in Keras (the parameter counts are checked equal) and calls ``model.fit`` on the very
rows dlspec trains and validates on. Each measurement is a new process on the JAX backend.
Both count the seconds between epoch ends and report training rows per second over the epochs
after the first (which compiles), the validation pass of each epoch included.

Prints one table: samples per second of each, and dlspec's ratio to the script, for every
case, precision (float32, mixed bfloat16) and batch size (128 and 1024 for the convnet, 32 and
256 for the transformer). ``--examples 512 --epochs 2`` runs in a minute on a CPU (the test).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
SPECS = BENCH / "gpu"
CASES = {
    "convnet": {"spec": "convnet.yaml", "data": "mnist.npz", "batches": (128, 1024)},
    "transformer": {"spec": "transformer.yaml", "data": "tokens.npz", "batches": (32, 256)},
}
PRECISIONS = ("float32", "mixed_bfloat16")
VOCABULARY, LENGTH = 20_000, 200


def write_data(case: str, examples: int, path: Path) -> None:
    """Synthetic examples of the case's shapes, with labels a model can learn a little of."""
    rng = np.random.default_rng(0)
    if case == "convnet":
        y = rng.integers(0, 10, examples)
        x = rng.random((examples, 28, 28, 1), dtype=np.float32) * 0.5
        x[np.arange(examples), y * 2 + 4, 4:24, 0] += 0.5  # a bright row that tells the class
    else:
        y = rng.integers(0, 2, examples)
        x = rng.integers(2, VOCABULARY, (examples, LENGTH)).astype("int32")
        x[:, :5] = np.where(y[:, None] == 1, 1, 2)  # a first word that tells the class
    np.savez(path, x=x, y=y)


def overrides(epochs: int, batch: int, precision: str) -> list[str]:
    """The settings every contender trains with."""
    mixed = "true" if precision == "mixed_bfloat16" else "false"
    return [
        f"training.epochs={epochs}",
        f"training.batch_size={batch}",
        f"training.mixed_precision={mixed}",
    ]


class _Clock:
    """dlspec's progress protocol, keeping the time at the end of every epoch."""

    def __init__(self) -> None:
        self.ends: list[float] = []

    def start(self, label: str, epochs: int) -> None:
        self.ends = [time.perf_counter()]

    def epoch(self, epoch: int, logs: dict[str, float]) -> None:
        self.ends.append(time.perf_counter())

    def stop(self) -> None:
        pass


def rate(ends: list[float], rows: int) -> float:
    """Training rows per second over the epochs after the first."""
    seconds = [b - a for a, b in zip(ends[1:], ends[2:], strict=False)] or [ends[-1] - ends[0]]
    return rows / statistics.median(seconds)


def run_dlspec(case: str, folder: Path, sets: list[str], rows_file: Path) -> dict[str, float]:
    """Train the case's spec (copied into ``folder``, beside its data) through dlspec.

    The rows it trains and validates on are saved in ``rows_file`` for the Keras script.
    """
    from dlspec import backend

    backend.select("jax")
    backend.start()
    from dlspec import check, sources
    from dlspec import train as training
    from dlspec.train import schemes

    spec_file = folder / CASES[case]["spec"]
    spec, source_map, inference = check.analyse(spec_file, sets)
    plan = schemes.for_run(spec, sources.load(spec, spec_file, source_map=source_map))
    (split,) = plan.folds
    np.savez(rows_file, train=split.train, validation=split.validation)
    clock = _Clock()
    with tempfile.TemporaryDirectory() as output:
        training.run(
            spec, spec_file, inference, source_map=source_map, output=output, progress=clock
        )
    rows = len(split.train)
    return {"rate": rate(clock.ends, rows), "rows": rows, "params": inference.params.total}


def run_keras(
    case: str, data: Path, rows_file: Path, epochs: int, batch: int, precision: str
) -> dict[str, float]:
    """The keras.io model written by hand, fitted on dlspec's rows."""
    import keras

    keras.config.set_dtype_policy(precision)
    arrays, rows = np.load(data), np.load(rows_file)
    x, y = arrays["x"], arrays["y"]
    train, validation = rows["train"], rows["validation"]
    model = build(case)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

    class Clock(keras.callbacks.Callback):
        ends = [0.0]

        def on_train_begin(self, logs=None):
            self.ends[0] = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.ends.append(time.perf_counter())

    clock = Clock()
    model.fit(
        x[train],
        y[train],
        batch_size=batch,
        epochs=epochs,
        validation_data=(x[validation], y[validation]),
        callbacks=[clock],
        verbose=0,
    )
    return {
        "rate": rate(clock.ends, len(train)),
        "rows": len(train),
        "params": model.count_params(),
    }


def build(case: str) -> Any:
    """The keras.io examples' layers, as bench/gpu/*.yaml write them."""
    import keras
    from keras import layers

    if case == "convnet":
        return keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                layers.Conv2D(32, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Conv2D(64, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                layers.Dropout(0.5),
                layers.Dense(10, activation="softmax", dtype="float32"),
            ]
        )

    class TokenAndPositionEmbedding(layers.Layer):  # keras.io's, word for word in effect
        def __init__(self) -> None:
            super().__init__()
            self.tokens = layers.Embedding(VOCABULARY, 32)
            self.positions = layers.Embedding(LENGTH, 32)

        def call(self, x: Any) -> Any:
            return self.tokens(x) + self.positions(keras.ops.arange(LENGTH))

    tokens = keras.Input((LENGTH,), dtype="int32")
    x = TokenAndPositionEmbedding()(tokens)
    attended = layers.MultiHeadAttention(num_heads=2, key_dim=32)(x, x)
    x = layers.LayerNormalization(epsilon=1e-6)(x + layers.Dropout(0.1)(attended))
    forward = layers.Dense(32)(layers.Dense(32, activation="relu")(x))
    x = layers.LayerNormalization(epsilon=1e-6)(x + layers.Dropout(0.1)(forward))
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.1)(x)
    x = layers.Dense(20, activation="relu")(x)
    x = layers.Dropout(0.1)(x)
    outputs = layers.Dense(2, activation="softmax", dtype="float32")(x)
    return keras.Model(tokens, outputs)


def measure(contender: str, case: str, precision: str, batch: int, args: Any, folder: Path) -> dict:
    """One contender's measurement, in a new process on the JAX backend."""
    command = [sys.executable, __file__, "--one", contender, "--cases", case]
    command += ["--precisions", precision, "--batches", str(batch), "--epochs", str(args.epochs)]
    command += ["--folder", str(folder)]
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{contender} {case} {precision} {batch}:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def one(args: Any) -> None:
    """``--one CONTENDER``: measure and print one JSON line (the child process's side)."""
    folder = Path(args.folder)
    (case,), (precision,) = args.cases.split(","), args.precisions.split(",")
    batch = int(args.batches)
    data, rows = folder / CASES[case]["data"], folder / f"{case}-{precision}-{batch}-rows.npz"
    if args.one == "dlspec":
        found = run_dlspec(case, folder, overrides(args.epochs, batch, precision), rows)
    else:
        found = run_keras(case, data, rows, args.epochs, batch, precision)
    print(json.dumps(found))


def main() -> None:
    """Measure every case, precision and batch size; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=60_000)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--precisions", default=",".join(PRECISIONS))
    parser.add_argument("--batches", default=None, help="instead of each case's own two")
    parser.add_argument("--one", choices=["dlspec", "keras"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        one(args)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"samples per second, JAX, {device()}")
    for column in ("case", "precision", "batch", "rows", "dlspec", "Keras script", "ratio"):
        table.add_column(column, justify="left" if column in ("case", "precision") else "right")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        for case in args.cases.split(","):
            write_data(case, args.examples, folder / CASES[case]["data"])
            shutil.copy(SPECS / CASES[case]["spec"], folder)
            batches = args.batches.split(",") if args.batches else CASES[case]["batches"]
            for precision in args.precisions.split(","):
                for batch in map(int, batches):
                    ours = measure("dlspec", case, precision, batch, args, folder)
                    theirs = measure("keras", case, precision, batch, args, folder)
                    if ours["params"] != theirs["params"] or ours["rows"] != theirs["rows"]:
                        raise SystemExit(
                            f"{case}: the two do not train the same model on the same rows"
                        )
                    table.add_row(
                        case,
                        precision,
                        str(batch),
                        str(ours["rows"]),
                        f"{ours['rate']:,.0f}",
                        f"{theirs['rate']:,.0f}",
                        f"{ours['rate'] / theirs['rate']:.2f}",
                    )
    Console(width=120).print(table)


def device() -> str:
    """The accelerator JAX computes on here."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import jax; d = jax.devices()[0]; print(d.platform, d.device_kind)",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "unknown device"


if __name__ == "__main__":
    main()
