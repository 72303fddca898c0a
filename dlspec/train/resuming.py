"""Where an interrupted run stopped, and whether it can go on (``dlspec train --resume``).

An interrupted run's ``checkpoint/`` holds ``state.json`` (the fit it stopped in, the epochs
of that fit it finished, every finished fold's results, the counters of its callbacks) and,
when at least one epoch of that fit was whole, ``variables.npz`` with its exact state
(``checkpoint.Checkpoint``). ``state.json`` is written last and records the SHA-256 of
``variables.npz``, so a crash between the two, or an edit, is found instead of resumed from.

Reading it needs no Keras: a run that cannot go on is refused in a fraction of a second.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from dlspec.diagnostics import Span, SpecError, make
from dlspec.train import files, rundir
from dlspec.train.results import FoldResult

STATE = "state.json"
VARIABLES = "variables.npz"  # the arrays of a checkpoint.Checkpoint
FORMAT = 1


@dataclass
class Resume:
    """An interrupted run, checked, and what it needs to go on."""

    directory: Path
    fit: int  # the fit it stopped in: folds first (0-based), then the final refit
    folds: list[FoldResult]  # the folds it finished, with their scores
    checkpoint: dict[str, Any] | None  # Checkpoint.describe() of that fit; None: from its start
    fingerprint: str | None  # the data's fingerprint when it started
    backend: str  # the Keras backend it trained on
    reason: str | None = None  # what status.json says stopped it

    @property
    def epoch(self) -> int:
        """The whole epochs of the fit it goes on with."""
        return int(self.checkpoint["epoch"]) if self.checkpoint else 0


def digest(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    hashed = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            hashed.update(block)
    return hashed.hexdigest()


def save(
    directory: Path, *, fit: int, name: str, folds: list[FoldResult], checkpoint: Any | None
) -> None:
    """Write the run's ``checkpoint/``: the arrays first, then ``state.json`` describing them.

    ``checkpoint`` is a ``checkpoint.Checkpoint`` (None: the fit had no whole epoch, or had
    not started). ``name`` is the fit's name in ``history.csv`` ("2", "final").

    Raises:
        SpecError: DLS412 when the file system refuses a file.
    """
    folder = directory / rundir.CHECKPOINT
    try:
        folder.mkdir(exist_ok=True)
    except OSError as error:
        raise files.unwritable(folder, error, "create the folder") from None
    state: dict[str, Any] = {
        "format": FORMAT,
        "fit": fit,
        "fold": name,
        "epoch": 0,
        "folds": [asdict(fold) for fold in folds],
        "checkpoint": None,
    }
    if checkpoint is not None:
        checkpoint.save(folder)
        state["epoch"] = checkpoint.epoch
        state["checkpoint"] = checkpoint.describe()
        state["variables_sha256"] = digest(folder / VARIABLES)
    files.write_text(folder / STATE, json.dumps(state, indent=2) + "\n")
    if checkpoint is None:
        files.remove(folder / VARIABLES)  # an earlier cut's arrays: this state has none


def _refuse(path: Path, state: str, reason: str | None) -> SpecError:
    where = path / rundir.STATUS
    said = f"run '{path}' is {state}" + (f" ({reason})" if reason else "")
    again = f"train its spec again: dlspec train {path / rundir.SPEC}"
    hint = {
        rundir.COMPLETE: f"it needs no resuming: score it with dlspec evaluate {path}",
        rundir.RUNNING: "if no dlspec process is training it any more, it was killed before "
        f"it could keep a checkpoint: {again}",
    }.get(state, again)
    message = f"{said}; only an interrupted run can be resumed"
    return SpecError([make("DLS414", message, Span.point(str(where)), hint)])


def read(path: str | Path) -> Resume:
    """The interrupted run at ``path``, once it is sure it can go on as it was.

    Raises:
        SpecError: DLS407 when ``path`` is not a run or lacks its checkpoint; DLS414 when the
            run is complete, failed or still running; DLS410 when its spec was edited after it
            started, or its checkpoint is corrupt.
    """
    path = Path(path)
    if not path.is_dir():
        raise rundir.not_a_run(path, "no such directory")
    if not (path / rundir.SPEC).is_file():
        raise rundir.not_a_run(path, f"it holds no {rundir.SPEC}")
    state, reason = rundir.status(path)
    if state == rundir.DAMAGED:
        raise rundir.refuse(path, rundir.Damage(rundir.STATUS, reason or "cannot be read"))
    if state != rundir.INTERRUPTED:
        raise _refuse(path, state, reason)
    recorded, damage = rundir.json_object(path / rundir.ENVIRONMENT, rundir.ENVIRONMENT)
    damage = damage or rundir.edited(path, recorded or {})
    if damage is not None:
        raise rundir.refuse(path, damage)
    name = f"{rundir.CHECKPOINT}/{STATE}"
    if not (path / name).is_file():
        missing = rundir.Damage(name, "is missing: the run stopped before it could keep one")
        raise rundir.refuse(path, rundir.Damage(missing.file, missing.reason, code="DLS407"))
    saved, damage = rundir.json_object(path / name, name)
    if damage is None:
        damage = _check(path, saved or {})
    if damage is not None:
        raise rundir.refuse(path, damage)
    assert saved is not None and recorded is not None
    return Resume(
        directory=path,
        fit=int(saved["fit"]),
        folds=[FoldResult(**fold) for fold in saved["folds"]],
        checkpoint=saved["checkpoint"],
        fingerprint=recorded.get("data_fingerprint"),
        backend=str(recorded.get("backend", "")),
        reason=reason,
    )


def _check(path: Path, saved: dict[str, Any]) -> rundir.Damage | None:
    """What is wrong with a checkpoint's ``state.json`` and ``variables.npz``, if anything."""
    name = f"{rundir.CHECKPOINT}/{STATE}"
    if saved.get("format") != FORMAT:
        return rundir.Damage(name, f"has format {saved.get('format')!r}, not {FORMAT}")
    try:
        int(saved["fit"])
        [FoldResult(**fold) for fold in saved["folds"]]
        described = saved["checkpoint"]
    except (KeyError, TypeError, ValueError) as error:
        return rundir.Damage(name, f"is not a checkpoint's state ({error})")
    if described is None:
        return None
    variables = path / rundir.CHECKPOINT / VARIABLES
    if not variables.is_file():
        return rundir.Damage(f"{rundir.CHECKPOINT}/{VARIABLES}", "is missing", code="DLS407")
    if digest(variables) != saved.get("variables_sha256"):
        return rundir.Damage(
            f"{rundir.CHECKPOINT}/{VARIABLES}",
            "does not match the SHA-256 state.json recorded for it",
        )
    return None
