"""Feeding mini-batches: dlspec's seeded batch order against Keras's own shuffling.

    python bench/batches.py [--repeats 3]

dlspec draws each epoch's order from the seed and the epoch (``dlspec.train.fit.batches``) and
feeds Keras a generator, so that an interrupted fit can be resumed exactly; Keras shuffles numpy
arrays itself. This times both on the same compiled model, interleaved, in one process: an
Iris-sized fit (120 rows, batch 16, 100 epochs) and an MNIST-sized one (20,000 rows of 784,
batch 128, 3 epochs), each with validation rows. Prints one table: seconds per fit (the median
of the repeats) and the ratio of dlspec's feeding to Keras's.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import keras
import numpy as np
from rich.console import Console
from rich.table import Table

from dlspec.train.fit import batches

CASES = {  # name: rows, features, batch size, epochs
    "iris-sized": (120, 4, 16, 100),
    "mnist-sized": (20_000, 784, 128, 3),
}


def model(features: int) -> keras.Model:
    keras.utils.set_random_seed(0)
    network = keras.Sequential(
        [
            keras.Input((features,)),
            keras.layers.Dense(64, activation="relu"),
            keras.layers.Dense(3, activation="softmax"),
        ]
    )
    network.compile("adam", "sparse_categorical_crossentropy")
    return network


def keras_fit(x: np.ndarray, y: np.ndarray, size: int, epochs: int) -> float:
    network, start = model(x.shape[1]), time.perf_counter()
    network.fit(
        x, y, batch_size=size, epochs=epochs, shuffle=True, validation_data=(x[:50], y[:50]),
        verbose=0,
    )  # fmt: skip
    return time.perf_counter() - start


def dlspec_fit(x: np.ndarray, y: np.ndarray, size: int, epochs: int) -> float:
    network, start = model(x.shape[1]), time.perf_counter()
    network.fit(
        batches(x, y, None, batch_size=size, seed=0, epochs=range(epochs), shuffle=True),
        steps_per_epoch=math.ceil(len(x) / size),
        epochs=epochs,
        shuffle=False,
        validation_data=(x[:50], y[:50]),
        validation_batch_size=size,
        verbose=0,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    repeats = parser.parse_args().repeats
    table = Table(title=f"Feeding mini-batches, {keras.backend.backend()} backend")
    for column in ("fit", "Keras shuffle (s)", "dlspec batches (s)", "ratio"):
        table.add_column(column, justify="left" if column == "fit" else "right")
    rng = np.random.default_rng(0)
    for name, (rows, features, size, epochs) in CASES.items():
        x = rng.normal(size=(rows, features)).astype("float32")
        y = rng.integers(0, 3, size=rows)
        keras_fit(x, y, size, 1), dlspec_fit(x, y, size, 1)  # warm up both paths
        theirs, ours = [], []
        for _ in range(repeats):  # interleaved, so a busy machine slows both alike
            theirs.append(keras_fit(x, y, size, epochs))
            ours.append(dlspec_fit(x, y, size, epochs))
        a, b = statistics.median(theirs), statistics.median(ours)
        table.add_row(name, f"{a:.2f}", f"{b:.2f}", f"{b / a:.2f}x")
    Console().print(table)


if __name__ == "__main__":
    main()
