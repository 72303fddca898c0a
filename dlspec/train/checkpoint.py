"""A fit's exact state at the end of an epoch, so that an interrupted fit can go on.

Continuing a fit to the numbers it would have reached needs more than its weights: the
optimizer's variables (step count, moments, a learning rate that ``ReduceLROnPlateau``
lowered), the layers' random-seed states (dropout), the counters and best weights of early
stopping and of learning-rate reduction, and the order of the mini-batches (``fit.batches``
draws each epoch's order from the seed and the epoch alone, so it needs no state).

A stop asked for in the middle of an epoch keeps the state at the end of the epoch before:
the unfinished epoch is run again from its start when the fit goes on.

On disk a checkpoint is ``variables.npz`` (every array, loaded without pickle) plus a JSON
object (``Checkpoint.describe``) that the run's ``checkpoint/state.json`` holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keras
import numpy as np

from dlspec.train import files
from dlspec.train.resuming import VARIABLES

GROUPS = ("model", "optimizer", "best")  # model variables, optimizer variables, best weights


class Mismatch(Exception):
    """A checkpoint that does not fit the model built from the run's spec."""


@dataclass
class Checkpoint:
    """The state of a fit after ``epoch`` whole epochs."""

    epoch: int
    history: dict[str, list[float]]
    arrays: dict[str, list[np.ndarray]]  # GROUPS -> arrays, in the model's variable order
    paths: dict[str, list[str]]  # model and optimizer variable paths, to check a restore
    counters: dict[str, dict[str, Any]] = field(default_factory=dict)  # callback -> its state

    def describe(self) -> dict[str, Any]:
        """Everything but the arrays, as JSON data."""
        return {
            "epoch": self.epoch,
            "history": self.history,
            "paths": self.paths,
            "counters": self.counters,
        }

    def save(self, folder: Path) -> None:
        """Write the arrays to ``folder/variables.npz`` (atomically)."""
        named = {
            f"{group}.{index}": array
            for group, arrays in self.arrays.items()
            for index, array in enumerate(arrays)
        }
        with files.replacing(folder / VARIABLES, ".npz") as temporary:
            np.savez(temporary, **named)  # type: ignore[arg-type]  # numpy's stub types allow_pickle only

    @classmethod
    def load(cls, folder: Path, described: dict[str, Any]) -> Checkpoint:
        """Read a checkpoint back (``described`` is what ``describe`` returned).

        Raises:
            Mismatch: the arrays are missing, unreadable or do not match the description.
        """
        try:
            with np.load(folder / VARIABLES, allow_pickle=False) as stored:
                named = {name: stored[name] for name in stored.files}
            epoch = int(described["epoch"])
            history = {str(k): [float(v) for v in vs] for k, vs in described["history"].items()}
            paths = {str(k): [str(p) for p in ps] for k, ps in described["paths"].items()}
            counters = dict(described.get("counters") or {})
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise Mismatch(f"{VARIABLES} or state.json cannot be read ({error})") from None
        arrays: dict[str, list[np.ndarray]] = {group: [] for group in GROUPS}
        for group in GROUPS:
            while f"{group}.{len(arrays[group])}" in named:
                arrays[group].append(named[f"{group}.{len(arrays[group])}"])
        if sum(len(a) for a in arrays.values()) != len(named):
            raise Mismatch(f"{VARIABLES} holds arrays this checkpoint does not describe")
        return cls(epoch, history, arrays, paths, counters)


def capture(
    model: keras.Model, epoch: int, history: dict[str, list[float]], callbacks: list[Any]
) -> Checkpoint:
    """The fit's state now, at the end of epoch ``epoch`` (1-based)."""
    optimizer = model.optimizer.variables
    arrays = {
        "model": [np.array(v.numpy()) for v in model.variables],
        "optimizer": [np.array(v.numpy()) for v in optimizer],
        "best": [],
    }
    counters: dict[str, dict[str, Any]] = {}
    for callback in callbacks:
        if isinstance(callback, Resumable):
            counters[callback.key], best = callback.state()
            arrays["best"] = best or arrays["best"]  # only early stopping keeps weights
    paths = {"model": [v.path for v in model.variables], "optimizer": [v.path for v in optimizer]}
    return Checkpoint(epoch, history, arrays, paths, counters)


def restore(model: keras.Model, checkpoint: Checkpoint) -> None:
    """Put a checkpoint's variables into a freshly built and compiled model of the same spec.

    Raises:
        Mismatch: the model's variables are not the ones the checkpoint holds.
    """
    model.optimizer.build(model.trainable_variables)
    for group, variables in (("model", model.variables), ("optimizer", model.optimizer.variables)):
        paths = [v.path for v in variables]
        if paths != checkpoint.paths.get(group) or len(checkpoint.arrays[group]) != len(paths):
            raise Mismatch(f"its {group} variables are not the ones the spec builds")
        for variable, value in zip(variables, checkpoint.arrays[group], strict=True):
            if tuple(variable.shape) != value.shape:
                raise Mismatch(f"{variable.path} has shape {value.shape}, not {variable.shape}")
            variable.assign(value)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


class Resumable:
    """A callback whose counters a checkpoint keeps and a resumed fit starts from."""

    key = ""
    resumed: dict[str, Any] | None = None
    resumed_best: list[np.ndarray] | None = None

    def state(self) -> tuple[dict[str, Any], list[np.ndarray] | None]:
        """The counters, and the arrays to keep with them (best weights)."""
        raise NotImplementedError

    def resume(self, counters: dict[str, Any], best: list[np.ndarray]) -> None:
        """Start the next fit from these counters instead of from scratch."""
        self.resumed, self.resumed_best = counters, best


class EarlyStopping(Resumable, keras.callbacks.EarlyStopping):
    """Keras's early stopping, whose wait, best value and best weights can be carried over."""

    key = "early_stopping"

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:  # noqa: D102
        super().on_train_begin(logs)
        if self.resumed is not None:
            self.wait = int(self.resumed["wait"])
            self.best = _number(self.resumed["best"])
            self.best_epoch = int(self.resumed["best_epoch"])
            self.best_weights = list(self.resumed_best) if self.resumed_best else None

    def state(self) -> tuple[dict[str, Any], list[np.ndarray] | None]:  # noqa: D102
        best = [np.array(w) for w in self.best_weights] if self.best_weights else None
        counters = {"wait": self.wait, "best": _number(self.best), "best_epoch": self.best_epoch}
        return counters, best


class ReduceLROnPlateau(Resumable, keras.callbacks.ReduceLROnPlateau):
    """Keras's learning-rate reduction, whose wait, cooldown and best value can be carried over.

    The learning rate itself is an optimizer variable, which the checkpoint keeps.
    """

    key = "reduce_lr_on_plateau"

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:  # noqa: D102
        super().on_train_begin(logs)
        if self.resumed is not None:
            self.wait = int(self.resumed["wait"])
            self.best = _number(self.resumed["best"])
            self.cooldown_counter = int(self.resumed["cooldown_counter"])

    def state(self) -> tuple[dict[str, Any], list[np.ndarray] | None]:  # noqa: D102
        counters = {
            "wait": self.wait,
            "best": _number(self.best),
            "cooldown_counter": self.cooldown_counter,
        }
        return counters, None


class Snapshots(keras.callbacks.Callback):
    """Captures the fit's state at the end of every whole epoch; put it after the others.

    ``last`` is then the state to continue from; an epoch cut short by a stop request
    (``cut``) is not captured. Where a stop can only come between epochs (the fast path),
    ``every_epoch = False`` leaves the capture to ``take``, called once the fit stopped: the
    model then still holds the state after its last whole epoch.
    """

    def __init__(self, stop: Any, callbacks: list[Any], resumed: Checkpoint | None) -> None:
        super().__init__()
        self.stop = stop
        self.callbacks = callbacks
        self.last = resumed
        self.history = {k: list(v) for k, v in resumed.history.items()} if resumed else {}
        self.cut = False
        self.every_epoch = True
        self.pending: int | None = None  # the whole epoch not captured yet

    def take(self) -> None:
        """Capture the state now, after the last whole epoch, if it is not captured yet."""
        if self.pending is not None:
            history = {name: list(values) for name, values in self.history.items()}
            self.last = capture(self.model, self.pending, history, self.callbacks)
            self.pending = None

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:  # noqa: D102
        if self.stop.requested:
            self.cut = True

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:  # noqa: D102
        if self.cut:
            return
        for name, value in (logs or {}).items():
            self.history.setdefault(name, []).append(float(value))
        self.pending = epoch + 1
        if self.every_epoch:
            self.take()
