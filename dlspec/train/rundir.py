"""Run directories: ``<root>/<name>/<YYYYmmdd-HHMMSS>[-N]/``, written once, never overwritten.

A run holds ``spec.yaml`` (the fully resolved spec, which lints and trains again),
``metrics.json``, ``history.csv``, ``model.keras``, ``preprocessing/``, the PNG plots and
``environment.json``. Reading runs back (``dlspec runs``) needs no Keras.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from dlspec import source
from dlspec.check.data import resolve_path
from dlspec.layers import BY_KIND
from dlspec.spec import Spec
from dlspec.train import environment
from dlspec.train.results import FoldResult, Results

SPEC = "spec.yaml"
METRICS = "metrics.json"
HISTORY = "history.csv"
MODEL = "model.keras"
PREPROCESSING = "preprocessing"
ENVIRONMENT = "environment.json"
LEARNING_CURVES = "learning_curves.png"
CONFUSION_MATRIX = "confusion_matrix.png"
STAMP = "%Y%m%d-%H%M%S"
PATH_SCHEMES = ("csv", "npz", "images", "text")


def create(root: str | Path, name: str, now: datetime | None = None) -> Path:
    """Make a new, empty run directory: the timestamp, or the first free ``-2``, ``-3``...

    ``mkdir`` either creates the directory or fails, so two runs started in the same second
    (even in two processes) never share one.
    """
    stamp = (now or datetime.now()).strftime(STAMP)
    parent = Path(root) / name
    parent.mkdir(parents=True, exist_ok=True)
    attempt = 1
    while True:
        candidate = parent / (stamp if attempt == 1 else f"{stamp}-{attempt}")
        try:
            candidate.mkdir()
        except FileExistsError:
            attempt += 1
            continue
        return candidate


def _written_layers(value: Any) -> Any:
    """Layer items back in the written form ``{kind: {arguments}}``, nested blocks included."""
    if isinstance(value, list):
        return [_written_layers(item) for item in value]
    if isinstance(value, dict):
        if isinstance(value.get("kind"), str) and value["kind"] in BY_KIND:
            args = {k: _written_layers(v) for k, v in value.items() if k != "kind"}
            return {value["kind"]: args}
        return {k: _written_layers(v) for k, v in value.items()}
    return value


def resolved(spec: Spec, spec_file: str | Path) -> dict[str, Any]:
    """The spec with every default filled in, ready to store.

    Layers are in their written form, and data paths are made absolute (the stored spec lives
    in another folder than the original).
    """
    data = spec.model_dump(mode="json", exclude_none=True)
    data["model"]["layers"] = _written_layers(data["model"].get("layers", []))
    if spec.data is not None and spec.data.scheme in PATH_SCHEMES:
        path = resolve_path(spec.data, str(spec_file)).resolve()
        data["data"]["source"] = f"{spec.data.scheme}:{path}"
    return data


def spec_text(spec: Spec, spec_file: str | Path) -> str:
    """``spec.yaml``'s text: the resolved spec as YAML, in the spec's own section order."""
    header = f"# resolved from {spec_file} by dlspec; trains again with 'dlspec train'\n"
    return header + source.dump(resolved(spec, spec_file))


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


def write(
    directory: Path,
    *,
    spec: Spec,
    spec_file: str | Path,
    results: Results,
    model: Any,
    preprocessor: Any,
    fingerprint: str | None,
    command: list[str],
) -> None:
    """Write every file of a run into its (new) directory."""
    from dlspec import plots

    text = spec_text(spec, spec_file)
    (directory / SPEC).write_text(text, encoding="utf-8")
    (directory / METRICS).write_text(json.dumps(results.to_json(), indent=2) + "\n")
    fits = results.folds + ([results.final] if results.final.name == "final" else [])
    header, rows = history_rows(fits)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (directory / HISTORY).write_text(buffer.getvalue())
    model.save(directory / MODEL)
    preprocessor.save(directory / PREPROCESSING)
    plots.learning_curves(fits, directory / LEARNING_CURVES)
    if results.test.confusion is not None:
        plots.confusion_matrix(
            results.test.confusion, results.class_names, directory / CONFUSION_MATRIX
        )
    env = environment.collect(
        spec_text=text, seed=spec.seed, fingerprint=fingerprint, command=command
    )
    (directory / ENVIRONMENT).write_text(json.dumps(env, indent=2) + "\n")


# -- reading runs back ---------------------------------------------------------------------------


@dataclass
class Run:
    """A run directory and its metrics, as ``dlspec runs`` lists them."""

    path: Path
    name: str
    stamp: str
    metrics: dict[str, Any]

    @property
    def spec(self) -> dict[str, Any]:
        """The stored spec as plain data."""
        path = self.path / SPEC
        return source.load(path.read_text(encoding="utf-8"), str(path)).data or {}


def is_run(path: Path) -> bool:
    """Whether ``path`` is a complete run directory (its metrics and spec are written)."""
    return (path / METRICS).is_file() and (path / SPEC).is_file()


def read(path: str | Path) -> Run:
    """One run directory.

    Raises:
        FileNotFoundError: ``path`` is not a complete run directory.
    """
    path = Path(path)
    if not is_run(path):
        raise FileNotFoundError(f"{path} is not a run directory (no {METRICS} and {SPEC})")
    metrics = json.loads((path / METRICS).read_text())
    return Run(path, path.parent.name, path.name, metrics)


def find(root: str | Path) -> list[Run]:
    """Every complete run under ``root``, by name, then oldest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = [read(p) for p in sorted(root.glob("*/*")) if p.is_dir() and is_run(p)]
    return sorted(found, key=lambda r: (r.name, r.stamp))


def locate(root: str | Path, which: str) -> Run | None:
    """A run named by a directory, ``NAME/TIMESTAMP`` under ``root``, or ``NAME`` (its latest)."""
    for candidate in (Path(which), Path(root) / which):
        if is_run(candidate):
            return read(candidate)
    named = [run for run in find(root) if run.name == which]
    return named[-1] if named else None
