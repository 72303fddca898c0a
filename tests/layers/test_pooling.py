"""What the pooling kinds share through dlspec/layers/pooling.py, tested once for every kind.

``max_pooling1d`` and ``average_pooling1d`` extend Pooling1DSpec, ``max_pooling2d`` and
``average_pooling2d`` Pooling2DSpec: the same arguments, shapes and errors. What each kind
computes (maxima or means) is tested in its own test_<kind>.py.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from dlspec.base import Params, ShapeError
from dlspec.layers import LayerItem
from dlspec.layers.average_pooling1d import AveragePooling1DSpec
from dlspec.layers.average_pooling2d import AveragePooling2DSpec
from dlspec.layers.max_pooling1d import MaxPooling1DSpec
from dlspec.layers.max_pooling2d import MaxPooling2DSpec

parse = TypeAdapter(LayerItem).validate_python

POOLING_1D = ["max_pooling1d", "average_pooling1d"]
POOLING_2D = ["max_pooling2d", "average_pooling2d"]


def each(kinds, cases):
    """``(kind, *case)`` for every kind and every case, as ``parametrize`` rows."""
    return [(kind, *case) for kind in kinds for case in cases]


@pytest.mark.parametrize(
    ("kind", "cls", "strides"),
    [
        ("max_pooling1d", MaxPooling1DSpec, 1),
        ("average_pooling1d", AveragePooling1DSpec, 1),
        ("max_pooling2d", MaxPooling2DSpec, [1, 2]),
        ("average_pooling2d", AveragePooling2DSpec, [1, 2]),
    ],
)
def test_parses_shorthand_bare_and_mapping_forms(kind, cls, strides):
    assert parse(kind) == cls(kind=kind)
    assert parse({kind: 3}).pool_size == 3
    spec = parse({kind: {"pool_size": 3, "strides": strides, "padding": "same"}})
    assert (spec.pool_size, spec.strides, spec.padding) == (3, strides, "same")


@pytest.mark.parametrize("kind", POOLING_2D)
def test_2d_shorthand_takes_a_pair(kind):
    assert parse({kind: [2, 3]}).pool_size == [2, 3]


@pytest.mark.parametrize(
    ("kind", "value"),
    each(POOLING_1D, [(0,), ([2, 2],), ({"strides": 0},), ({"padding": "causal"},)])
    + each(POOLING_2D, [(0,), ([2, 2, 2],), ({"strides": [1, 0]},)])
    + each(POOLING_1D + POOLING_2D, [({"padding": "full"},)]),
)
def test_rejects_bad_values(kind, value):
    with pytest.raises(ValidationError):
        parse({kind: value})


SHAPES_1D = [
    ({}, (100, 8), (50, 8)),
    ({}, (5, 1), (2, 1)),
    ({"padding": "same"}, (5, 1), (3, 1)),
    ({"pool_size": 3, "strides": 1}, (5, 2), (3, 2)),
    ({"pool_size": 3, "strides": 2, "padding": "same"}, (6, 2), (3, 2)),
    ({}, (None, 4), (None, 4)),
]
SHAPES_2D = [
    ({}, (28, 28, 6), (14, 14, 6)),
    ({}, (5, 5, 1), (2, 2, 1)),
    ({"padding": "same"}, (5, 5, 1), (3, 3, 1)),
    ({"pool_size": 3, "strides": 1}, (5, 5, 1), (3, 3, 1)),
    ({"pool_size": [3, 2], "strides": [2, 1]}, (7, 7, 2), (3, 6, 2)),
    ({"pool_size": 3, "strides": 2, "padding": "same"}, (7, 8, 2), (4, 4, 2)),
    ({}, (None, 10, 4), (None, 5, 4)),
]


@pytest.mark.parametrize(
    ("kind", "args", "shape", "out"), each(POOLING_1D, SHAPES_1D) + each(POOLING_2D, SHAPES_2D)
)
def test_output_shape_by_hand(kind, args, shape, out):
    spec = parse({kind: args})
    assert spec.output_shape(shape) == out
    assert spec.params(shape) == Params()


@pytest.mark.parametrize(
    ("kind", "shape", "needs"),
    each(POOLING_1D, [((28, 28, 1), "rank-2 input (steps, channels)")])
    + each(
        POOLING_2D,
        [
            ((64,), "rank-3 input (height, width, channels)"),
            ((10, 4), "rank-3 input (height, width, channels)"),
        ],
    ),
)
def test_wrong_rank_is_dls301(kind, shape, needs):
    with pytest.raises(ShapeError) as info:
        parse(kind).output_shape(shape)
    assert info.value.code == "DLS301"
    assert needs in info.value.message


@pytest.mark.parametrize(
    ("kind", "pool_size", "shape", "shrinks"),
    each(POOLING_1D, [(4, (3, 8), "(3,) to (0,) with pool_size 4 and strides 4")])
    + each(POOLING_2D, [(7, (5, 5, 1), "(5, 5) to (0, 0) with pool_size 7 and strides 7")]),
)
def test_shrinking_below_one_is_dls302(kind, pool_size, shape, shrinks):
    with pytest.raises(ShapeError) as info:
        parse({kind: pool_size}).output_shape(shape)
    assert info.value.code == "DLS302"
    assert info.value.message == f"{kind} shrinks {shrinks}"
    assert "padding: same" in info.value.hint
    assert "a smaller pool_size" in info.value.hint


@pytest.mark.keras
@pytest.mark.parametrize(
    ("kind", "args", "shape"),
    each(
        POOLING_1D,
        [(args, shape) for args, shape, _ in SHAPES_1D]
        + [({"pool_size": 2, "strides": 3}, (10, 2))],
    )
    + each(
        POOLING_2D,
        [(args, shape) for args, shape, _ in SHAPES_2D]
        + [({"pool_size": [2, 4], "padding": "same"}, (7, 9, 3))],
    ),
)
def test_matches_keras(keras_run, kind, args, shape):
    spec = parse({kind: args})
    assert keras_run(spec, shape) == (spec.output_shape(shape), Params())


@pytest.mark.keras
@pytest.mark.parametrize("kind", POOLING_2D)
@settings(max_examples=30, deadline=None)
@given(
    side=st.integers(1, 12),
    pool=st.integers(1, 5),
    strides=st.none() | st.integers(1, 3),
    padding=st.sampled_from(["valid", "same"]),
)
def test_2d_agrees_with_keras_on_random_configurations(
    keras_agrees, kind, side, pool, strides, padding
):
    spec = parse({kind: {"pool_size": pool, "strides": strides, "padding": padding}})
    keras_agrees(spec, (side, side + 2, 1))
