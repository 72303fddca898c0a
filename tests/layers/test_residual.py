import pytest
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.residual import ResidualSpec

parse = TypeAdapter(LayerItem).validate_python

STRIDED_CONV = {"conv2d": {"filters": 8, "kernel_size": 3, "strides": 2, "padding": "same"}}

# (item, input shape, output shape, parameters), each counted by hand.
CASES = {
    # identity shortcut: 2 * (8*8 + 8)
    "identity": ({"residual": [{"dense": 8}, {"dense": 8}]}, (8,), (8,), 2 * (8 * 8 + 8)),
    # body 8*16 + 16, projection the same
    "dense_projection": ({"residual": [{"dense": 16}]}, (8,), (16,), 2 * (8 * 16 + 16)),
    # body 3*3*3*8 + 8; 1x1 stride-2 projection 3*8 + 8
    "conv_projection": (
        {"residual": {"layers": [STRIDED_CONV], "activation": "relu"}},
        (16, 16, 3),
        (8, 8, 8),
        (3 * 3 * 3 * 8 + 8) + (3 * 8 + 8),
    ),
    # a sequence shrunk by a stride-2 conv1d: body 3*4*6 + 6, projection 4*6 + 6
    "conv1d_projection": (
        {
            "residual": [
                {"conv1d": {"filters": 6, "kernel_size": 3, "strides": 2, "padding": "same"}}
            ]
        },
        (9, 4),
        (5, 6),
        (3 * 4 * 6 + 6) + (4 * 6 + 6),
    ),
}


def test_parses_the_bare_list_and_the_mapping_forms():
    short = parse({"residual": [{"dense": 8}, {"dropout": 0.1}]})
    assert isinstance(short, ResidualSpec)
    assert [layer.kind for layer in short.layers] == ["dense", "dropout"]
    assert (short.projection, short.activation) == (True, None)
    full = parse(
        {"residual": {"layers": [{"dense": 8}], "projection": False, "activation": "relu"}}
    )
    assert (full.projection, full.activation) == (False, "relu")


@pytest.mark.parametrize(
    "item",
    [
        {"residual": []},
        {"residual": {"layers": [{"dense": 8}], "activation": "rleu"}},
        {"residual": {"layers": [{"dens": 8}]}},
        {"residual": {"body": [{"dense": 8}]}},
    ],
)
def test_rejects_bad_values(item):
    with pytest.raises(ValidationError):
        parse(item)


@pytest.mark.parametrize("case", CASES)
def test_shape_and_params_by_hand(case):
    item, shape, output, params = CASES[case]
    spec = parse(item)
    assert spec.output_shape(shape) == output
    assert spec.params(shape) == Params(params)


def test_shape_change_without_projection_is_dls303():
    spec = parse({"residual": {"layers": [{"dense": 16}], "projection": False}})
    with pytest.raises(ShapeError) as info:
        spec.output_shape((8,))
    assert info.value.code == "DLS303"
    assert "projection" in info.value.hint


def test_shape_change_no_projection_fits_is_dls303():
    spec = parse({"residual": [{"conv2d": {"filters": 4, "kernel_size": 3}}, "flatten"]})
    with pytest.raises(ShapeError) as info:
        spec.params((8, 8, 3))
    assert info.value.code == "DLS303"


def test_error_inside_the_body_points_at_the_item():
    spec = parse({"residual": [{"dense": 8}, STRIDED_CONV]})
    with pytest.raises(ShapeError) as info:
        spec.output_shape((8,))
    assert info.value.at == ("layers", 1)
    assert info.value.code == "DLS301"


@pytest.mark.keras
@pytest.mark.parametrize("case", CASES)
def test_shape_and_params_match_keras(case):
    import keras

    item, shape, output, params = CASES[case]
    spec = parse(item)
    inputs = keras.Input(shape)
    model = keras.Model(inputs, spec.build("residual_1")(inputs))
    assert model.output_shape[1:] == output
    assert model.count_params() == params


@pytest.mark.keras
def test_projection_is_a_strided_1x1_convolution_when_the_body_shrinks():
    import keras

    layer = parse(CASES["conv_projection"][0]).build("residual_1")
    layer(keras.Input((16, 16, 3)))
    assert isinstance(layer.shortcut, keras.layers.Conv2D)
    assert layer.shortcut.kernel_size == (1, 1)
    assert layer.shortcut.strides == (2, 2)


@pytest.mark.keras
def test_body_layers_are_named_after_the_block_unless_named():
    layer = parse({"residual": [{"dense": 8}, {"dense": 8, "name": "mine"}]}).build("res")
    assert [sub.name for sub in layer.body] == ["res_dense_1", "mine"]
