"""A model whose training cannot fit in memory is refused before anything is built."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from dlspec import check
from dlspec.train import memory

HUGE = """\
task: multiclass
data: {source: sklearn:iris}
model: {layers: [dense: 100000, dense: 100000]}
"""


def test_ten_billion_parameters_are_refused_at_the_model_before_a_run_folder(shell, tmp_path):
    (tmp_path / "huge.yaml").write_text(HUGE)
    done = shell("train", "huge.yaml", "--output", "runs")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "huge.yaml:3:8: error[DLS415]: training 10,000,900,003 parameters needs at least" in (
        done.stderr
    )
    assert "this machine has" in done.stderr and "shrink the model" in done.stderr
    assert not (tmp_path / "runs").exists()


OPTIMIZERS = [
    "sgd",
    "{type: sgd, momentum: 0.9}",
    "adagrad",
    "rmsprop",
    "{type: rmsprop, momentum: 0.9, centered: true}",
    "adam",
    "adamw",
]


@pytest.mark.keras
@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_the_optimizer_slots_are_the_variables_keras_makes(tmp_path: Path, optimizer: str) -> None:
    from dlspec import compiler

    path = tmp_path / "spec.yaml"
    path.write_text(
        "task: multiclass\ndata: {source: sklearn:iris}\n"
        f"model: {{layers: [dense: 8]}}\noptimizer: {optimizer}\n"
    )
    spec, _, inference = check.analyse(path)
    model = compiler.from_file(path)
    model.optimizer.build(model.trainable_variables)
    # Keras's own scalars (the step count, the learning rate) aside, every slot is a weight's size.
    slots = sum(math.prod(v.shape) for v in model.optimizer.variables if len(v.shape) > 0)
    assert slots == memory.optimizer_slots(spec) * inference.params.trainable
    assert memory.needed(spec, inference) == 4 * (
        inference.params.total + inference.params.trainable * (1 + memory.optimizer_slots(spec))
    )
