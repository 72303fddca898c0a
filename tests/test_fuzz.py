"""Fuzzing the path a spec takes: every example spec, mutated, through each command's stages.

A mutation is what a user's edit (or a stranger's spec) can do to a file: drop a key, put
another value in its place (a boundary number, a layer kind, a word from another section, a
list, a mapping), repeat or drop a list item, add a key. Every outcome must be a success or a
``SpecError`` whose diagnostics are located (a file, a line and a column in it, a known code),
the shape of what the CLI prints with exit 1 or 2. Anything else is a bug: a traceback at the
shell, or an "internal error" behind the boundary.

The loader, lint and summary run on every example; train runs on a tenth of them, through
``dlspec.train.run`` as ``dlspec train`` calls it, until its first epoch ends (a stop is then
requested, as Ctrl-C does). Bounded in CI; ``DLSPEC_FUZZ_EXAMPLES=10000`` runs 10,000
mutated specs (and 1,000 trainings):

    DLSPEC_FUZZ_EXAMPLES=10000 python -m pytest tests/test_fuzz.py -p no:cacheprovider -q

Random YAML (not only mutations) goes through lint in tests/test_properties.py.
"""

from __future__ import annotations

import copy
import math
import os
import signal
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlspec import check
from dlspec.diagnostics import CODES, Diagnostic, SpecError
from dlspec.layers import BY_KIND
from dlspec.report import summary
from dlspec.spec.tasks import TASKS

ROOT = Path(__file__).parents[1]
SPECS = sorted((ROOT / "specs").glob("*.yaml"))
EXAMPLES = int(os.environ.get("DLSPEC_FUZZ_EXAMPLES", "150"))
TRAINED = max(EXAMPLES // 10, 8)

# Specs whose data is at hand offline (no keras: download) and small enough for one epoch.
TRAINABLE = [
    path
    for path in SPECS
    if "keras:" not in path.read_text(encoding="utf-8")
    and path.stem not in ("digits_resnet", "alice_transformer")
]

WORDS = [
    *sorted(BY_KIND), *sorted(TASKS), "sklearn:iris", "sklearn:digits", "synthetic:sine",
    "synthetic:moons", "csv:missing.csv", "text:data/alice.txt", "npz:none.npz",
    "images:nowhere", "keras:mnist", "adam", "sgd", "rmsprop", "adagrad", "kfold", "holdout",
    "time_series", "relu", "softmax", "tanh", "same", "valid", "causal", "mse", "accuracy",
    "int32", "float32", "units", "rate", "patience", "epochs", "", "..", "/etc/passwd",
    "from", "input", "output", "dense_1", "lstm_1", "conv2d_1", "name",
]  # fmt: skip
NUMBERS = [0, 1, 2, 3, -1, 7, 64, 0.5, -0.5, 1e-9, 1e9, 2**31 - 1, 2**31, 2**63, math.inf, math.nan]

scalars = (
    st.none()
    | st.booleans()
    | st.sampled_from(NUMBERS)
    | st.integers(-5, 300)
    | st.sampled_from(WORDS)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(WORDS), inner, max_size=3)
    ),
    max_leaves=6,
)
OPERATIONS = ("replace", "similar", "similar", "drop", "repeat", "add key", "kind")


def _at(tree: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def _like(value: Any) -> st.SearchStrategy[Any]:
    """Values of ``value``'s type: numbers near the edges, other words, shorter lists."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.sampled_from([n for n in NUMBERS if isinstance(n, int)]) | st.integers(0, 70)
    if isinstance(value, float):
        return st.sampled_from([n for n in NUMBERS if isinstance(n, float)]) | st.floats(0, 1)
    if isinstance(value, str):
        return st.sampled_from(WORDS)
    if isinstance(value, list):
        return st.lists(st.sampled_from(value) if value else scalars, max_size=len(value) + 1)
    return values


def paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a YAML tree: the root's children and all below them."""
    found = []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in items:
        found.append((*at, key))
        found.extend(paths(child, (*at, key)))
    return found


def mutate(tree: Any, path: tuple[Any, ...], operation: str, value: Any) -> None:
    """Apply one mutation at ``path`` (whose parent exists) of ``tree``, in place."""
    parent = tree
    for key in path[:-1]:
        parent = parent[key]
    key = path[-1]
    if operation == "drop":
        del parent[key]
    elif operation == "repeat" and isinstance(parent, list):
        parent.insert(key, copy.deepcopy(parent[key]))
    elif operation == "add key" and isinstance(parent[key], dict):
        parent[key][value if isinstance(value, str) else "extra"] = value
    elif operation == "kind" and isinstance(parent[key], dict) and len(parent[key]) == 1:
        kind = value if isinstance(value, str) else "dense"
        parent[key] = {kind: next(iter(parent[key].values()))}  # another kind, same arguments
    else:
        parent[key] = value


@st.composite
def mutated(
    draw: st.DrawFn, specs: list[Path], operations: tuple[str, ...] = OPERATIONS, most: int = 3
) -> tuple[Path, str]:
    """One example spec with one to ``most`` mutations, as YAML text."""
    path = draw(st.sampled_from(specs))
    tree = yaml.safe_load(path.read_text(encoding="utf-8"))
    for _ in range(draw(st.integers(1, most))):
        places = paths(tree)
        if not places:
            break
        place = draw(st.sampled_from(places))
        operation = draw(st.sampled_from(operations))
        if operation == "similar":  # a value of the same type, which parsing lets through
            operation, value = "replace", draw(_like(_at(tree, place)))
        else:
            value = draw(values | st.sampled_from(sorted(BY_KIND)))
        mutate(tree, place, operation, value)
    return path, yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)


def write(folder: Path, text: str) -> Path:
    """The mutated spec beside a copy of the data the examples read (specs/data)."""
    data = folder / "data"
    if not data.exists():
        data.mkdir()
        for file in (ROOT / "specs" / "data").iterdir():
            (data / file.name).write_bytes(file.read_bytes())
    spec_file = folder / "spec.yaml"
    spec_file.write_text(text, encoding="utf-8")
    return spec_file


def assert_located(error: SpecError, spec_file: Path) -> None:
    """What the CLI prints for exit 1 or 2: known codes at real places, with a message."""
    assert error.diagnostics
    for d in error.diagnostics:
        assert d.code in CODES and d.message, d
        assert d.span.line >= 1 and d.span.col >= 1, d
        assert d.span.file in (str(spec_file), "--set") or Path(d.span.file).exists(), d


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@SETTINGS
@given(example=mutated(SPECS))
def test_mutated_specs_load_lint_and_summarise_or_say_where(
    folder: Path, example: tuple[Path, str]
) -> None:
    spec_file = write(folder, example[1])
    found: list[Diagnostic] = check.lint(spec_file)
    assert all(d.code in CODES and d.span.line >= 1 and d.span.col >= 1 for d in found)
    try:
        parsed, _, inference = check.analyse(spec_file)
    except SpecError as error:
        assert_located(error, spec_file)
        assert any(d.severity.value == "error" for d in found)  # lint said so too
        return
    assert summary.table(inference, parsed.name) is not None
    assert isinstance(summary.to_json(inference, None), dict)


class _FirstEpoch:
    """Progress that asks the run to stop once its first epoch ends, as Ctrl-C would."""

    def __init__(self, request: Any) -> None:
        self.request = request

    def start(self, label: str, epochs: int) -> None:
        pass

    def epoch(self, epoch: int, logs: dict[str, float]) -> None:
        self.request.signal = signal.SIGINT

    def stop(self) -> None:
        pass


@pytest.fixture(scope="module")
def trainer() -> Any:
    """The train path's module, imported (with Keras) before Hypothesis starts its examples."""
    from dlspec.train import experiment

    return experiment


TRAINING = {"trained": 0, "refused": 0}  # what the examples came to, printed with -s


@pytest.mark.keras
@settings(SETTINGS, max_examples=TRAINED)
@given(example=mutated(TRAINABLE, ("similar",) * 6 + ("drop", "repeat", "kind"), most=2))
def test_mutated_specs_train_to_the_first_epoch_or_say_where(
    folder: Path, trainer: Any, example: tuple[Path, str]
) -> None:
    from dlspec.train.stopping import Interrupted, Stop

    spec_file = write(folder, example[1])
    request = Stop()
    try:
        parsed, source_map, inference = check.analyse(spec_file)
        trainer.run(
            parsed,
            spec_file,
            inference,
            source_map=source_map,
            output=folder / "runs",
            directory=None,
            command=["dlspec", "train", str(spec_file)],
            progress=_FirstEpoch(request),
            now=None,
            request=request,
        )
    except SpecError as error:
        assert_located(error, spec_file)
        TRAINING["refused"] += 1
    except Interrupted:
        TRAINING["trained"] += 1  # the first epoch ended: everything before it worked
    else:
        TRAINING["trained"] += 1  # one epoch was the whole run (a holdout of 'epochs: 1')


def teardown_module() -> None:
    if any(TRAINING.values()):
        print(
            f"\nfuzzed training: {TRAINING['trained']} reached the first epoch's end, "
            f"{TRAINING['refused']} were refused with located errors"
        )
