import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.positional_encoding import PositionalEncodingSpec

parse = TypeAdapter(LayerItem).validate_python


def test_parses_shorthand_bare_and_mapping_forms():
    assert parse({"positional_encoding": "learned"}).type == "learned"
    bare = parse("positional_encoding")
    assert isinstance(bare, PositionalEncodingSpec)
    assert (bare.type, bare.max_length) == ("sinusoidal", None)
    full = parse({"positional_encoding": {"type": "learned", "max_length": 64}, "name": "pos"})
    assert (full.type, full.max_length, full.name) == ("learned", 64, "pos")


@pytest.mark.parametrize(
    "item",
    [
        {"positional_encoding": "rotary"},
        {"positional_encoding": {"max_length": 0}},
        {"positional_encoding": {"type": "learned", "length": 10}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


def test_output_shape_is_the_input_shape():
    assert parse("positional_encoding").output_shape((10, 8)) == (10, 8)
    assert parse("positional_encoding").output_shape((None, 8)) == (None, 8)


@pytest.mark.parametrize(
    ("item", "shape", "expected"),
    [
        ("positional_encoding", (10, 8), 0),
        ({"positional_encoding": "learned"}, (10, 8), 80),
        ({"positional_encoding": {"type": "learned", "max_length": 20}}, (10, 8), 160),
        ({"positional_encoding": {"type": "learned", "max_length": 20}}, (None, 8), 160),
    ],
)
def test_params_by_hand(item, shape, expected):
    assert parse(item).params(shape) == Params(expected)


def test_max_length_shorter_than_the_sequence_is_dls318():
    spec = parse({"positional_encoding": {"type": "learned", "max_length": 5}})
    with pytest.raises(ShapeError) as info:
        spec.output_shape((10, 8))
    assert info.value.code == "DLS318"
    assert "max_length 5" in info.value.message
    assert "at least 10" in info.value.hint


def test_learned_with_unknown_length_needs_max_length():
    with pytest.raises(ShapeError) as info:
        parse({"positional_encoding": "learned"}).params((None, 8))
    assert info.value.code == "DLS318"
    assert "max_length" in info.value.hint
    # The sinusoidal code has no table, so it takes sequences of any length.
    assert parse("positional_encoding").params((None, 8)) == Params(0)


@pytest.mark.parametrize("shape", [(8,), (4, 4, 8)])
def test_needs_a_rank2_input(shape):
    with pytest.raises(ShapeError) as info:
        parse("positional_encoding").output_shape(shape)
    assert info.value.code == "DLS301"


@pytest.mark.keras
@pytest.mark.parametrize(
    ("item", "shape"),
    [
        ("positional_encoding", (10, 8)),
        ("positional_encoding", (None, 7)),
        ({"positional_encoding": "learned"}, (10, 8)),
        ({"positional_encoding": {"type": "learned", "max_length": 20}}, (None, 6)),
    ],
)
def test_shape_and_params_match_keras(item, shape):
    import keras

    spec = parse(item)
    inputs = keras.Input(shape)
    model = keras.Model(inputs, spec.build("pos")(inputs))
    assert model.output_shape[1:] == spec.output_shape(shape)
    assert model.count_params() == spec.params(shape).total


@pytest.mark.keras
@pytest.mark.parametrize("width", [16, 7])
def test_sinusoidal_code_matches_the_formula(width):
    import keras

    steps = 50
    layer = parse("positional_encoding").build("pos")
    code = keras.ops.convert_to_numpy(layer(np.zeros((1, steps, width), "float32")))[0]
    for t in (0, 1, 7, 49):
        for k in range(0, width, 2):
            angle = t / 10000 ** (k / width)
            np.testing.assert_allclose(code[t, k], np.sin(angle), atol=1e-5)
            if k + 1 < width:
                np.testing.assert_allclose(code[t, k + 1], np.cos(angle), atol=1e-5)


@pytest.mark.keras
def test_learned_code_is_the_first_rows_of_its_table():
    import keras

    layer = parse({"positional_encoding": {"type": "learned", "max_length": 20}}).build("pos")
    inputs = keras.Input((None, 4))
    model = keras.Model(inputs, layer(inputs))
    table = keras.ops.convert_to_numpy(layer.table)
    assert table.shape == (20, 4)
    out = model.predict(np.ones((2, 5, 4), "float32"), verbose=0)
    np.testing.assert_allclose(out, np.broadcast_to(1 + table[:5], (2, 5, 4)), atol=1e-6)
