"""``dlspec predict``: a saved run's predictions for new examples, as a CSV table.

Classification gives one probability column per class (named by the class) and the
predicted label; regression gives the predicted values; seq2seq the greedy translation of
each source text.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from dlspec import sources
from dlspec.base import format_shape, shapes_differ
from dlspec.check.shapes import INPUT
from dlspec.data import features
from dlspec.data.features import Features
from dlspec.data.problems import Problems
from dlspec.spec.tasks import TASKS
from dlspec.train import scoring
from dlspec.train.evaluate import outputs
from dlspec.train.saved import SavedRun, open_run

LONGEST = 1 << 20  # a translation ends at its stop token, or at the decoder's length


def table(run: SavedRun, predicted: np.ndarray) -> tuple[list[str], list[list[object]]]:
    """The CSV header and rows for the model's outputs.

    A per_step task gives a row for each step of each example, numbered from 0 in the columns
    ``example`` and ``step``.
    """
    if not run.spec.task.every_step:
        return _table(run, predicted)
    count, steps = predicted.shape[:2]
    header, rows = _table(run, predicted.reshape(count * steps, *predicted.shape[2:]))
    numbered = [[i // steps, i % steps, *row] for i, row in enumerate(rows)]
    return ["example", "step", *header], numbered


def _table(run: SavedRun, predicted: np.ndarray) -> tuple[list[str], list[list[object]]]:
    task = run.spec.task.type
    row = TASKS[task]
    if row.classification:
        probabilities = scoring.class_probabilities(task, predicted)
        k = probabilities.shape[1]
        names = run.class_names or [str(i) for i in range(k)]
        chosen = scoring.predicted_labels(task, predicted, run.spec.task.decision_threshold)
        header = [*names, "predicted"]
        rows = [[*map(float, p), names[c]] for p, c in zip(probabilities, chosen, strict=True)]
        return header, rows
    if row.outputs == "sequences":
        # The most likely next token after each sequence's last position.
        return ["next_token"], [[int(t)] for t in predicted[:, -1, :].argmax(axis=-1)]
    values = predicted.reshape(len(predicted), -1)
    # Several outputs are named by the target columns the spec names, else numbered.
    named = run.spec.data.target if run.spec.data is not None else None
    labels = named if isinstance(named, list) and len(named) == values.shape[1] else None
    header = (
        ["prediction"]
        if values.shape[1] == 1
        else [f"prediction_{labels[i] if labels else i}" for i in range(values.shape[1])]
    )
    return header, [list(map(float, row)) for row in values]


def predict(path: str | Path, inputs: str | Path) -> tuple[list[str], list[list[object]]]:
    """Predictions of the run at ``path`` for the examples in the file ``inputs``.

    Raises:
        SpecError: the run is incomplete or the inputs do not fit the spec's data.
    """
    run = open_run(path)
    if run.spec.task.row.targets == "pairs":
        return translations(run, Path(inputs))
    x, _ = sources.read_inputs(run.spec, str(run.spec_file), Path(inputs))
    check_shapes(run, x, Path(inputs))
    return table(run, outputs(run, x))


def translations(run: SavedRun, path: Path) -> tuple[list[str], list[list[object]]]:
    """A seq2seq run's greedy target for each source text of the table at ``path``."""
    from dlspec.data import text
    from dlspec.train.generate import text_of, translate

    assert run.spec.data is not None
    tokens = run.spec.data.tokens
    sources = [text.split(line, tokens) for line in text.read_pair_sources(run.spec, path)]
    decoded = translate(
        run.model, run.preprocessor.vocabulary or [], sources, length=LONGEST, temperature=0
    )
    return ["prediction"], [[text_of(each, tokens)] for each in decoded]


def check_shapes(run: SavedRun, x: Features, path: Path) -> None:
    """DLS401 at the input file for examples of another shape than the model takes.

    Raw texts are vectorised to the model's shape, so only arrays are compared.

    Raises:
        SpecError: the first input whose examples have another shape.
    """
    if run.preprocessor.kind == "text":
        return
    expected = {tensor.name: tuple(tensor.shape[1:]) for tensor in run.model.inputs}
    for name, got in features.shapes(x).items():
        want = expected.get(name or INPUT)
        if want is None or not shapes_differ(want, got):
            continue
        which = f"the examples of input '{name}'" if name else "the examples"
        Problems(path, lines=True).fail(
            "DLS401",
            f"{which} in '{path.name}' have shape {format_shape(got)} each; the model takes "
            f"{format_shape(want)}",
            hint="give examples laid out like the training data's",
        )


def write(
    path: str | Path, header: list[str], rows: list[list[object]], *, replace: bool = False
) -> None:
    """Write predictions as CSV (floats in full precision).

    Raises:
        FileExistsError: ``path`` exists and ``replace`` is false: a user's file is never
            overwritten unless asked.
    """
    with open(path, "w" if replace else "x", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
