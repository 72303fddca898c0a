"""Build the Keras model of a checked spec: one named Keras layer per spec layer, then the head.

The model uses the functional API, so ``model.get_layer(name)`` finds each spec layer under the
name static inference gave it (``dense_1``, or the spec's own ``name:``) and the head as
``"head"``. Layers are built from the resolved specs in the inference, which carry defaults
taken from the data (an embedding's ``input_dim``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import keras

from dlspec import check
from dlspec.check import Inference
from dlspec.check.shapes import INPUT, LayerInfo
from dlspec.compiler.heads import compile, head
from dlspec.diagnostics import SpecError, has_errors
from dlspec.layers.recurrent import RecurrentSpec
from dlspec.spec import Spec


def model(spec: Spec, inference: Inference, *, head_units: int | None = None) -> keras.Model:
    """The uncompiled ``keras.Model`` of a spec, from its static inference.

    Args:
        spec: the parsed spec.
        inference: ``check.run(spec, ...)`` for it, free of errors.
        head_units: the head's width, needed only where static inference could not tell it
            (a source whose classes are known once the data loads); ignored otherwise.

    Returns:
        A functional model named after the spec: ``Input(name="input")`` (or one input per
        name of ``model.inputs``, taking a dict of arrays by name), each body layer on
        the outputs it takes (the one before it, or those its ``from`` names; a recurrent
        layer's second name gives its initial state, the final state of that layer), then
        ``Dense(units, task activation, name="head")`` on ``model.output`` (the last layer).
        Under ``training.mixed_precision`` the body computes in 16 bits, the head in float32.

    Raises:
        SpecError: the inference holds errors.
        ValueError: the input shape or the head's width is not known statically and not given.
    """
    if has_errors(inference.diagnostics):
        raise SpecError(inference.diagnostics)
    if inference.inputs is None:
        raise ValueError(
            f"{spec.name}: the input shape is known only once the data loads; set model.input"
        )
    # The head's row is the one without a layer spec: the task table appends it.
    body = [row for row in inference.layers if row.spec is not None]
    heads = [row for row in inference.layers if row.spec is None]
    if len(body) != len(spec.model.layers):
        raise ValueError(f"{spec.name}: static inference stopped early; fix the spec first")
    if heads and heads[-1].output_shape[-1] is not None:
        units = heads[-1].output_shape[-1]
    elif head_units is not None:
        units = head_units
    else:
        raise ValueError(
            f"{spec.name}: the head's width is known only once the data loads; pass head_units"
        )
    with precision(spec.training.precision):
        return _build(spec, inference, body, units)


@contextmanager
def precision(policy: str) -> Iterator[None]:
    """Keras's global dtype policy is ``policy`` while the block builds layers, then as it was.

    Each layer keeps the policy it was built under (and saves it in ``model.keras``).
    """
    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(policy)
    try:
        yield
    finally:
        keras.config.set_dtype_policy(previous)


def _build(spec: Spec, inference: Inference, body: list[LayerInfo], units: int) -> keras.Model:
    assert inference.inputs is not None  # model() checked
    inputs = {
        name: keras.Input(shape=shape, dtype=dtype, name=name)
        for name, (shape, dtype) in inference.inputs.items()
    }
    # Each layer takes the outputs static inference found for it: the one before it, or those
    # its 'from' names (a merge takes them as a list).
    tensors = dict(inputs)
    # A recurrent layer that a later one takes its initial state from (an encoder) also
    # returns its final state: ``from: [sequence, encoder]`` (checked by static inference).
    givers = {
        row.inputs[1]
        for row in body
        if isinstance(row.spec, RecurrentSpec) and len(row.inputs) == 2
    }
    states: dict[str, list[keras.KerasTensor]] = {}
    for row in body:
        assert row.spec is not None
        taken = [tensors[name] for name in row.inputs]
        if row.name in givers:
            assert isinstance(row.spec, RecurrentSpec)
            layer = row.spec.build(row.name, return_state=True)
        else:
            layer = row.spec.build(row.name)
        if row.spec.MERGES:
            out = layer(taken)
        elif row.spec.PAIRED:  # a sequence and the context it attends to
            out = layer(taken[0], taken[1])
        elif isinstance(row.spec, RecurrentSpec) and len(taken) == 2:
            out = layer(taken[0], initial_state=states[row.inputs[1]])
        else:
            out = layer(taken[0])
        if row.name in givers:
            out, *states[row.name] = out
        tensors[row.name] = out
    outputs = head(spec.task, units)(tensors[inference.output])
    # Named inputs take a dict of arrays by name; the one input of a chain takes an array.
    return keras.Model(inputs if inference.named else inputs[INPUT], outputs, name=spec.name)


def from_file(path: str | Path, overrides: Sequence[str] = ()) -> keras.Model:
    """Analyse a spec file, build its model and compile it.

    Raises:
        SpecError: with every diagnostic when the spec has errors.
    """
    spec, _, inference = check.analyse(path, overrides)
    built = model(spec, inference)
    compile(built, spec)
    return built
