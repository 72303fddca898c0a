"""dlspec.spec.document and .errors: pydantic locs to YAML spans, errors to diagnostics."""

from __future__ import annotations

import pytest
from pydantic_core import InitErrorDetails, ValidationError

from dlspec import spec
from dlspec.diagnostics import Diagnostic, SpecError
from dlspec.layers import DenseSpec, DropoutSpec
from dlspec.spec import Spec, document
from dlspec.spec.document import SourceMap
from dlspec.spec.errors import model_at, to_diagnostics
from dlspec.spec.sections import EarlyStoppingSpec, KFoldSpec

HEAD = "task: binary\nmodel:\n  input: [4]\n  layers:\n"


def source_map(text: str) -> SourceMap:
    return SourceMap(document.load(text, "f.yaml"))


def diagnostics(text: str) -> list[Diagnostic]:
    with pytest.raises(SpecError) as caught:
        spec.parse(document.load(text, "f.yaml"))
    return caught.value.diagnostics


def one(text: str) -> Diagnostic:
    (d,) = diagnostics(text)
    return d


def at(d: Diagnostic) -> tuple[str, int, int]:
    return d.code, d.span.line, d.span.col


# -- SourceMap ---------------------------------------------------------------------------------


def test_walk_full_path() -> None:
    sm = source_map("model:\n  layers:\n    - dense: {units: 16}\n")
    assert sm.walk(("model", "layers", 0, "dense", "units")) == (
        ("model", "layers", 0, "dense", "units"),
        True,
    )


def test_walk_stops_in_a_shorthand() -> None:
    sm = source_map("model:\n  layers:\n    - dense: 16\n")
    assert sm.walk(("model", "layers", 0, "dense", "units")) == (
        ("model", "layers", 0, "dense"),
        False,
    )
    span = sm.locate(("model", "layers", 0, "dense", "units"))
    assert (span.line, span.col) == (3, 14)


def test_walk_skips_segments_only_pydantic_sees() -> None:
    # A residual written as a bare list has no 'layers' key in the YAML.
    sm = source_map("model:\n  layers:\n    - residual: [dropout: 0.1]\n")
    path, complete = sm.walk(("model", "layers", 0, "residual", "layers", 0, "dropout", "rate"))
    assert path == ("model", "layers", 0, "residual", 0, "dropout")
    assert not complete


def test_locate_key_and_value() -> None:
    sm = source_map("training:\n  epochs: 5\n")
    value, key = sm.locate(("training", "epochs")), sm.locate_key(("training", "epochs"))
    assert (value.line, value.col, key.line, key.col) == (2, 11, 2, 3)


def test_locate_key_of_a_missing_path_is_the_nearest_value() -> None:
    sm = source_map("training:\n  epochs: 5\n")
    span = sm.locate_key(("training", "nothing"))
    assert (span.line, span.col) == (2, 3)


@pytest.mark.parametrize(
    ("loc", "model"),
    [
        (("model", "layers", 0, "dense", "units"), DenseSpec),
        (("model", "layers", 0, "dropout", "rate"), DropoutSpec),
        (("training", "early_stopping", "patience"), EarlyStoppingSpec),
        (("validation", "kfold", "folds"), KFoldSpec),
        (("seed",), Spec),
    ],
)
def test_model_at(loc: tuple, model: type) -> None:
    assert model_at(Spec, loc) is model


def test_model_at_unknown_path() -> None:
    assert model_at(Spec, ("nothing", "here")) is None


# -- worded diagnostics ------------------------------------------------------------------------


def test_unknown_key_points_at_the_key_with_a_hint() -> None:
    d = one(HEAD + "    - dense: {units: 8, activaton: relu}\n")
    assert at(d) == ("DLS201", 5, 25)
    assert d.message == "unknown key 'activaton' in dense layer"
    assert d.hint == "did you mean 'activation'?"


def test_unknown_key_without_a_close_match_lists_the_keys() -> None:
    d = one(HEAD + "    - dense: 8\ntraining: {zzz: 1}\n")
    assert d.message == "unknown key 'zzz' in 'training'"
    assert d.hint is not None and d.hint.startswith("allowed keys: epochs, batch_size")


def test_missing_key_in_a_shorthand_layer_names_the_layer() -> None:
    d = one(HEAD.replace("[4]", "[8, 8, 1]") + "    - conv2d: 4\n")
    assert at(d) == ("DLS202", 5, 15)
    assert d.message == "missing required key 'kernel_size' in conv2d layer"


def test_missing_key_in_a_layer_with_one_unknown_argument() -> None:
    found = diagnostics(HEAD + "    - dense: {unitz: 8}\n")
    assert sorted(d.message for d in found) == [
        "missing required key 'units' in dense layer",
        "unknown key 'unitz' in dense layer",
    ]


def test_missing_key_in_a_layer_without_arguments() -> None:
    d = one(HEAD + "    - dense:\n")
    assert d.message == "missing required key 'units' in dense layer"


def test_range_error_names_the_interval() -> None:
    d = one(HEAD + "    - dropout: 1.5\n")
    assert at(d) == ("DLS205", 5, 16)
    assert d.message == "expected rate in [0, 1), got 1.5"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("seed: -1\n", "expected seed >= 0, got -1"),
        ("training: {epochs: 0}\n", "expected epochs > 0, got 0"),
        ("validation: {type: holdout, test_size: 1}\n", "expected test_size in (0, 1), got 1"),
        ("optimizer: {type: sgd, momentum: 1.0}\n", "expected momentum in [0, 1), got 1.0"),
    ],
)
def test_range_messages(text: str, message: str) -> None:
    assert one(HEAD + "    - dense: 8\n" + text).message == message


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("'16'", "expected an integer, got '16'"),
        ("true", "expected an integer, got true"),
        ("null", "expected an integer, got nothing (null)"),
        ("[16]", "expected an integer, got a list"),
        ("{n: 16}", "expected an integer, got a mapping"),
        ("2.5", "expected an integer, got 2.5"),
    ],
)
def test_type_messages(value: str, message: str) -> None:
    d = one(HEAD + f"    - dense: {{units: {value}}}\n")
    assert (d.code, d.message) == ("DLS204", message)


def test_literal_choices_are_listed_and_suggested() -> None:
    d = one(
        HEAD.replace("[4]", "[8, 2]")
        + "    - conv1d: {filters: 2, kernel_size: 2, padding: smae}\n"
    )
    assert d.code == "DLS206"
    assert d.message == "expected one of 'valid', 'same', 'causal', got 'smae'"
    assert d.hint == "did you mean 'same'?"


def test_unknown_layer_kind_points_at_the_kind() -> None:
    d = one(HEAD + "    - dens: 8\n")
    assert at(d) == ("DLS203", 5, 7)
    assert (d.message, d.hint) == ("unknown layer kind 'dens'", "did you mean 'dense'?")


def test_unknown_choice_of_a_one_of() -> None:
    d = one(HEAD + "    - dense: 8\noptimizer: {type: adma}\n")
    assert at(d) == ("DLS206", 6, 19)
    assert (
        d.message == "unknown optimizer 'adma': expected one of sgd, adagrad, rmsprop, adam, adamw"
    )
    assert d.hint == "did you mean 'adam'?"


def test_missing_type_of_a_one_of_lists_the_types() -> None:
    d = one(HEAD + "    - dense: 8\nvalidation: {folds: 3}\n")
    assert at(d) == ("DLS202", 6, 13)
    assert d.message == "missing required key 'type' in validation scheme"
    assert d.hint == "add 'type:' with one of holdout, kfold, time_series"


def test_version() -> None:
    d = one("dlspec: 2\n" + HEAD + "    - dense: 8\n")
    assert at(d) == ("DLS208", 1, 9)


def test_layer_item_error() -> None:
    d = one(HEAD + "    - dense: 8\n      dropout: 0.1\n")
    assert at(d) == ("DLS207", 5, 7)
    assert d.message == "expected exactly one layer kind in this item, got 'dense', 'dropout'"


def test_layer_item_of_the_wrong_type() -> None:
    d = one(HEAD + "    - 16\n")
    assert d.message == (
        "expected a layer ('kind: {arguments}', 'kind: value' or a bare kind), got the number 16"
    )


def test_bad_source() -> None:
    d = one("data: {source: 'sklearn:irs'}\n" + HEAD + "    - dense: 8\n")
    assert at(d) == ("DLS210", 1, 16)
    assert d.hint == "did you mean 'iris'?"


def test_pattern_mismatch_says_what_was_found() -> None:
    d = one("name: two words\n" + HEAD + "    - dense: 8\n")
    assert d.code == "DLS209"
    assert d.message.startswith("expected name matching ")
    assert d.message.endswith(", got 'two words'")


def test_value_error_has_no_pydantic_prefix() -> None:
    d = one(HEAD + "    - reshape: [-1, -1]\n")
    assert (d.code, d.message) == ("DLS209", "at most one axis of target_shape may be -1")


def test_union_reports_the_member_that_took_the_value() -> None:
    # class_weight is 'balanced' or a mapping: a mapping with a bad weight is a bad weight.
    d = one(HEAD + "    - dense: 8\ntraining: {class_weight: {0: -1.0}}\n")
    assert at(d) == ("DLS205", 6, 30)


def test_union_of_scalars_reports_once() -> None:
    d = one(HEAD + "    - dense: 8\ntraining: {class_weight: balancd}\n")
    assert d.code == "DLS206"
    assert d.hint == "did you mean 'balanced'?"


def test_every_error_is_reported() -> None:
    found = diagnostics(
        HEAD + "    - dense: 0\n    - dropout: 2\n    - dens: 3\ntraining: {epochs: x}\n"
    )
    assert [d.code for d in found] == ["DLS205", "DLS205", "DLS203", "DLS204"]


@pytest.mark.parametrize(
    ("text", "loc", "kind", "ctx"),
    [
        (
            HEAD + "    - dense: 8\ntraining: {class_weight: balancd}\n",
            ("training", "class_weight", "literal['balanced']"),
            "literal_error",
            {"expected": "GARBLED"},
        ),
        (
            HEAD + "    - dense: {units: 8, activation: rellu}\n",
            ("model", "layers", 0, "dense", "activation"),
            "literal_error",
            {"expected": "GARBLED"},
        ),
        (
            "task: binar\nmodel:\n  input: [4]\n  layers: [dense: 8]\n",
            ("task",),
            "union_tag_invalid",
            {"discriminator": "'type'", "tag": "binar", "expected_tags": "GARBLED"},
        ),
    ],
    ids=["class-weight", "activation", "task"],
)
def test_errors_are_worded_from_their_type_and_loc_not_pydantics_text(text, loc, kind, ctx) -> None:
    # The same error with pydantic's English replaced: the diagnostic must not change.
    doc = document.load(text, "f.yaml")
    with pytest.raises(SpecError) as raised:
        spec.parse(doc)
    (real,) = raised.value.diagnostics
    garbled = ValidationError.from_exception_data(
        "Spec",
        [InitErrorDetails(type=kind, loc=loc, input=real_input(doc, loc), ctx=ctx)],
    )
    (again,) = to_diagnostics(garbled, SourceMap(doc))
    assert (again.code, again.message, again.hint) == (real.code, real.message, real.hint)


def real_input(doc: document.Document, loc: tuple) -> object:
    node = doc.data
    for segment in loc:
        if isinstance(node, dict) and segment in node:
            node = node[segment]
        elif isinstance(node, list) and isinstance(segment, int):
            node = node[segment]
    return node
