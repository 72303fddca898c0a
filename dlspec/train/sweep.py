"""``dlspec sweep``: a hyperparameter search over a spec's ``search:`` space, on Optuna.

Every trial is the spec with each path of the space set to the value Optuna's sampler drew:
linted like any spec, then trained as a normal run folder under the sweep's folder, with the
test rows set apart but never scored. The study is optimised on a validation score (the mean
over the folds); only when the trials are done is the best trial's model scored on the test
rows, once. Optuna keeps the study in a SQLite file in the sweep's folder, or in any RDB
storage (``--storage``), so several machines can work on one study and ``--resume`` goes on
with one.

    run(spec, spec_file, ...) -> Sweep (trials, best trial, its test scores)

Optuna is an optional dependency (``pip install 'dlspec[sweep]'``), imported here only.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dlspec.check import search as space
from dlspec.diagnostics import Span, SpecError, make
from dlspec.spec.search import Choice, FloatRange, IntRange
from dlspec.train import files, rundir
from dlspec.train.results import Scores

if TYPE_CHECKING:
    from dlspec.spec import Spec
    from dlspec.train.fit import Progress
    from dlspec.train.stopping import Stop

STUDY = "study.db"  # the default storage, in the sweep's folder
TRIALS = "trials"  # the trials' run folders
BEST = "best.yaml"
SUMMARY = "sweep.json"
HISTORY = "optimization_history.png"
IMPORTANCES = "param_importances.png"


@dataclass
class Trial:
    """One trial of the study as the report shows it."""

    number: int
    state: str  # complete, pruned, failed, running
    value: float | None
    params: dict[str, Any]
    run_dir: str | None
    note: str | None = None  # why it failed or was pruned


@dataclass
class Sweep:
    """What a sweep found: every trial, the best one and its test scores."""

    directory: Path
    name: str
    task: str
    metric: str
    direction: str
    storage: str
    trials: list[Trial]
    best: Trial
    test: Scores | None  # None where the best trial's run is on another machine
    class_names: list[str] | None = None
    notes: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # the files in ``directory``, by name

    def to_json(self) -> dict[str, Any]:
        """``sweep.json`` and ``dlspec sweep --json``."""
        return {
            "sweep_dir": str(self.directory),
            "name": self.name,
            "objective": {"metric": self.metric, "direction": self.direction},
            "storage": self.storage,
            "best": {
                **asdict(self.best),
                "spec": str(self.directory / BEST),
                "test": dict(self.test.metrics) if self.test else None,
            },
            "trials": [asdict(trial) for trial in self.trials],
            "notes": self.notes,
        }


def require() -> Any:
    """The optuna module, or DLS421 with the command that installs it."""
    try:
        import optuna
    except ImportError:
        raise SpecError(
            [
                make(
                    "DLS421",
                    "dlspec sweep needs Optuna, which is not installed",
                    Span.point("dlspec sweep"),
                    "pip install 'dlspec[sweep]'",
                )
            ]
        ) from None
    optuna.logging.set_verbosity(logging.ERROR)  # the report says what each trial did
    return optuna


def setting(path: str, value: Any) -> str:
    """The ``--set`` override that gives ``path`` the value (JSON is YAML)."""
    return f"{path}={json.dumps(value)}"


def _suggest(trial: Any, path: str, dimension: FloatRange | IntRange | Choice) -> Any:
    if isinstance(dimension, FloatRange):
        low, high = dimension.bounds
        return trial.suggest_float(path, low, high, log=dimension.log, step=dimension.step)
    if isinstance(dimension, IntRange):
        low, high = dimension.bounds
        return trial.suggest_int(path, low, high, log=dimension.log, step=dimension.step)
    return trial.suggest_categorical(path, dimension.choice)


class _Pruning:
    """Progress that reports each validated epoch's score to the trial, and prunes it."""

    def __init__(self, inner: Progress | None, trial: Any, key: str, optuna: Any) -> None:
        self.inner, self.trial, self.key, self.optuna = inner, trial, key, optuna
        self.step, self.label = 0, ""

    def start(self, label: str, epochs: int) -> None:
        self.label = label
        if self.inner is not None:
            self.inner.start(f"trial {self.trial.number} {label}", epochs)

    def epoch(self, epoch: int, logs: dict[str, float]) -> None:
        if self.inner is not None:
            self.inner.epoch(epoch, logs)
        if self.label == "final" or self.key not in logs:
            return  # the refit has no validation rows; the score is not tracked per epoch
        value = float(logs[self.key])
        self.trial.report(value, self.step)
        self.step += 1
        if self.trial.should_prune():
            raise self.optuna.TrialPruned(
                f"pruned after epoch {epoch + 1} of {self.label}: {self.key} {value:.4g}"
            )

    def stop(self) -> None:
        if self.inner is not None:
            self.inner.stop()


def folder(output: str | Path, spec: Spec) -> Path:
    """The sweep's folder: ``OUTPUT/NAME``."""
    return Path(output) / str(spec.name)


def run(
    spec: Spec,
    spec_file: str | Path,
    *,
    overrides: list[str],
    output: str | Path,
    storage: str | None = None,
    trials: int | None = None,
    resume: bool = False,
    progress: Progress | None = None,
    stop: Stop | None = None,
    command: list[str] | None = None,
) -> Sweep:
    """Run the study of ``spec.search`` to ``trials`` trials in all; score the best on test.

    Raises:
        SpecError: Optuna is missing (DLS421); the study exists and ``resume`` is not set, or
            is set with no study to go on with (DLS422); no trial completed (DLS423); the
            folder cannot be written (DLS412).
        Interrupted: a stop was requested; the trials done are kept in the study.
    """
    optuna = require()
    assert spec.search is not None and spec.name is not None
    search = spec.search
    metric, direction = space.objective(spec)
    directory = folder(output, spec)
    where = storage or f"sqlite:///{(directory / STUDY).resolve()}"
    exists = _exists(optuna, where, spec.name, directory if storage is None else None)
    if exists != resume:
        raise _clash(spec.name, storage or str(directory), exists)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise files.unwritable(directory, error, "create the folder") from None
    study = optuna.create_study(
        storage=where,
        study_name=spec.name,
        direction=direction,
        sampler=_sampler(optuna, search.sampler, spec.seed),
        pruner=_pruner(optuna, search),
        load_if_exists=resume,
    )
    total = trials or search.trials
    objective = _Objective(optuna, spec, spec_file, overrides, directory, progress, stop, command)
    finished = sum(trial.state.is_finished() for trial in study.trials)
    if total > finished:
        study.optimize(
            objective,
            n_trials=total - finished,
            catch=(SpecError,),
            callbacks=[optuna.study.MaxTrialsCallback(total, states=None)],
        )
    return _summary(optuna, study, spec, spec_file, overrides, directory, where)


def _exists(optuna: Any, where: str, name: str, directory: Path | None) -> bool:
    if directory is not None and not (directory / STUDY).exists():
        return False  # asking would create the SQLite file
    return name in optuna.study.get_all_study_names(storage=where)


def _clash(name: str, where: str, exists: bool) -> SpecError:
    if exists:
        message = f"a sweep of '{name}' is already in {where}"
        hint = "--resume goes on with it; --output DIR starts another elsewhere"
    else:
        message = f"--resume: no sweep of '{name}' in {where} to go on with"
        hint = "leave out --resume to start it"
    return SpecError([make("DLS422", message, Span.point(where), hint)])


def _sampler(optuna: Any, kind: str, seed: int) -> Any:
    if kind == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    return optuna.samplers.TPESampler(seed=seed)


def _pruner(optuna: Any, search: Any) -> Any:
    pruner = search.pruner
    if pruner.type == "median":
        return optuna.pruners.MedianPruner(
            n_startup_trials=pruner.startup_trials, n_warmup_steps=pruner.warmup_epochs
        )
    return optuna.pruners.NopPruner()


class _Objective:
    """One trial: the spec with the drawn values, linted, trained, its validation score."""

    def __init__(
        self,
        optuna: Any,
        spec: Spec,
        spec_file: str | Path,
        overrides: list[str],
        directory: Path,
        progress: Progress | None,
        stop: Stop | None,
        command: list[str] | None,
    ) -> None:
        assert spec.search is not None and spec.name is not None
        self.optuna, self.command = optuna, command
        self.search, self.name, self.metric = spec.search, spec.name, space.objective(spec)[0]
        self.spec_file, self.overrides, self.directory = spec_file, overrides, directory
        self.progress, self.stop = progress, stop

    def __call__(self, trial: Any) -> float:
        from dlspec import check
        from dlspec import train as training

        values = {path: _suggest(trial, path, d) for path, d in self.search.space.items()}
        settings = trial_settings(self.overrides, self.name, trial.number, values)
        directory = None
        try:
            spec, source_map, inference = check.analyse(self.spec_file, settings)
            directory = rundir.start(self.directory / TRIALS, spec, self.spec_file)
            trial.set_user_attr("run", str(directory))
            results = training.run(
                spec,
                self.spec_file,
                inference,
                source_map=source_map,
                directory=directory,
                command=self.command,
                progress=_Pruning(self.progress, trial, f"val_{self.metric}", self.optuna),
                stop=self.stop,
                score_test=False,
            )
        except SpecError as error:
            trial.set_user_attr("note", error.diagnostics[0].message)
            raise
        except self.optuna.TrialPruned as pruned:
            trial.set_user_attr("note", str(pruned))
            if directory is not None:
                rundir.mark(directory, rundir.PRUNED, str(pruned))
            raise
        return float(results.validation_summary()[self.metric]["mean"])


def trial_settings(
    overrides: list[str], name: str, number: int, values: dict[str, Any]
) -> list[str]:
    """The ``--set`` overrides that make trial ``number``: a plain spec named for the trial."""
    named = setting("name", f"{name}-trial-{number:03d}")
    return [*overrides, setting("search", None), named] + [
        setting(path, value) for path, value in values.items()
    ]


def _summary(
    optuna: Any,
    study: Any,
    spec: Spec,
    spec_file: str | Path,
    overrides: list[str],
    directory: Path,
    where: str,
) -> Sweep:
    """Every trial, the best one's spec written out and its test scores; the plots."""
    from dlspec import check
    from dlspec.report.plots import study_plots

    metric, direction = space.objective(spec)
    states = optuna.trial.TrialState
    shown = {states.COMPLETE: "complete", states.PRUNED: "pruned", states.FAIL: "failed"}
    rows = [
        Trial(
            number=t.number,
            state=shown.get(t.state, t.state.name.lower()),
            value=t.value if t.state == states.COMPLETE else None,  # a pruned one's: partial
            params=dict(t.params),
            run_dir=t.user_attrs.get("run"),
            note=t.user_attrs.get("note"),
        )
        for t in study.trials
    ]
    if not any(t.state == states.COMPLETE for t in study.trials):
        raise SpecError(
            [
                make(
                    "DLS423",
                    f"no trial of the sweep '{spec.name}' completed",
                    Span.point(str(directory)),
                    "the trials' notes say why each failed or was pruned",
                )
            ]
        )
    best = next(row for row in rows if row.number == study.best_trial.number)
    assert spec.search is not None and spec.name is not None
    # best.yaml: the best trial's spec, resolved, under the sweep's own name and without search
    settings = trial_settings(overrides, spec.name, best.number, best.params)
    chosen = check.analyse(spec_file, settings)[0].model_copy(update={"name": spec.name})
    text = rundir.spec_text(chosen, spec_file)
    header = (
        f"# the best trial ({best.number}) of the sweep in {directory}: validation {metric} "
        f"{best.value:.4g}\n"
    )
    files.write_text(directory / BEST, header + text)
    sweep = Sweep(directory, spec.name, spec.task.type, metric, direction, where, rows, best, None)
    if best.run_dir is not None and Path(best.run_dir).is_dir():
        from dlspec.train.evaluate import evaluate

        scored = evaluate(best.run_dir)  # the test set, once, for the best trial only
        sweep.test, sweep.class_names = scored.test, scored.class_names
        sweep.notes += scored.notes
    else:
        sweep.notes.append(
            f"the best trial's run ({best.run_dir}) is not on this machine: its test scores "
            "are for 'dlspec evaluate' where it is"
        )
    sweep.notes += study_plots(
        optuna, study, {HISTORY: "history", IMPORTANCES: "importances"}, directory
    )
    files.write_text(directory / SUMMARY, json.dumps(sweep.to_json(), indent=2) + "\n")
    made = (BEST, SUMMARY, HISTORY, IMPORTANCES)
    sweep.written = [name for name in made if (directory / name).exists()]
    return sweep
