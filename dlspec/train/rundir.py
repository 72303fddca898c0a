"""Run directories: ``<root>/<name>/<YYYYmmdd-HHMMSS>[-N]/``, written once, never overwritten.

A run holds ``spec.yaml`` (the fully resolved spec, which lints and trains again),
``metrics.json``, ``history.csv``, ``model.keras``, ``preprocessing/``, the PNG plots and
``environment.json``. Reading runs back (``dlspec runs``) needs no Keras, and ``check`` tells
a whole, unedited run from a damaged one before anything uses it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dlspec import layers, sources
from dlspec.data.preprocessing import CONFIG as PREPROCESSING_CONFIG
from dlspec.diagnostics import Span, SpecError, make
from dlspec.spec import Spec, document
from dlspec.train import archive, environment, files
from dlspec.train.results import FoldResult, Results

SPEC = "spec.yaml"
METRICS = "metrics.json"
HISTORY = "history.csv"
MODEL = "model.keras"
PREPROCESSING = "preprocessing"
ENVIRONMENT = "environment.json"
LEARNING_CURVES = "learning_curves.png"
CONFUSION_MATRIX = "confusion_matrix.png"
RECONSTRUCTIONS = "reconstructions.png"
STATUS = "status.json"
CHECKPOINT = "checkpoint"
RUNNING, COMPLETE, FAILED, INTERRUPTED, PRUNED, DAMAGED = (
    "running",
    "complete",
    "failed",
    "interrupted",
    "pruned",
    "damaged",
)
# What status.json may record; ``pruned``: a sweep stopped the trial early, on purpose.
STATES = (RUNNING, COMPLETE, FAILED, INTERRUPTED, PRUNED)
STAMP = "%Y%m%d-%H%M%S"
STAMP_NAME = re.compile(r"\d{8}-\d{6}(-\d+)?")


def create(root: str | Path, name: str, now: datetime | None = None) -> Path:
    """Make a new, empty run directory: the timestamp, or the first free ``-2``, ``-3``...

    ``mkdir`` either creates the directory or fails, so two runs started in the same second
    (even in two processes) never share one.
    """
    stamp = (now or datetime.now()).strftime(STAMP)
    parent = Path(root) / name
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise files.unwritable(parent, error, "create the folder") from None
    attempt = 1
    while True:
        candidate = parent / (stamp if attempt == 1 else f"{stamp}-{attempt}")
        try:
            candidate.mkdir()
        except FileExistsError:
            attempt += 1
            continue
        except OSError as error:
            raise files.unwritable(candidate, error, "create the folder") from None
        return candidate


def start(root: str | Path, spec: Spec, spec_file: str | Path, now: datetime | None = None) -> Path:
    """A new run directory holding the resolved spec, marked ``running``.

    The first thing a run writes, before any data is loaded, so an unusable output fails in
    seconds.

    Raises:
        SpecError: DLS412 when the folder cannot be created or written.
    """
    directory = create(root, spec.name or Path(spec_file).stem, now)
    files.write_text(directory / SPEC, spec_text(spec, spec_file))
    mark(directory, RUNNING)
    return directory


def mark(directory: Path, state: str, reason: str | None = None) -> None:
    """Record the run's state in ``status.json`` (atomically)."""
    status = {
        "state": state,
        "reason": reason,
        "time": datetime.now().isoformat(timespec="seconds"),
    }
    files.write_text(directory / STATUS, json.dumps(status, indent=2) + "\n")


def _status(directory: Path) -> tuple[str, str | None, Damage | None]:
    """``status.json``'s state and reason, or what is wrong with it; ``complete`` when absent."""
    path = directory / STATUS
    if not path.exists():
        return COMPLETE, None, None
    recorded, damage = json_object(path, STATUS)
    state = (recorded or {}).get("state")
    if damage is None and state not in STATES:
        damage = Damage(STATUS, f"records an unknown state {state!r}")
    if damage is not None:
        return DAMAGED, None, damage
    return str(state), (recorded or {}).get("reason"), None


def status(directory: Path) -> tuple[str, str | None]:
    """The state ``status.json`` records, and its reason.

    ``complete`` for a run written before statuses were (its files are checked instead),
    ``damaged`` for an unreadable status, with what is wrong as the reason.
    """
    state, reason, damage = _status(directory)
    return state, str(damage) if damage else reason


def resolved(spec: Spec, spec_file: str | Path) -> dict[str, Any]:
    """The spec with every default filled in, ready to store.

    Layers are in their written form, and data paths are made absolute (the stored spec lives
    in another folder than the original).
    """
    data = spec.model_dump(mode="json", exclude_none=True)
    data["model"]["layers"] = layers.written(data["model"].get("layers", []))
    if spec.data is not None:
        data["data"]["source"] = sources.saved_location(spec.data, spec_file)
    return data


def spec_text(spec: Spec, spec_file: str | Path) -> str:
    """``spec.yaml``'s text: the resolved spec as YAML, in the spec's own section order."""
    header = f"# resolved from {spec_file} by dlspec; trains again with 'dlspec train'\n"
    if spec.data is not None and sources.SOURCES[spec.data.scheme].takes_path:
        # Meant, not a spec from elsewhere reaching out: the run keeps reading the same file.
        header += "# dlspec: disable=outside-folder  # dlspec made the data path absolute\n"
    return header + document.dump(resolved(spec, spec_file))


def history_rows(folds: list[FoldResult]) -> tuple[list[str], list[list[Any]]]:
    """``history.csv``'s header and rows: one row per fold and epoch."""
    names: list[str] = []
    for fold in folds:
        names.extend(n for n in fold.history if n not in names)
    first = [n for n in ("loss", "val_loss") if n in names]
    rest = sorted(n for n in names if n not in first)
    columns = first + rest
    rows = []
    for fold in folds:
        epochs = len(fold.history.get("loss", []))
        for epoch in range(epochs):
            values = [fold.history.get(n, [])[epoch : epoch + 1] for n in columns]
            rows.append([fold.name, epoch + 1, *[v[0] if v else "" for v in values]])
    return ["fold", "epoch", *columns], rows


def write_environment(
    directory: Path, spec: Spec, fingerprint: str | None, command: list[str]
) -> None:
    """Write ``environment.json``: at the start, and again with the data's fingerprint."""
    text = (directory / SPEC).read_text(encoding="utf-8")
    env = environment.collect(
        spec_text=text,
        seed=spec.seed,
        precision=spec.training.precision,
        fingerprint=fingerprint,
        command=command,
    )
    files.write_text(directory / ENVIRONMENT, json.dumps(env, indent=2) + "\n")


def note_resumed(directory: Path, command: list[str]) -> None:
    """Add a resuming command line to ``environment.json`` (its first command stays)."""
    recorded, _ = json_object(directory / ENVIRONMENT, ENVIRONMENT)
    if recorded is None:
        return  # resuming.read refused such a run already
    recorded["resumed"] = [*recorded.get("resumed", []), command]
    files.write_text(directory / ENVIRONMENT, json.dumps(recorded, indent=2) + "\n")


def read_history(directory: Path) -> dict[str, dict[str, list[float]]]:
    """``history.csv`` as ``{fit name: {column: values by epoch}}`` (empty when absent)."""
    path = directory / HISTORY
    if not path.is_file():
        return {}
    fits: dict[str, dict[str, list[float]]] = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            fit = fits.setdefault(row.pop("fold"), {})
            row.pop("epoch", None)
            for column, value in row.items():
                if value not in ("", None):
                    fit.setdefault(column, []).append(float(value))
    return fits


def write_history(directory: Path, fits: list[FoldResult]) -> None:
    """Write ``history.csv`` for the fits so far."""
    header, rows = history_rows(fits)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    files.write_text(directory / HISTORY, buffer.getvalue())


def write(directory: Path, *, results: Results, model: Any, preprocessor: Any) -> None:
    """Write a finished run's files into its directory, each atomically, then mark it complete.

    Raises:
        SpecError: DLS412 when the file system refuses a file (the path is named).
    """
    from dlspec.compiler import saving
    from dlspec.report import plots

    fits = results.folds + ([results.final] if results.final.name == "final" else [])
    write_history(directory, fits)
    with files.replacing(directory / MODEL, ".keras") as temporary:
        saving.save(model, temporary)
    with files.replacing(directory / PREPROCESSING) as temporary:
        preprocessor.save(temporary)
    with files.replacing(directory / LEARNING_CURVES, ".png") as temporary:
        plots.learning_curves(fits, temporary)
    if results.test is not None and results.test.confusion is not None:
        with files.replacing(directory / CONFUSION_MATRIX, ".png") as temporary:
            plots.confusion_matrix(results.test.confusion, results.class_names, temporary)
    if results.reconstructions is not None:
        with files.replacing(directory / RECONSTRUCTIONS, ".png") as temporary:
            plots.reconstructions(*results.reconstructions, temporary)
    # metrics.json last: with the status, it says every other file is there.
    files.write_text(directory / METRICS, json.dumps(results.to_json(), indent=2) + "\n")
    mark(directory, COMPLETE)


# -- checking runs ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Damage:
    """What is wrong with one file of a run: it is missing, unreadable or was edited."""

    file: str  # relative to the run directory
    reason: str
    hint: str | None = None  # what to do, where it is not "train the run's spec again"
    code: str = "DLS410"  # DLS407: the file is missing; DLS411: the model holds code

    def __str__(self) -> str:
        return f"{self.file} {self.reason}"


def json_object(path: Path, name: str) -> tuple[dict[str, Any] | None, Damage | None]:
    """A JSON file that must hold an object, or what is wrong with it."""
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        return None, Damage(name, f"cannot be read ({error.__class__.__name__})")
    except json.JSONDecodeError as error:
        return None, Damage(
            name, f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        )
    if not isinstance(value, dict):
        return None, Damage(name, "does not hold a JSON object")
    return value, None


def check(path: str | Path, *, deep: bool = False) -> Damage | None:
    """The first thing wrong with the run at ``path``, or None when it is whole and unedited.

    Every file is present and readable, the JSON files parse, and ``spec.yaml`` is the text
    whose SHA-256 ``environment.json`` recorded at training time: an edited spec would recompute
    other test rows and score rows the model was trained on. ``deep`` also checks the model
    archive's checksums (reading the whole file); ``dlspec runs`` leaves that to the commands
    that load the model.
    """
    path = Path(path)
    state, reason, damage = _status(path)
    if damage is not None:
        return damage
    if state != COMPLETE:
        return Damage(
            STATUS,
            f"says the run is {state}" + (f": {reason}" if reason else ""),
            f"train its spec again: dlspec train {path / SPEC}",
            code="DLS407",
        )
    return _inspect(path, deep)[0]


def _inspect(path: Path, deep: bool) -> tuple[Damage | None, dict[str, Any]]:
    """What is wrong with a finished run's files (see ``check``), and its metrics when whole."""
    preprocessing = f"{PREPROCESSING}/{PREPROCESSING_CONFIG}"
    for name in (SPEC, METRICS, ENVIRONMENT, MODEL, preprocessing):
        if not (path / name).is_file():
            lost = "the run cannot be trained again from its folder" if name == SPEC else None
            return Damage(name, "is missing", lost, code="DLS407"), {}
    metrics, damage = json_object(path / METRICS, METRICS)
    if damage is None:
        damage = json_object(path / preprocessing, preprocessing)[1]
    if damage is not None:
        return damage, {}
    recorded, damage = json_object(path / ENVIRONMENT, ENVIRONMENT)
    if damage is not None:
        return damage, {}
    damage = edited(path, recorded or {})
    if damage is not None:
        return damage, {}
    found = archive.problem(path / MODEL, deep=deep)
    if found is not None:
        code, reason = found
        return Damage(MODEL, reason, code=code), {}
    return None, metrics or {}


def edited(path: Path, recorded: dict[str, Any]) -> Damage | None:
    """Whether ``spec.yaml`` differs from the text whose SHA-256 ``environment.json`` holds."""
    digest = recorded.get("spec_sha256")
    if not isinstance(digest, str):
        return Damage(ENVIRONMENT, "has no 'spec_sha256' to check spec.yaml against")
    try:
        text = (path / SPEC).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return Damage(SPEC, f"cannot be read ({error.__class__.__name__})")
    if environment.sha256(text) == digest:
        return None
    return Damage(
        SPEC,
        "was changed after the run started: its SHA-256 differs from the one environment.json "
        "recorded, so the run's test rows and scores no longer follow from it",
        f"restore it, or train the edited spec as a new run: dlspec train {path / SPEC}",
    )


def not_a_run(path: Path, why: str) -> SpecError:
    """The DLS407 error for a path that is not a run directory."""
    return SpecError(
        [
            make(
                "DLS407",
                f"'{path}' is not a complete run directory: {why}",
                Span.point(str(path)),
                "give a directory that 'dlspec train' made, e.g. runs/<name>/<timestamp>; "
                "'dlspec runs' lists them",
            )
        ]
    )


def refuse(path: Path, damage: Damage) -> SpecError:
    """The error for a run with a missing, unreadable or edited file, pointing at that file."""
    state = "incomplete" if damage.code == "DLS407" else "damaged"
    where = path if damage.code == "DLS407" else path / damage.file
    hint = damage.hint or f"train its spec again: dlspec train {path / SPEC}"
    message = f"run '{path}' is {state}: {damage}"
    return SpecError([make(damage.code, message, Span.point(str(where)), hint)])


def verify(path: str | Path) -> None:
    """Refuse a run that is not whole and unedited, before anything loads it.

    Raises:
        SpecError: DLS407 when ``path`` is not a run directory or lacks a file, DLS410 when a
            file is corrupt or was edited after training; the message names the file.
    """
    path = Path(path)
    if not path.is_dir():
        raise not_a_run(path, "no such directory")
    if not any((path / name).exists() for name in (SPEC, METRICS, MODEL)):
        raise not_a_run(path, f"it holds no {SPEC}, {METRICS} or {MODEL}")
    damage = check(path, deep=True)
    if damage is not None:
        raise refuse(path, damage)


# -- reading runs back ---------------------------------------------------------------------------


@dataclass
class Run:
    """A run directory as ``dlspec runs`` lists it: its state, and its metrics when complete."""

    path: Path
    name: str
    stamp: str
    metrics: dict[str, Any]
    damage: Damage | None = None
    status: str = COMPLETE  # what status.json records
    reason: str | None = None  # why it failed

    @property
    def state(self) -> str:
        """``running``, ``failed``, ``interrupted``, ``damaged`` or ``complete``."""
        if self.status != COMPLETE:
            return self.status
        return COMPLETE if self.damage is None else DAMAGED

    @property
    def why(self) -> str | None:
        """What is wrong with the run, in words, when it is not complete."""
        return str(self.damage) if self.damage is not None else self.reason

    @property
    def spec(self) -> dict[str, Any]:
        """The stored spec as plain data."""
        path = self.path / SPEC
        return document.load(path.read_text(encoding="utf-8"), str(path)).data or {}


def is_run(path: Path) -> bool:
    """Whether ``path`` is a directory ``create`` made: named by its time stamp."""
    return path.is_dir() and STAMP_NAME.fullmatch(path.name) is not None


def read(path: str | Path) -> Run:
    """One run directory: its status, then its metrics when whole, else what is wrong with it."""
    path = Path(path)
    state, reason, damage = _status(path)
    if state in (RUNNING, FAILED, INTERRUPTED, PRUNED):
        return Run(path, path.parent.name, path.name, {}, None, state, reason)
    metrics: dict[str, Any] = {}
    if damage is None:
        damage, metrics = _inspect(path, deep=False)
    return Run(path, path.parent.name, path.name, metrics, damage)


def find(root: str | Path) -> list[Run]:
    """Every run under ``root``, in any state, by name, then oldest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = [read(p) for p in sorted(root.glob("*/*")) if is_run(p)]
    return sorted(found, key=lambda r: (r.name, r.stamp))


def locate(root: str | Path, which: str) -> Run | None:
    """A run named by its directory, ``NAME/TIMESTAMP`` under ``root``, or ``NAME``.

    ``NAME`` alone is its latest complete run.
    """
    for candidate in (Path(which), Path(root) / which):
        if (candidate / SPEC).is_file():
            return read(candidate)
    named = [run for run in find(root) if run.name == which and run.state == COMPLETE]
    return named[-1] if named else None
