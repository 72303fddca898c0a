"""Properties of the light side: lint never raises on any YAML; dump-then-parse is the identity.

(The layer-kind properties, static shapes against Keras, live in tests/layers/.)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlspec import check, spec
from dlspec.diagnostics import Diagnostic
from dlspec.layers import BY_KIND
from dlspec.sources import SOURCES
from dlspec.spec import document
from dlspec.spec.tasks import TASKS

SPECS = Path(__file__).parent.parent / "specs"

SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# -- lint on arbitrary YAML --------------------------------------------------------------------

WORDS = [
    *BY_KIND,
    *TASKS,
    *(f"{scheme}:{name}" for scheme, s in SOURCES.items() for name in s.datasets or ("x.csv",)),
    "task", "model", "layers", "input", "shape", "dtype", "int32", "data", "source", "training",
    "epochs", "early_stopping", "patience", "validation", "kfold", "holdout", "time_series",
    "folds", "optimizer", "adam", "sgd", "type", "units", "rate", "filters", "kernel_size",
    "padding", "same", "valid", "strides", "pool_size", "activation", "relu", "softmax",
    "return_sequences", "num_heads", "ff_dim", "key_dim", "output_dim", "input_dim",
    "target_shape", "max_length", "layer", "projection", "name", "extends", "dlspec", "seed",
    "classes", "outputs", "vocabulary", "loss", "mse", "metrics", "accuracy", "shuffle",
    "stratify", "test_size", "window", "length", "schedule", "sequence_length", "max_tokens",
]  # fmt: skip

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-3, max_value=300)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from(WORDS)
    | st.text(max_size=6)
)
keys = st.sampled_from(WORDS) | st.text(max_size=6)
structures = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=30,
)


def layer_items() -> st.SearchStrategy[Any]:
    """Layer items close to valid: a kind with a main value, arguments or nothing."""
    args = st.dictionaries(st.sampled_from(WORDS), scalars | st.lists(scalars, max_size=3))
    value = st.none() | scalars | args | st.lists(st.integers(-1, 40), max_size=3)
    return st.sampled_from(sorted(BY_KIND)).flatmap(
        lambda kind: st.fixed_dictionaries({kind: value}) | st.just(kind)
    )


residuals = st.lists(layer_items(), max_size=3).map(lambda body: {"residual": body})
specs_near_valid = st.fixed_dictionaries(
    {
        "task": st.sampled_from(sorted(TASKS)) | structures,
        "model": st.fixed_dictionaries(
            {"layers": st.lists(layer_items() | residuals, max_size=5)},
            optional={
                "input": st.lists(st.integers(-1, 40) | st.none(), max_size=4)
                | st.fixed_dictionaries(
                    {"shape": st.lists(st.integers(1, 40), min_size=1, max_size=3)},
                    optional={"dtype": st.sampled_from(["int32", "float32"])},
                )
            },
        ),
    },
    optional={
        "data": st.fixed_dictionaries(
            {"source": st.sampled_from(WORDS)}, optional={"window": structures}
        ),
        "training": structures,
        "validation": st.sampled_from(["kfold", "holdout", "time_series"]) | structures,
        "optimizer": st.sampled_from(["adam", "sgd"]) | structures,
    },
)


@pytest.fixture(scope="module")
def spec_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("props") / "spec.yaml"


def lint_text(path: Path, text: str) -> list[Diagnostic]:
    path.write_text(text, encoding="utf-8")
    found = check.lint(path)
    assert isinstance(found, list)
    assert all(isinstance(d, Diagnostic) for d in found)
    assert all(d.span.line >= 1 and d.span.col >= 1 for d in found)
    return found


@SETTINGS
@given(text=st.text(max_size=200))
def test_lint_never_raises_on_any_text(spec_file: Path, text: str) -> None:
    lint_text(spec_file, text)


@SETTINGS
@given(text=st.text(alphabet=":-[]{}!&*<>|#'\"\t\n ,.?01az", max_size=120))
def test_lint_never_raises_on_yaml_punctuation(spec_file: Path, text: str) -> None:
    lint_text(spec_file, text)


@SETTINGS
@given(data=structures)
def test_lint_never_raises_on_any_structure(spec_file: Path, data: Any) -> None:
    lint_text(spec_file, yaml.safe_dump(data))


@SETTINGS
@given(data=specs_near_valid)
def test_lint_never_raises_on_near_valid_specs(spec_file: Path, data: Any) -> None:
    lint_text(spec_file, yaml.safe_dump(data, sort_keys=False))


# -- dump then load / parse -----------------------------------------------------------------


# PyYAML folds line-break characters such as U+0085 in quoted scalars: not a spec's business.
printable = st.text(st.characters(exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=8)
plain = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | printable
    | st.sampled_from(["1e5", "-2E-3", "0e0", "<<", "yes", "null", "~", "0x1f", "1_000", ".inf"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(printable, inner),
    max_leaves=20,
)


@SETTINGS
@given(data=plain)
def test_dump_then_load_any_structure(data: Any) -> None:
    doc = document.load(document.dump(data), "dumped.yaml")
    assert doc.diagnostics == []
    assert doc.data == data


def one_key_layers(data: Any) -> Any:
    """``{"kind": "dense", "units": 8}`` back to the YAML form ``{"dense": {"units": 8}}``."""
    if isinstance(data, list):
        return [one_key_layers(item) for item in data]
    if not isinstance(data, dict):
        return data
    data = {key: one_key_layers(value) for key, value in data.items()}
    if isinstance(data.get("kind"), str) and data["kind"] in BY_KIND:
        kind = data.pop("kind")
        return {kind: data}
    return data


def dump(parsed: spec.Spec) -> str:
    return document.dump(one_key_layers(parsed.model_dump(mode="json", exclude_none=True)))


def reparse(text: str) -> spec.Spec:
    parsed, _ = spec.parse(document.load(text, "dumped.yaml"))
    return parsed


@pytest.mark.parametrize("path", sorted(SPECS.glob("*.yaml")), ids=lambda p: p.stem)
def test_dump_then_parse_example_specs(path: Path) -> None:
    parsed, _ = spec.load(path)
    assert reparse(dump(parsed)) == parsed


positive = st.integers(min_value=1, max_value=64)
rates = st.floats(min_value=0, max_value=0.99, allow_nan=False)
valid_layers = st.one_of(
    st.builds(
        lambda u, a: {"dense": {"units": u, "activation": a}},
        positive,
        st.sampled_from(["relu", "tanh", "linear"]),
    ),
    st.builds(lambda r: {"dropout": r}, rates),
    st.just("flatten"),
    st.just("batch_normalization"),
    st.builds(lambda u, s: {"lstm": {"units": u, "return_sequences": s}}, positive, st.booleans()),
    st.builds(lambda u: {"residual": [{"dense": u}]}, positive),
    st.builds(
        lambda u, m: {"bidirectional": {"layer": {"gru": u}, "merge_mode": m}},
        positive,
        st.sampled_from(["concat", "sum", "mul", "ave"]),
    ),
    st.builds(
        lambda n, f: {"transformer_block": {"num_heads": n, "ff_dim": f}}, positive, positive
    ),
    st.builds(
        lambda t: {"reshape": t},
        st.lists(st.sampled_from([-1, 2, 4]), min_size=1, max_size=3).filter(
            lambda t: t.count(-1) <= 1
        ),
    ),
)
valid_specs = st.fixed_dictionaries(
    {
        "task": st.sampled_from(["binary", "multiclass", "regression"]),
        "model": st.fixed_dictionaries(
            {"input": st.lists(positive, min_size=1, max_size=3), "layers": st.lists(valid_layers)}
        ),
    },
    optional={
        "seed": st.integers(0, 2**31),
        "description": printable,
        "optimizer": st.sampled_from(["adam", "sgd", "rmsprop", "adagrad", "adamw"])
        | st.builds(
            lambda lr: {"type": "sgd", "learning_rate": lr, "momentum": 0.5},
            st.floats(min_value=1e-6, max_value=1.0),
        ),
        "training": st.fixed_dictionaries(
            {}, optional={"epochs": positive, "early_stopping": positive, "shuffle": st.booleans()}
        ),
        "validation": st.sampled_from(["holdout", "kfold", "time_series"]),
    },
)


@SETTINGS
@given(data=valid_specs)
def test_dump_then_parse_generated_specs(data: dict[str, Any]) -> None:
    parsed = reparse(document.dump(data))
    again = reparse(dump(parsed))
    assert again == parsed


def test_one_key_layers_round_trip_of_nested_blocks() -> None:
    text = (
        "task: binary\nmodel:\n  input: [4, 3]\n  layers:\n"
        "    - bidirectional: {layer: {lstm: {units: 4, name: inner}}, name: outer}\n"
        "    - residual: {layers: [{dense: 8}, {residual: [dropout: 0.5]}], activation: relu}\n"
    )
    parsed = reparse(text)
    assert reparse(dump(parsed)) == parsed


def test_floats_round_trip() -> None:
    parsed = reparse("task: binary\nmodel: {input: [2]}\noptimizer: {type: adam, epsilon: 1e-7}\n")
    assert parsed.optimizer.epsilon == 1e-7
    assert reparse(dump(parsed)) == parsed
