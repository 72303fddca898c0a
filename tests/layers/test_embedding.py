import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.embedding import EmbeddingSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_shorthand_and_mapping_forms():
    spec = parse({"embedding": 64})
    assert spec == EmbeddingSpec(kind="embedding", output_dim=64)
    assert (spec.input_dim, spec.mask_zero) == (None, False)
    full = parse({"embedding": {"input_dim": 1000, "output_dim": 8, "mask_zero": True}})
    assert (full.input_dim, full.output_dim, full.mask_zero) == (1000, 8, True)


@pytest.mark.parametrize(
    "item",
    [
        "embedding",
        {"embedding": 0},
        {"embedding": {"input_dim": 0, "output_dim": 8}},
        {"embedding": {"input_dim": 100}},
        {"embedding": {"output_dim": 8, "input_length": 20}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize(
    ("args", "shape", "out", "params"),
    [
        ({"input_dim": 1000, "output_dim": 64}, (20,), (20, 64), 64000),
        ({"input_dim": 50, "output_dim": 3, "mask_zero": True}, (None,), (None, 3), 150),
    ],
)
def test_shape_and_params_by_hand(args, shape, out, params):
    spec = parse({"embedding": args})
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params(params)


def test_unknown_vocabulary_is_dls319_until_the_checker_fills_it_in():
    spec = parse({"embedding": 8})
    assert spec.output_shape((20,)) == (20, 8)
    with pytest.raises(ShapeError) as info:
        spec.params((20,))
    assert info.value.code == "DLS319"
    assert info.value.message == (
        "embedding input_dim is not given and the data does not tell the vocabulary"
    )
    assert info.value.hint == "set input_dim to the vocabulary size"
    assert spec.model_copy(update={"input_dim": 100}).params((20,)) == Params(800)


@pytest.mark.parametrize("shape", [(20, 1), (4, 4, 1)])
def test_needs_a_rank1_input(shape):
    with pytest.raises(ShapeError) as info:
        parse({"embedding": {"input_dim": 10, "output_dim": 4}}).output_shape(shape)
    assert info.value.code == "DLS301"


@pytest.mark.keras
@pytest.mark.parametrize(
    ("args", "shape"),
    [
        ({"input_dim": 1000, "output_dim": 64}, (20,)),
        ({"input_dim": 50, "output_dim": 3, "mask_zero": True}, (None,)),
        ({"input_dim": 7, "output_dim": 1}, (1,)),
    ],
)
def test_matches_keras(keras_run, args, shape):
    spec = parse({"embedding": args})
    assert keras_run(spec, shape, "int32") == (spec.output_shape(shape), spec.params(shape))
