"""One training run from start to end: data, splits, fits, final model, test scores, run.

``dlspec evaluate`` reuses ``test_set`` to find the same test rows again.
"""

from __future__ import annotations

import signal
import sys
from datetime import datetime
from pathlib import Path
from typing import Literal, NoReturn

import numpy as np

from dlspec import check, sources
from dlspec.base import format_shape, shapes_differ
from dlspec.check import Inference
from dlspec.data import features
from dlspec.data.dataset import Dataset
from dlspec.data.features import Features
from dlspec.data.problems import Problems
from dlspec.diagnostics import Span, SpecError, did_you_mean, has_errors, make
from dlspec.spec import Spec
from dlspec.spec.document import SourceMap
from dlspec.spec.sections import InputSpec
from dlspec.train import (
    checkpoint,
    diagnosis,
    distribution,
    environment,
    files,
    memory,
    resuming,
    rundir,
    schemes,
    tensorboard,
)
from dlspec.train import fit as fitting
from dlspec.train.checkpoint import Checkpoint
from dlspec.train.results import FoldResult, Results
from dlspec.train.stopping import Interrupted, Stop


def _check_weighted_classes(spec: Spec, dataset: Dataset, problems: Problems) -> None:
    """DLS418 for a class in ``training.class_weight`` that the loaded data does not have."""
    wanted = spec.training.class_weight
    if not isinstance(wanted, dict) or not spec.task.row.classification:
        return
    names = dataset.class_names or [str(v) for v in np.unique(dataset.y)]
    for key in wanted:
        if (isinstance(key, str) and key in names) or (isinstance(key, int) and key < len(names)):
            continue
        what = f"no class '{key}'" if isinstance(key, str) else f"no class with id {key}"
        problems.add(
            "DLS418",
            f"training.class_weight names {what}: the data's classes are "
            + ", ".join(f"{i}: {name}" for i, name in enumerate(names)),
            ("training", "class_weight", key),
            did_you_mean(str(key), names) or "name a class, or give its id (counted from 0)",
        )
    problems.check()


def test_set(
    spec: Spec, dataset: Dataset, problems: Problems | None = None
) -> tuple[schemes.Plan, Features, np.ndarray]:
    """The run's plan of splits and its test examples (the source's own, or split off).

    Raises:
        SpecError: DLS416, located at ``validation`` through ``problems``, when there are too
            few examples (or too few of a class) for the splits; DLS417 for one class; DLS418
            for a weighted class the data does not have.
    """
    problems = problems or Problems("spec")
    if spec.task.row.classification and len(np.unique(dataset.y)) < 2:
        names = dataset.class_names or [str(v) for v in np.unique(dataset.y)]
        assert spec.data is not None
        problems.fail(
            "DLS417",
            f"every example of '{spec.data.location}' has the same class"
            + (f" ('{names[0]}')" if names else "")
            + f": a {spec.task.type} classifier needs at least two",
            ("data", "target") if spec.data.target is not None else ("data", "source"),
            "check data.target names the label column, and that the data holds every class",
        )
    _check_weighted_classes(spec, dataset, problems)
    try:
        plan = schemes.for_run(spec, dataset)
    except schemes.FewerThanFolds as few:
        known = dataset.class_names
        name = known[few.class_id] if known and few.class_id < len(known) else str(few.class_id)
        problems.fail(
            "DLS416",
            f"class '{name}' has {few.count} example{'s' if few.count != 1 else ''} after the "
            f"test split, fewer than the {few.folds} folds: a stratified fold would validate "
            "without it",
            ("validation",),
            "add examples of that class, ask for fewer folds, or set stratify: false",
        )
    except ValueError as error:  # scikit-learn's splitters: an empty or impossible split
        said = " ".join(str(error).split())
        problems.fail(
            "DLS416",
            f"{len(dataset.y)} example{'s are' if len(dataset.y) != 1 else ' is'} too few for "
            f"this validation scheme: {said}",
            ("validation",),
            "add examples, or ask for fewer: a smaller test_size or validation_size, "
            "fewer folds or splits",
        )
    if dataset.x_test is not None and dataset.y_test is not None:
        return plan, dataset.x_test, dataset.y_test
    assert plan.test is not None  # split off here when the source brings none
    return plan, features.take(dataset.x, plan.test), dataset.y[plan.test]


def complete(spec: Spec, inference: Inference, dataset: Dataset, problems: Problems) -> Inference:
    """Static inference with the loaded examples' shapes, for the builder.

    Where the source could not tell the shapes before loading (an npz file), the loaded arrays
    must have the shapes the spec gives its inputs (DLS306, before anything is built: Keras
    would fail deep in the first fit), or, where the spec gives none, inference runs again
    with theirs.

    Raises:
        SpecError: the spec does not fit the loaded data.
    """
    if inference.data.shape is not None:  # lint compared them already
        return inference
    loaded = features.shapes(dataset.x)
    if inference.inputs is not None:
        for name, (shape, _) in inference.inputs.items():
            got = loaded.get(name if inference.named else None)
            if got is None or not shapes_differ(shape, got):
                continue
            field = f"model.inputs.{name}" if inference.named else "model.input"
            problems.add(
                "DLS306",
                f"{field} is {format_shape(shape)}, but the data gives {format_shape(got)}",
                ("model", "inputs", name) if inference.named else ("model", "input"),
                "make the shape the one the data gives, or save the data in that shape",
            )
        problems.check()
        return inference
    if problems.source_map is None or isinstance(dataset.x, dict):
        return inference
    dtype: Literal["int32", "float32"] = (
        "int32" if np.issubdtype(dataset.x.dtype, np.integer) else "float32"
    )
    shaped = spec.model.model_copy(
        update={"input": InputSpec(shape=list(dataset.x.shape[1:]), dtype=dtype)}
    )
    again = check.run(spec.model_copy(update={"model": shaped}), problems.source_map)
    if has_errors(again.diagnostics):
        raise SpecError(again.diagnostics)
    return again


def at_steps(spec: Spec, y: np.ndarray, fitted: fitting.Fitted, x: Features) -> np.ndarray:
    """The fit's targets with one row per scored prediction (each step of a per_step task).

    A reconstruction's targets are its inputs, as the fit's preprocessing gives them.
    """
    wanted = (
        fitting.rebuilt(spec, fitted.preprocessor.transform(x), y)
        if spec.task.row.targets == "inputs"
        else y
    )
    return fitting.positions(spec, wanted, wanted)[0]


def refit_epochs(spec: Spec, folds: list[FoldResult]) -> int:
    """Epochs for the final model: the folds' mean best epoch when early stopping ran."""
    if spec.training.early_stopping is None or not folds:
        return spec.training.epochs
    chosen = [f.best_epoch or f.epochs for f in folds]
    return max(1, round(float(np.mean(chosen))))


def _partial(
    folds: list[FoldResult], fitted: fitting.Fitted, split: schemes.Split | None
) -> FoldResult:
    """The fit that was cut short, as far as it went: its history, no scores."""
    return FoldResult(
        name="final" if split is None else str(len(folds) + 1),
        train_size=0 if split is None else len(split.train),
        validation_size=0 if split is None else len(split.validation),
        epochs=fitted.epochs,
        best_epoch=None,
        history=fitted.history,
    )


def interrupt(
    request: Stop,
    directory: Path,
    folds: list[FoldResult],
    fitted: fitting.Fitted | None,
    label: str,
    fit: int,
    split: schemes.Split | None,
) -> NoReturn:
    """Save the history and a checkpoint of the fit in progress, mark the run interrupted.

    ``fit`` counts the fits (the folds, then the final refit); the checkpoint is the state
    after the last whole epoch of that fit (``resuming.save``).

    Raises:
        Interrupted: always.
    """
    where = f"before {label}"  # between fits: history.csv holds every finished one
    name = "final" if split is None else str(fit + 1)
    if fitted is not None:
        rundir.write_history(directory, [*folds, _partial(folds, fitted, split)])
        which = "the final fit" if label == "final" else label
        done = fitted.epochs  # whole epochs: the one cut short runs again on resuming
        where = f"after epoch {done} ({which})" if done else f"in the first epoch ({which})"
    resuming.save(
        directory,
        fit=fit,
        name=name,
        folds=folds,
        checkpoint=fitted.checkpoint if fitted is not None else None,
    )
    assert request.signal is not None
    rundir.mark(directory, rundir.INTERRUPTED, f"{signal.Signals(request.signal).name} {where}")
    raise Interrupted(request.signal, directory, where)


def stop(
    spec: Spec,
    spec_file: str | Path,
    source_map: SourceMap | None,
    directory: Path,
    folds: list[FoldResult],
    fitted: fitting.Fitted,
    label: str,
    split: schemes.Split | None,
) -> NoReturn:
    """Keep the history up to a diverged epoch, then stop the run with DLS413.

    Raises:
        SpecError: always; located at the spec's optimizer.
    """
    epoch, value = fitted.diverged or (fitted.epochs, float("nan"))
    rundir.write_history(directory, [*folds, _partial(folds, fitted, split)])
    where = "the final fit" if label == "final" else label
    span = Span.point(str(spec_file))
    if source_map is not None:
        span = source_map.locate(("optimizer", "learning_rate"))
    raise SpecError(
        [
            make(
                "DLS413",
                f"the training loss became {value} at epoch {epoch} ({where}); the run keeps "
                "the history so far",
                span,
                "lower optimizer.learning_rate, or clip gradients with optimizer.clipnorm "
                "(e.g. 1.0)",
            )
        ]
    )


def run(
    spec: Spec,
    spec_file: str | Path,
    inference: Inference,
    *,
    source_map: SourceMap | None,
    output: Path,
    directory: Path | None,
    command: list[str] | None,
    progress: fitting.Progress | None,
    now: datetime | None,
    request: Stop | None = None,
    resume: resuming.Resume | None = None,
    score_test: bool = True,
) -> Results:
    """See ``dlspec.train.run``."""
    memory.check(spec, inference, source_map)
    distribution.check(spec, source_map)
    tensorboard.check(spec, source_map)
    if resume is not None:
        directory = resume.directory
        saved = _checkpoint(resume)  # a damaged checkpoint is refused before the run changes
        rundir.mark(directory, rundir.RUNNING)
    elif directory is None:
        directory = rundir.start(output, spec, spec_file, now)
    command = command if command is not None else list(sys.argv)
    try:
        if resume is None:
            rundir.write_environment(directory, spec, None, command)
        with distribution.scope(spec) as replicas:
            results, fitted = _train(
                spec,
                spec_file,
                inference,
                source_map,
                directory,
                command,
                progress,
                request or Stop(),
                (resume, saved) if resume is not None else None,
                replicas,
                score_test,
            )
        results.run_dir = str(directory)
        rundir.write(
            directory, results=results, model=fitted.model, preprocessor=fitted.preprocessor
        )
        files.remove(directory / rundir.CHECKPOINT)  # the run is complete: nothing to go on from
    except SpecError as error:
        if resume is not None and error.diagnostics[0].code in ("DLS410", "DLS414"):
            rundir.mark(directory, rundir.INTERRUPTED, resume.reason)  # it may go on later
        else:
            rundir.mark(directory, rundir.FAILED, error.diagnostics[0].message)
        raise
    except checkpoint.Mismatch as error:  # the checkpoint does not fit the spec's model
        assert resume is not None
        rundir.mark(directory, rundir.INTERRUPTED, resume.reason)
        raise _damaged(directory, error) from None
    except Interrupted:
        raise  # marked, with its checkpoint
    except KeyboardInterrupt:
        rundir.mark(directory, rundir.INTERRUPTED)
        raise
    except BaseException as error:
        rundir.mark(directory, rundir.FAILED, f"{error.__class__.__name__}: {error}")
        raise
    return results


def _checkpoint(resume: resuming.Resume) -> Checkpoint | None:
    """The arrays of an interrupted run's checkpoint, or None where its fit starts afresh.

    Raises:
        SpecError: DLS410 when they do not match the checkpoint's ``state.json``.
    """
    if resume.checkpoint is None:
        return None
    folder = resume.directory / rundir.CHECKPOINT
    try:
        return Checkpoint.load(folder, resume.checkpoint)
    except checkpoint.Mismatch as error:
        raise _damaged(resume.directory, error) from None


def _damaged(directory: Path, error: checkpoint.Mismatch) -> SpecError:
    """DLS410 for a checkpoint whose arrays do not fit its state or its spec's model."""
    damage = rundir.Damage(f"{rundir.CHECKPOINT}/{resuming.VARIABLES}", str(error))
    return rundir.refuse(directory, damage)


def _same_data(
    resume: resuming.Resume,
    dataset: Dataset,
    spec_file: str | Path,
    source_map: SourceMap | None,
) -> None:
    """Refuse to go on with data other than the data the run started with.

    Raises:
        SpecError: DLS414, located at the spec's data source.
    """
    if dataset.fingerprint == resume.fingerprint:
        return
    span = Span.point(str(spec_file))
    if source_map is not None:
        span = source_map.locate(("data", "source"))
    message = (
        f"the data of run '{resume.directory}' changed since it started (fingerprint "
        f"{dataset.fingerprint}, not {resume.fingerprint}), so it cannot go on to the same numbers"
    )
    hint = "restore the data it started with, or train the spec as a new run"
    raise SpecError([make("DLS414", message, span, hint)])


def _train(
    spec: Spec,
    spec_file: str | Path,
    inference: Inference,
    source_map: SourceMap | None,
    directory: Path,
    command: list[str],
    progress: fitting.Progress | None,
    request: Stop,
    resume: tuple[resuming.Resume, Checkpoint | None] | None = None,
    replicas: int = 1,
    score_test: bool = True,
) -> tuple[Results, fitting.Fitted]:
    """Load, fit every split and the final model, score the test set; history as it goes.

    With ``resume``, the folds the run finished are taken as they were, and the fit it
    stopped in goes on from its checkpoint. ``replicas``: the devices of the distribution it
    runs under (``distribution.scope``). Without ``score_test`` the test rows are set apart
    as usual but never scored.
    """
    dataset = sources.load(spec, spec_file, source_map=source_map)
    if resume is None:
        rundir.write_environment(directory, spec, dataset.fingerprint, command)
    else:
        _same_data(resume[0], dataset, spec_file, source_map)
        rundir.note_resumed(directory, command)
    inference = complete(spec, inference, dataset, Problems(spec_file, source_map))
    plan, x_test, y_test = test_set(spec, dataset, Problems(spec_file, source_map))
    x, y = dataset.x, dataset.y
    folds: list[FoldResult] = list(resume[0].folds) if resume is not None else []
    start, saved = (resume[0].fit, resume[1]) if resume is not None else (0, None)
    fitted = None
    models = fitting.Models(replicas)  # one model, reset for each fit
    for index, split in enumerate(plan.folds):
        label = f"fold {index + 1}/{len(plan.folds)}" if plan.refit else "holdout"
        if index < start:
            continue  # finished before the run was interrupted
        if request.requested:
            interrupt(request, directory, folds, None, label, index, split)
        fitted = fitting.fit(
            spec,
            inference,
            dataset,
            split.train,
            split.validation,
            epochs=spec.training.epochs,
            ordered=plan.ordered,
            progress=progress,
            label=label,
            stop=request,
            resume=saved if index == start else None,
            models=models,
            logs=tensorboard.folder(directory, label) if spec.training.tensorboard else None,
        )
        if fitted.cut:
            interrupt(request, directory, folds, fitted, label, index, split)
        if fitted.diverged:
            stop(spec, spec_file, source_map, directory, folds, fitted, label, split)
        train, _ = fitting.score(fitted, spec, features.take(x, split.train), y[split.train])
        validation, noise = fitting.score(
            fitted, spec, features.take(x, split.validation), y[split.validation], with_noise=True
        )
        folds.append(
            FoldResult(
                name=str(index + 1),
                train_size=len(split.train),
                validation_size=len(split.validation),
                epochs=fitted.epochs,
                best_epoch=fitted.best_epoch,
                history=fitted.history,
                train=train,
                validation=validation,
                baseline=diagnosis.baseline(
                    spec.task.type,
                    at_steps(spec, y[split.train], fitted, features.take(x, split.train)),
                ),
                noise=noise,
            )
        )
        rundir.write_history(directory, folds)
    final = folds[-1]
    if plan.refit:
        epochs = refit_epochs(spec, folds)
        if request.requested:
            interrupt(request, directory, folds, None, "final", len(plan.folds), None)
        fitted = fitting.fit(
            spec,
            inference,
            dataset,
            plan.rest,
            None,
            epochs=epochs,
            ordered=plan.ordered,
            progress=progress,
            label="final",
            stop=request,
            resume=saved if start == len(plan.folds) else None,
            models=models,
            logs=tensorboard.folder(directory, "final") if spec.training.tensorboard else None,
        )
        if fitted.cut:
            interrupt(request, directory, folds, fitted, "final", len(plan.folds), None)
        if fitted.diverged:
            stop(spec, spec_file, source_map, directory, folds, fitted, "final", None)
        final = FoldResult(
            name="final",
            train_size=len(plan.rest),
            validation_size=0,
            epochs=fitted.epochs,
            best_epoch=None,
            history=fitted.history,
            train=fitting.score(fitted, spec, features.take(x, plan.rest), y[plan.rest])[0],
            baseline=diagnosis.baseline(
                spec.task.type, at_steps(spec, y[plan.rest], fitted, features.take(x, plan.rest))
            ),
        )
    assert fitted is not None  # every scheme has at least one fold, fitted or refitted
    class_names = list(dataset.class_names) if dataset.class_names is not None else None
    test = (
        fitting.test_scores(
            fitted.model,
            fitted.preprocessor,
            spec,
            x_test,
            y_test,
            class_names,
            dataset.target_names,
        )
        if score_test
        else None
    )
    results = Results(
        name=spec.name or Path(spec_file).stem,
        task=spec.task.type,
        scheme=spec.validation.type,
        seed=spec.seed,
        folds=folds,
        final=final,
        test=test,
        verdict=diagnosis.judge(spec.task.type, folds),
        class_names=class_names,
        reconstructions=_side_by_side(spec, fitted, x_test) if score_test else None,
        backend=environment.backend(),
        device=environment.device(),
        precision=spec.training.precision,
    )
    return results, fitted


SHOWN = 8  # test images drawn beside their reconstructions


def _side_by_side(
    spec: Spec, fitted: fitting.Fitted, x_test: Features
) -> tuple[np.ndarray, np.ndarray] | None:
    """An image autoencoder's first test inputs (preprocessed) and its reconstructions."""
    if spec.task.row.targets != "inputs" or isinstance(x_test, dict) or x_test.ndim != 4:
        return None
    shown = fitted.preprocessor.transform(x_test[:SHOWN])
    rebuilt = fitted.model.predict(shown, batch_size=spec.training.batch_size, verbose=0)
    return np.asarray(shown), np.asarray(rebuilt)
