"""Graphs: 'from' on a layer item, merges, model.output; static inference and its mistakes."""

from __future__ import annotations

import pytest

from dlspec.report import summary

IRIS = "task: multiclass\ndata: {source: sklearn:iris}\nmodel:\n"

WIDE_AND_DEEP = (
    IRIS
    + """\
  layers:
    - dense: {units: 16, name: deep}
    - dense: 8
      from: input
      name: wide
    - concatenate:
      from: [deep, wide]
"""
)


def codes(inference) -> list[str]:
    return [d.code for d in inference.diagnostics]


def test_each_layer_takes_what_from_names_and_the_head_the_last(infer) -> None:
    inference = infer(WIDE_AND_DEEP)
    assert inference.diagnostics == []
    taken = {row.name: (row.inputs, row.output_shape) for row in inference.layers}
    assert taken == {
        "deep": (("input",), (16,)),
        "wide": (("input",), (8,)),
        "concatenate_1": (("deep", "wide"), (24,)),
        "head": (("concatenate_1",), (3,)),
    }
    assert inference.graph and inference.output == "concatenate_1"
    assert inference.params.total == (4 * 16 + 16) + (4 * 8 + 8) + (24 * 3 + 3)


def test_a_chain_is_no_graph_and_keeps_its_summary(infer) -> None:
    inference = infer(IRIS + "  layers: [dense: 8, dense: 4]\n")
    assert not inference.graph
    assert [row.inputs for row in inference.layers] == [("input",), ("dense_1",), ("dense_2",)]
    assert [c.header for c in summary.table(inference, "t").columns][:3] == [
        "layer", "kind", "output shape"
    ]  # fmt: skip


def test_the_summary_of_a_graph_shows_what_each_layer_takes(infer) -> None:
    table = summary.table(infer(WIDE_AND_DEEP), "t")
    assert [c.header for c in table.columns][:3] == ["layer", "kind", "from"]
    assert list(table.columns[2].cells) == ["input", "input", "deep, wide", "concatenate_1"]
    assert summary.to_json(infer(WIDE_AND_DEEP))["layers"][2]["inputs"] == ["deep", "wide"]


def test_model_output_picks_the_layer_the_head_takes(infer) -> None:
    inference = infer(IRIS + "  output: hidden\n  layers:\n    - dense: {units: 8, name: hidden}\n"
                      "    - dense: {units: 4, name: spare}\n")  # fmt: skip
    assert inference.output == "hidden" and inference.layers[-1].inputs == ("hidden",)
    (d,) = inference.diagnostics  # nothing takes the last layer now
    assert (d.code, d.span.line, d.span.col) == ("DLS332", 7, 7)
    assert (
        d.message
        == "the output of 'spare' goes nowhere: no layer takes it and the head takes 'hidden', "
        "so the built model leaves it out"
    )


@pytest.mark.parametrize(
    ("layers", "where", "message"),
    [
        ("    - dense: 8\n      from: wide\n", (6, 13),
         "'from' names 'wide', which is no layer or input of this model"),
        ("    - dense: 8\n      from: dense_2\n    - dense: 4\n", (6, 13),
         "'from' names 'dense_2', the output of a later item (line 7)"),
        ("    - dense: {units: 8, from: dense_1}\n", (5, 31),
         "'from' names 'dense_1', this item's own output"),
        ("    - dense: 8\n    - add:\n      from: [dense_1, dense_3]\n", (7, 23),
         "'from' names 'dense_3', which is no layer or input of this model"),
        ("    - residual:\n        - dense: 4\n          from: input\n", (7, 17),
         "'from' inside the body of 'residual_1': a block's body is a chain"),
    ],
    ids=["unknown", "later", "itself", "second of two", "inside a block"],
)  # fmt: skip
def test_a_name_that_is_not_an_earlier_output_is_dls330(infer, layers, where, message) -> None:
    inference = infer(IRIS + "  layers:\n" + layers)
    (d,) = [d for d in inference.diagnostics if d.code == "DLS330"]
    assert ((d.span.line, d.span.col), d.message) == (where, message)


def test_an_unknown_model_output_is_dls330_with_a_guess(infer) -> None:
    inference = infer(IRIS + "  output: dense_3\n  layers: [dense: 8, dense: 4]\n")
    (d,) = [d for d in inference.diagnostics if d.code == "DLS330"]
    assert (d.span.line, d.span.col, d.hint) == (4, 11, "did you mean 'dense_2' or 'dense_1'?")


@pytest.mark.parametrize(
    ("layers", "message"),
    [
        ("    - dense: 8\n    - add\n",
         "layers[1] (add) merges two or more inputs, and it takes one here"),
        ("    - dense: 8\n    - dense: 4\n      from: [input, dense_1]\n",
         "layers[1] (dense) takes one input, and 'from' names 2"),
        ("    - dense: 8\n    - dense: 4\n      from: input\n    - multiply:\n"
         "      from: [dense_1, dense_2]\n",
         "layers[2] (multiply) needs inputs of one shape (or sizes of 1 that stretch), got (8,) "
         "and (4,)"),
    ],
    ids=["a merge of one", "two into a dense", "shapes that differ"],
)  # fmt: skip
def test_inputs_that_do_not_fit_the_kind_are_dls331(infer, layers, message) -> None:
    inference = infer(IRIS + "  layers:\n" + layers)
    assert codes(inference) == ["DLS331"]
    assert inference.diagnostics[0].message == message


TWO_INPUTS = """\
task: {type: regression, outputs: 1}
model:
  inputs:
    words: {shape: [5], dtype: int32}
    meta: [3]
  layers:
    - embedding: {input_dim: 50, output_dim: 4, from: words}
    - global_average_pooling1d
    - dense: {units: 2, from: meta}
    - concatenate: {from: [global_average_pooling1d_1, dense_1]}
"""


def test_named_inputs_are_taken_by_name_each_with_its_shape_and_dtype(infer) -> None:
    inference = infer(TWO_INPUTS)
    assert inference.diagnostics == []
    assert inference.named and inference.graph
    assert inference.inputs == {"words": ((5,), "int32"), "meta": ((3,), "float32")}
    assert inference.input_shape is None  # there is no one input
    taken = {row.name: (row.inputs, row.output_shape) for row in inference.layers}
    assert taken["embedding_1"] == (("words",), (5, 4))
    assert taken["global_average_pooling1d_1"] == (("embedding_1",), (4,))
    assert taken["dense_1"] == (("meta",), (2,))
    assert taken["concatenate_1"] == (("global_average_pooling1d_1", "dense_1"), (6,))
    assert inference.params.total == 50 * 4 + (3 * 2 + 2) + (6 + 1)


def test_the_summary_lists_named_inputs_as_rows_and_json_by_name(infer) -> None:
    inference = infer(TWO_INPUTS)
    table = summary.table(inference, "t")
    assert list(table.columns[0].cells)[:3] == ["words", "meta", "embedding_1"]
    assert list(table.columns[1].cells)[:2] == ["input", "input"]
    assert table.columns[1].footer == "2 inputs"
    data = summary.to_json(inference)
    assert data["inputs"] == {"words": [5], "meta": [3]} and data["input_shape"] is None


def test_an_embedding_on_a_float_named_input_is_dls304(infer) -> None:
    inference = infer(TWO_INPUTS.replace("from: words}", "from: meta}"))
    assert "DLS304" in codes(inference)


def test_a_chain_keeps_its_one_input_named_input(infer) -> None:
    inference = infer(IRIS + "  layers: [dense: 8]\n")
    assert not inference.named and inference.inputs == {"input": ((4,), "float32")}
    assert summary.to_json(inference)["inputs"] == {"input": [4]}


ENCODER_DECODER = """\
task: {type: regression, outputs: 1}
model:
  inputs:
    source: [5, 3]
    target: [4, 3]
  layers:
    - KIND: {units: 8, from: source, name: encoder}
    - KIND: {units: 8, return_sequences: true, from: [target, encoder]}
    - flatten
"""


@pytest.mark.parametrize("kind", ["simple_rnn", "gru", "lstm"])
def test_a_recurrent_layer_starts_from_the_state_its_second_from_names(infer, kind) -> None:
    inference = infer(ENCODER_DECODER.replace("KIND", kind))
    assert inference.diagnostics == []
    decoder = inference.layers[1]
    assert decoder.inputs == ("target", "encoder") and decoder.output_shape == (4, 8)
    # the state adds no parameters: the decoder's count is that of one input of 3 features
    assert decoder.params == inference.layers[0].params


@pytest.mark.parametrize(
    ("giver", "said"),
    [("gru: {units: 8, from: source, name: encoder}", "'encoder' is gru of 8 units"),
     ("lstm: {units: 8, from: source, name: encoder}", None)],
)  # fmt: skip
def test_the_state_comes_from_the_same_kind(infer, giver, said) -> None:
    text = ENCODER_DECODER.replace("- KIND: {units: 8, from: source, name: encoder}", "- " + giver)
    inference = infer(text.replace("KIND", "lstm"))
    found = [d.message for d in inference.diagnostics]
    assert found == ([] if said is None else [found[0]]) and (said is None or said in found[0])
