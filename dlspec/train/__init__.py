"""Training: validation schemes, fitting, evaluation, prediction and run directories.

    train.run(spec, spec_file, inference) -> Results, with the run directory written

This package's ``__init__`` stays light (``dlspec runs`` lists run directories without Keras);
the modules that fit models import Keras themselves.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlspec.check import Inference
    from dlspec.spec import Spec
    from dlspec.spec.document import SourceMap
    from dlspec.train.fit import Progress
    from dlspec.train.results import Results
    from dlspec.train.resuming import Resume
    from dlspec.train.stopping import Stop

__all__ = ["run"]


def run(
    spec: Spec,
    spec_file: str | Path,
    inference: Inference,
    *,
    source_map: SourceMap | None = None,
    output: str | Path = "runs",
    directory: Path | None = None,
    command: list[str] | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
    stop: Stop | None = None,
    resume: Resume | None = None,
    score_test: bool = True,
) -> Results:
    """Load the data, fit every split and the final model, score the test set, save the run.

    Args:
        spec: The experiment, as ``check.analyse`` returned it.
        spec_file: The spec's file (data paths are relative to it).
        inference: Static analysis of the spec.
        source_map: Locates data errors in the spec file.
        output: The root of run directories (``runs/<name>/<timestamp>/``).
        directory: A run directory ``rundir.start`` made already (default: a new one under
            ``output``, made before the data is loaded).
        command: The command line, recorded in ``environment.json``.
        progress: Where each epoch is reported while fitting.
        now: The run's timestamp (default: now).
        stop: A stop request to honour after each batch (the CLI sets it on SIGINT/SIGTERM).
        resume: An interrupted run (``resuming.read``) to go on with, in its own directory:
            its finished folds are kept, the fit it stopped in goes on from its checkpoint,
            and the run ends with the numbers an uninterrupted run would have.
        score_test: False for a sweep's trial: the test rows are set apart but not scored
            (``Results.test`` is None), so choosing among trials never sees them.

    The run directory is written as training goes: the spec and environment first, the
    history after each fold, the rest at the end, each file atomically; ``status.json`` says
    ``running``, then ``complete``, ``failed`` (with the reason) or ``interrupted``.

    Raises:
        SpecError: the data cannot be loaded or does not fit the spec; DLS412 when the run
            directory cannot be written; DLS414 when a resumed run's data changed, DLS410
            when its checkpoint does not fit its spec.
        Interrupted: ``stop`` was requested; the history and a checkpoint are saved.
    """
    from dlspec.train.experiment import run as run_experiment

    return run_experiment(
        spec,
        spec_file,
        inference,
        source_map=source_map,
        output=Path(output),
        directory=directory,
        command=command,
        progress=progress,
        now=now,
        request=stop,
        resume=resume,
        score_test=score_test,
    )
