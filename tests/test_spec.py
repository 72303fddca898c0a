"""dlspec.spec: extends, --set overrides, shorthand forms, defaults, and the parse errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlspec import check, spec
from dlspec.diagnostics import Diagnostic, SpecError
from dlspec.layers import DenseSpec, DropoutSpec, FlattenSpec
from dlspec.spec.optimizers import AdamSpec
from dlspec.spec.sections import EarlyStoppingSpec, HoldoutSpec, InputSpec, KFoldSpec
from dlspec.spec.tasks import BinaryTask

SPECS = Path(__file__).parent.parent / "specs"

MINIMAL = "task: binary\nmodel:\n  input: [4]\n  layers:\n    - dense: 8\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def errors(path: Path, overrides: tuple[str, ...] = ()) -> list[Diagnostic]:
    with pytest.raises(SpecError) as caught:
        spec.load(path, overrides)
    return caught.value.diagnostics


def where(d: Diagnostic) -> tuple[str, str, int, int]:
    return d.code, Path(d.span.file).name, d.span.line, d.span.col


# -- extends -----------------------------------------------------------------------------------


def test_extends_relative_to_the_child(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "seed: 7\ndescription: from the base\n")
    child = write(tmp_path, "child.yaml", "extends: base.yaml\n" + MINIMAL)
    parsed, _ = spec.load(child)
    assert parsed.seed == 7
    assert parsed.description == "from the base"
    assert parsed.extends is None  # resolved: the stored spec stands alone


def test_extends_base_in_a_subfolder_extending_its_own_neighbour(tmp_path: Path) -> None:
    write(tmp_path, "bases/common.yaml", "seed: 3\n")
    write(tmp_path, "bases/mlp.yaml", "extends: common.yaml\ndescription: mlp\n")
    child = write(tmp_path, "exp/child.yaml", "extends: ../bases/mlp.yaml\n" + MINIMAL)
    parsed, _ = spec.load(child)
    assert (parsed.seed, parsed.description) == (3, "mlp")


def test_a_child_that_changes_a_choices_type_replaces_the_base_mapping(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "optimizer: {type: adam, beta_1: 0.8, learning_rate: 0.01}\n")
    child = write(
        tmp_path, "child.yaml", "extends: base.yaml\noptimizer: {type: sgd, momentum: 0.9}\n"
        + MINIMAL,
    )  # fmt: skip
    parsed, source_map = spec.load(child)
    assert parsed.optimizer.type == "sgd" and parsed.optimizer.momentum == 0.9
    assert Path(source_map.locate(("optimizer",)).file).name == "child.yaml"
    # The same type merges argument by argument, as before.
    same = write(tmp_path, "same.yaml", "extends: base.yaml\noptimizer: {type: adam}\n" + MINIMAL)
    assert spec.load(same)[0].optimizer.beta_1 == 0.8
    tuned = write(
        tmp_path, "tuned.yaml", "extends: base.yaml\noptimizer: {beta_2: 0.9}\n" + MINIMAL
    )
    assert (spec.load(tuned)[0].optimizer.beta_1, spec.load(tuned)[0].optimizer.beta_2) == (
        0.8,
        0.9,
    )


def test_a_data_path_written_in_a_base_is_beside_the_base(tmp_path: Path) -> None:
    write(tmp_path, "bases/data/t.csv", "x,y\n1,2\n")
    write(tmp_path, "bases/base.yaml", "data: {source: 'csv:data/t.csv', target: y}\n")
    write(tmp_path, "bases/deeper.yaml", "extends: base.yaml\n")
    child = write(tmp_path, "exp/child.yaml", "extends: ../bases/deeper.yaml\n" + MINIMAL)
    parsed, _ = spec.load(child)
    assert parsed.data.source == "csv:../bases/data/t.csv"
    assert parsed.data.path(child).resolve() == (tmp_path / "bases/data/t.csv").resolve()
    text = "extends: ../bases/base.yaml\ndata: {source: 'csv:x.csv'}\n" + MINIMAL
    own = write(tmp_path, "exp/own.yaml", text)
    assert spec.load(own)[0].data.source == "csv:x.csv"  # the child's own path stays its own


def test_extends_a_list_of_bases_later_wins(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "seed: 1\ndescription: a\n")
    write(tmp_path, "b.yaml", "seed: 2\n")
    child = write(tmp_path, "child.yaml", "extends: [a.yaml, b.yaml]\n" + MINIMAL)
    parsed, _ = spec.load(child)
    assert (parsed.seed, parsed.description) == (2, "a")


def test_child_overrides_base(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "seed: 1\n" + MINIMAL)
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nseed: 9\n")
    parsed, _ = spec.load(child)
    assert parsed.seed == 9
    assert parsed.model.layers == [DenseSpec(kind="dense", units=8)]


def test_nested_mappings_merge_key_by_key(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", MINIMAL + "training: {epochs: 50, batch_size: 8}\n")
    child = write(tmp_path, "child.yaml", "extends: base.yaml\ntraining: {epochs: 5}\n")
    parsed, _ = spec.load(child)
    assert (parsed.training.epochs, parsed.training.batch_size) == (5, 8)


def test_lists_replace(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", MINIMAL.replace("- dense: 8", "- dense: 8\n    - dropout: 0.1"))
    child = write(tmp_path, "child.yaml", "extends: base.yaml\nmodel:\n  layers:\n    - dense: 3\n")
    parsed, source_map = spec.load(child)
    assert parsed.model.layers == [DenseSpec(kind="dense", units=3)]
    assert parsed.model.input == InputSpec(shape=[4])  # merged from the base's model
    # No span survives from the base's longer list.
    assert ("model", "layers", 1) not in source_map.doc.spans


def test_spans_of_inherited_values_point_into_the_base(tmp_path: Path) -> None:
    write(tmp_path, "bases/base.yaml", "seed: 1\ntraining:\n  epochs: 0\n")
    child = write(tmp_path, "child.yaml", "extends: bases/base.yaml\n" + MINIMAL)
    (d,) = errors(child)
    assert d.code == "DLS205"
    assert d.span.file == str(tmp_path / "bases" / "base.yaml")
    assert (d.span.line, d.span.col) == (3, 11)


def test_spans_of_overridden_values_point_into_the_child(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "training:\n  epochs: 5\n")
    child = write(
        tmp_path, "child.yaml", "extends: base.yaml\n" + MINIMAL + "training:\n  epochs: -1\n"
    )
    (d,) = errors(child)
    assert where(d) == ("DLS205", "child.yaml", 8, 11)


def test_base_file_names_stay_relative(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "bases/base.yaml", "seed: -1\n")
    write(tmp_path, "child.yaml", "extends: bases/base.yaml\n" + MINIMAL)
    (d,) = errors(Path("child.yaml"))
    assert d.span.file == str(Path("bases/base.yaml"))


def test_extends_cycle_of_two(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "extends: b.yaml\n" + MINIMAL)
    write(tmp_path, "b.yaml", "extends: a.yaml\nseed: 1\n")
    (d,) = errors(tmp_path / "a.yaml")
    assert where(d) == ("DLS106", "b.yaml", 1, 10)
    assert d.message == "'extends' makes a cycle: a.yaml -> b.yaml -> a.yaml"


def test_extends_itself(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "extends: a.yaml\n" + MINIMAL)
    (d,) = errors(path)
    assert where(d) == ("DLS106", "a.yaml", 1, 10)


def test_extends_missing_file(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "extends: [nope.yaml]\n" + MINIMAL)
    (d,) = errors(path)
    assert where(d) == ("DLS107", "a.yaml", 1, 11)
    assert d.message == "cannot extend 'nope.yaml': no such file"


def test_extends_a_base_that_is_not_a_mapping(tmp_path: Path) -> None:
    write(tmp_path, "list.yaml", "- seed: 1\n")
    path = write(tmp_path, "a.yaml", "extends: list.yaml\n" + MINIMAL)
    (d,) = errors(path)
    assert where(d) == ("DLS105", "a.yaml", 1, 10)
    assert "got a list" in d.message


def test_extends_a_base_with_a_syntax_error(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "seed: [1\n")
    path = write(tmp_path, "a.yaml", "extends: base.yaml\n" + MINIMAL)
    (d,) = errors(path)
    assert (d.code, Path(d.span.file).name) == ("DLS101", "base.yaml")


def test_extends_of_the_wrong_type(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "extends: [3]\n" + MINIMAL)
    (d,) = errors(path)
    assert where(d) == ("DLS204", "a.yaml", 1, 11)
    assert d.message == "expected a string, got 3"


# -- --set overrides ---------------------------------------------------------------------------


def test_set_applies_with_spans_pointing_to_set() -> None:
    path = SPECS / "iris_mlp.yaml"
    parsed, source_map = spec.load(path, ["training.epochs=5"])
    assert parsed.training.epochs == 5
    assert source_map.locate(("training", "epochs")).file == "--set"
    assert source_map.locate(("training", "batch_size")).file == str(path)


def test_set_error_points_at_the_value() -> None:
    (d,) = errors(SPECS / "iris_mlp.yaml", ("training.epochs=0",))
    assert (d.code, d.span.file, d.span.line, d.span.col) == ("DLS205", "--set", 1, 17)
    assert d.span.end_col == 18


def test_set_unknown_key_points_at_the_path() -> None:
    (d,) = errors(SPECS / "iris_mlp.yaml", ("training.epochz=5",))
    assert (d.code, d.span.file, d.span.col, d.span.end_col) == ("DLS201", "--set", 1, 16)
    assert d.hint == "did you mean 'epochs'?"


def test_set_new_section_points_at_set() -> None:
    (d,) = errors(SPECS / "iris_mlp.yaml", ("nosuch.x=3",))
    assert (d.code, d.span.file) == ("DLS201", "--set")
    assert "unknown key 'nosuch'" in d.message


@pytest.mark.parametrize(
    ("override", "check_value"),
    [
        ("model.layers[0].dense.units=32", lambda s: s.model.layers[0].units == 32),
        ("model.layers.0.dense.units=32", lambda s: s.model.layers[0].units == 32),
        ("model.layers[1]=flatten", lambda s: s.model.layers[1] == FlattenSpec(kind="flatten")),
        ("training.early_stopping=3", lambda s: s.training.early_stopping.patience == 3),
        ("optimizer=sgd", lambda s: s.optimizer.type == "sgd"),
        ("validation={type: holdout}", lambda s: s.validation.type == "holdout"),
        ("description='a: b'", lambda s: s.description == "a: b"),
        ("seed=007", lambda s: s.seed == 7),
        ("training.shuffle=false", lambda s: s.training.shuffle is False),
        ("optimizer.learning_rate=1e-3", lambda s: s.optimizer.learning_rate == 0.001),
    ],
)
def test_set_values_are_yaml(override: str, check_value) -> None:
    parsed, _ = spec.load(SPECS / "iris_mlp.yaml", [override])
    assert check_value(parsed)


def test_set_creates_missing_sections(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", MINIMAL)
    parsed, source_map = spec.load(path, ["training.early_stopping.patience=2"])
    assert parsed.training.early_stopping == EarlyStoppingSpec(patience=2)
    assert source_map.locate(("training",)).file == "--set"


def test_set_into_a_missing_choice_section_starts_from_its_default(tmp_path: Path) -> None:
    # No optimizer written: the default (adam) takes the learning rate, as 'optimizer: adam'
    path = write(tmp_path, "a.yaml", MINIMAL)
    assert "optimizer" not in MINIMAL
    parsed, _ = spec.load(path, ["optimizer.learning_rate=0.3"])
    assert parsed.optimizer.type == "adam" and parsed.optimizer.learning_rate == 0.3


def test_set_of_a_new_type_keeps_only_the_arguments_both_types_take(tmp_path: Path) -> None:
    text = MINIMAL + "optimizer: {type: sgd, learning_rate: 0.2, momentum: 0.9}\n"
    path = write(tmp_path, "a.yaml", text)
    with pytest.raises(SpecError):  # adam has no momentum: written by hand it is an error
        spec.load(write(tmp_path, "b.yaml", text.replace("type: sgd", "type: adam")))
    parsed, _ = spec.load(path, ["optimizer.type=adam"])
    assert parsed.optimizer.type == "adam" and parsed.optimizer.learning_rate == 0.2
    assert spec.load(path, ["optimizer.type=sgd"])[0].optimizer.momentum == 0.9  # unchanged


IMAGES = """\
task: {{type: multiclass, classes: 3}}
model:
  input: [8, 8, 1]
  layers:
    - {pool}
    - {flatten}
    - {dropout}
    - {residual}
optimizer: {optimizer}
validation: {validation}
"""
SHORT = {
    "pool": "max_pooling2d: [2, 2]",
    "flatten": "flatten",
    "dropout": "dropout: 0.1",
    "residual": "residual: [dense: 9]",
    "optimizer": "sgd",
    "validation": "kfold",
}
FULL = {
    "pool": "max_pooling2d: {pool_size: [2, 2]}",
    "flatten": "flatten: {}",
    "dropout": "dropout: {rate: 0.1}",
    "residual": "residual: {layers: [dense: {units: 9}]}",
    "optimizer": "{type: sgd}",
    "validation": "{type: kfold}",
}
SEQUENCES = """\
task: {{type: multiclass, classes: 3}}
model:
  input: [6, 4]
  layers:
    - {first}
    - {second}
    - flatten
"""


@pytest.mark.parametrize(
    "override",
    [
        "model.layers[0].max_pooling2d.strides=1",
        "model.layers[1].flatten.name=flat",
        "model.layers[2].dropout.seed=3",
        "model.layers[3].residual.activation=relu",
        "model.layers[3].residual.layers[0].dense.activation=tanh",
        "optimizer.momentum=0.9",
        "optimizer.nesterov=true",
        "validation.folds=3",
    ],
)
def test_set_reaches_an_argument_in_every_written_form(tmp_path: Path, override: str) -> None:
    short = write(tmp_path, "short/spec.yaml", IMAGES.format(**SHORT))
    full = write(tmp_path, "full/spec.yaml", IMAGES.format(**FULL))
    ours, theirs = spec.load(short, [override])[0], spec.load(full, [override])[0]
    assert ours == theirs and ours != spec.load(full)[0]  # the override took effect


@pytest.mark.parametrize(
    ("first", "second", "overrides", "expected"),
    [
        (  # a wrapped layer's argument, by the full path
            "bidirectional: {lstm: 4}",
            "bidirectional: {layer: {gru: {units: 2, return_sequences: true}}}",
            ["model.layers[0].bidirectional.layer.lstm.units=8"],
            lambda s: s.model.layers[0].layer.units == 8,
        ),
        (  # a bare kind nested in an argument
            "bidirectional: {lstm: {units: 4, return_sequences: true}}",
            "bidirectional: {layer: gru}",
            ["model.layers[1].bidirectional.layer.gru.units=2"],
            lambda s: s.model.layers[1].layer.units == 2,
        ),
        (  # by the written path, and a bare choice nested in a section
            "bidirectional: {lstm: 4}",
            "bidirectional: {layer: {gru: 2}}",
            ["model.layers[0].bidirectional.lstm.units=8", "optimizer.schedule.decay_steps=9"],
            lambda s: s.model.layers[0].layer.units == 8 and s.optimizer.schedule.decay_steps == 9,
        ),
    ],
)
def test_set_reaches_into_wrapped_layers_and_nested_choices(
    tmp_path: Path, first: str, second: str, overrides: list[str], expected
) -> None:
    text = SEQUENCES.format(first=first, second=second)
    if any("schedule" in override for override in overrides):
        text += "optimizer: {type: adam, schedule: cosine_decay}\n"  # a bare nested choice
    parsed, _ = spec.load(write(tmp_path, "a.yaml", text), overrides)
    assert expected(parsed)


def test_several_overrides_apply_in_order() -> None:
    parsed, _ = spec.load(SPECS / "iris_mlp.yaml", ["seed=1", "seed=2"])
    assert parsed.seed == 2


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ("training.epochs", "override 'training.epochs' is not PATH=VALUE"),
        ("=5", "override '=5' is not PATH=VALUE"),
        (
            "model.layers[5].dense.units=3",
            "override path 'model.layers[5].dense.units' does not exist past 'model.layers'",
        ),
        (
            "training.epochs.x=3",
            "override path 'training.epochs.x' names no spec field: 'training.epochs' is a "
            "number, not a mapping",
        ),
        ("0.x=1", "override path '0.x' does not exist"),
        ("[0].x=1", "override path '[0].x' is not dotted names with [index]es"),
        (
            "training..epochs=1",
            "override path 'training..epochs' is not dotted names with [index]es",
        ),
    ],
)
def test_bad_set_path(override: str, message: str) -> None:
    (d,) = errors(SPECS / "iris_mlp.yaml", (override,))
    assert (d.code, d.span.file, d.span.line, d.span.col) == ("DLS108", "--set", 1, 1)
    assert d.message == message


@pytest.mark.parametrize(
    ("written", "override", "made"),
    [
        ("early_stopping: 10", "training.early_stopping.min_delta=0.5", (10, 0.5)),
        ("early_stopping: null", "training.early_stopping.patience=2", (2, 0.0)),
        ("early_stopping: {patience: 4}", "training.early_stopping.patience=2", (2, 0.0)),
    ],
    ids=["a shorthand", "switched off", "the long form"],
)
def test_set_reaches_a_field_of_a_section_in_any_written_form(
    tmp_path: Path, written: str, override: str, made: tuple[int, float]
) -> None:
    path = write(tmp_path, "a.yaml", f"{MINIMAL}training: {{epochs: 20, {written}}}\n")
    parsed, _ = spec.load(path, [override])
    assert parsed.training.early_stopping is not None and parsed.training.epochs == 20
    assert (parsed.training.early_stopping.patience, parsed.training.early_stopping.min_delta) == (
        made
    )


def test_set_reaches_into_the_input_shorthand(tmp_path: Path) -> None:
    parsed, _ = spec.load(write(tmp_path, "a.yaml", MINIMAL), ["model.input.dtype=int32"])
    assert parsed.model.input == InputSpec(shape=[4], dtype="int32")


def test_set_extends_takes_the_place_of_the_files_own(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "description: from a\n")
    write(tmp_path, "b.yaml", "description: from b\ntraining: {epochs: 7}\n")
    child = write(tmp_path, "exp.yaml", "extends: a.yaml\n" + MINIMAL)
    parsed, source_map = spec.load(child, ["extends=b.yaml", "training.epochs=3"])
    assert (parsed.description, parsed.training.epochs) == ("from b", 3)
    assert Path(source_map.locate(("description",)).file).name == "b.yaml"
    plain = write(tmp_path, "plain.yaml", MINIMAL)
    assert spec.load(plain, ["extends=[a.yaml, b.yaml]"])[0].description == "from b"
    (d,) = errors(plain, ("extends=nowhere.yaml",))
    assert (d.code, d.span.file, d.span.col) == ("DLS107", "--set", 9)
    assert d.message == "cannot extend 'nowhere.yaml': no such file"


def test_bad_set_path_through_lint() -> None:
    diagnostics = check.lint(SPECS / "iris_mlp.yaml", overrides=["training..=1", "seed"])
    assert [d.code for d in diagnostics] == ["DLS108", "DLS108"]


def test_set_syntax_error_in_value_is_located_in_the_value() -> None:
    (d,) = errors(SPECS / "iris_mlp.yaml", ("training.epochs=[1",))
    assert (d.code, d.span.file, d.span.line, d.span.col) == ("DLS101", "--set", 1, 19)


def test_set_unsafe_tag_in_value() -> None:
    (d,) = errors(SPECS / "iris_mlp.yaml", ("seed=!!python/name:os.getpid",))
    assert (d.code, d.span.file, d.span.col) == ("DLS103", "--set", 6)


# -- unreadable files --------------------------------------------------------------------------


def test_unreadable_file(tmp_path: Path) -> None:
    (d,) = check.lint(tmp_path / "missing.yaml")
    assert (d.code, d.message, d.span.line, d.span.col) == ("DLS104", "no such file", 1, 1)


def test_unreadable_folder(tmp_path: Path) -> None:
    (d,) = check.lint(tmp_path)
    assert d.code == "DLS104"


def test_unreadable_bytes(tmp_path: Path) -> None:
    path = tmp_path / "binary.yaml"
    path.write_bytes(b"\xff\xfe\x00task")
    (d,) = check.lint(path)
    assert d.code == "DLS104"


# -- nesting ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("opening", "closing", "step"),
    [("[", "]", 1), ("{a: ", "}", 4)],
    ids=["sequences", "mappings"],
)
@pytest.mark.parametrize("levels", [70, 500, 5000])
def test_nesting_past_the_limit_is_located_where_it_passes_it(
    tmp_path: Path, opening: str, closing: str, step: int, levels: int
) -> None:
    from dlspec.spec.document import MAX_DEPTH

    prefix = "task: multiclass\ndata: {source: sklearn:iris}\ndescription: "
    path = write(tmp_path, "deep.yaml", prefix + opening * levels + "1" + closing * levels + "\n")
    (d,) = check.lint(path)
    # The document is level 1 and the first opening level 2: the one past the limit is the
    # (MAX_DEPTH - 1)th opening.
    col = len("description: ") + 1 + step * (MAX_DEPTH - 1)
    assert (d.code, d.span.line, d.span.col) == ("DLS110", 3, col)
    assert f"nests deeper than {MAX_DEPTH} levels" in d.message


def test_nesting_at_the_limit_is_fine(tmp_path: Path) -> None:
    from dlspec.spec.document import MAX_DEPTH

    levels = MAX_DEPTH - 1  # under the document's own level
    text = "task: multiclass\ndata: {source: sklearn:iris}\nmodel: {layers: [dense: 4]}\n"
    path = write(tmp_path, "deep.yaml", text + "description: " + "[" * levels + "]" * levels)
    assert [d.code for d in check.lint(path) if d.code == "DLS110"] == []


def test_too_deep_to_compose_is_found_from_the_parsers_events() -> None:
    from dlspec.spec import document

    (d,) = document._deep_in_events("deep.yaml", "a:\n  b: " + "[" * 3000 + "]" * 3000).diagnostics
    assert (d.code, d.span.line, d.span.col) == ("DLS110", 2, 6 + document.MAX_DEPTH - 2)


# -- shorthand forms and defaults --------------------------------------------------------------


def test_shorthand_forms(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "short.yaml",
        "task: binary\n"
        "model:\n"
        "  input: [4]\n"
        "  layers:\n"
        "    - dense: 8\n"
        "    - dropout: 0.1\n"
        "    - flatten\n"
        "optimizer: adam\n"
        "training: {early_stopping: 5}\n"
        "validation: kfold\n",
    )
    parsed, _ = spec.load(path)
    assert parsed.task == BinaryTask(type="binary")
    assert parsed.model.input == InputSpec(shape=[4], dtype="float32")
    assert parsed.model.layers == [
        DenseSpec(kind="dense", units=8),
        DropoutSpec(kind="dropout", rate=0.1),
        FlattenSpec(kind="flatten"),
    ]
    assert parsed.optimizer == AdamSpec(type="adam")
    assert parsed.training.early_stopping == EarlyStoppingSpec(patience=5)
    assert parsed.validation == KFoldSpec(type="kfold")


def test_defaults(tmp_path: Path) -> None:
    parsed, _ = spec.load(write(tmp_path, "d.yaml", MINIMAL))
    assert parsed.dlspec == 1
    assert parsed.seed == 42
    assert parsed.data is None
    assert parsed.optimizer == AdamSpec(type="adam")
    assert parsed.validation == HoldoutSpec(type="holdout")
    assert (parsed.training.epochs, parsed.training.batch_size) == (10, 32)


def test_name_defaults_to_the_file_stem(tmp_path: Path) -> None:
    parsed, _ = spec.load(write(tmp_path, "my-exp.v2.yaml", MINIMAL))
    assert parsed.name == "my-exp.v2"


def test_explicit_name_is_kept(tmp_path: Path) -> None:
    parsed, _ = spec.load(write(tmp_path, "file.yaml", "name: other\n" + MINIMAL))
    assert parsed.name == "other"


def test_parse_a_non_mapping() -> None:
    from dlspec.spec import document

    with pytest.raises(SpecError) as caught:
        spec.parse(document.load("- 1\n", "f.yaml"))
    (d,) = caught.value.diagnostics
    assert (d.code, d.message) == ("DLS105", "expected a mapping of spec sections, got a list")


def test_unsafe_value_is_not_also_a_schema_error(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", "task: !!python/name:os.getpid\nseed: 1.5\n" + MINIMAL[13:])
    assert [d.code for d in errors(path)] == ["DLS103", "DLS204"]


def test_every_example_spec_parses() -> None:
    for path in sorted(SPECS.glob("*.yaml")):
        parsed, _ = spec.load(path)
        assert parsed.name


def test_every_whole_number_in_the_spec_language_has_an_upper_bound() -> None:
    # An unbounded count reaches NumPy or a backend as an overflow (the fuzz test found
    # batch_size and epochs of 2**63): every integer the schema admits has a maximum.
    from dlspec.spec import Spec

    unbounded = []

    def visit(node: object, where: str) -> None:
        if isinstance(node, dict):
            bounds = {"maximum", "exclusiveMaximum", "const"}
            if node.get("type") == "integer" and not bounds & set(node):
                unbounded.append(where)
            for key, value in node.items():
                visit(value, f"{where}.{key}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                visit(value, f"{where}[{index}]")

    visit(Spec.model_json_schema(), "schema")
    assert unbounded == []
