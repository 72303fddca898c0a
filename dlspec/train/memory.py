"""Refusing, before anything is built, a model whose training cannot fit in this machine's memory.

A model of ten billion parameters passes every static check and then dies in the backend's
allocator (TensorFlow's ``ResourceExhaustedError``) after minutes. The floor of what training
needs is known from the spec alone: every weight, a gradient for each trainable one, and the
optimizer's slots (Adam keeps two moments a weight), all in float32. Activations and data come
on top, so the estimate only refuses what can never fit.
"""

from __future__ import annotations

import os

from dlspec.check import Inference
from dlspec.diagnostics import Span, SpecError, make
from dlspec.spec import Spec
from dlspec.spec.document import SourceMap

FLOAT32 = 4  # bytes
GIB = 2**30


def optimizer_slots(spec: Spec) -> int:
    """The optimizer's own variables per trainable weight, as Keras allocates them."""
    optimizer = spec.optimizer
    if optimizer.type in ("adam", "adamw"):
        return 2  # first and second moments
    if optimizer.type == "rmsprop":
        return 1 + (optimizer.momentum > 0) + optimizer.centered
    if optimizer.type == "adagrad":
        return 1  # accumulators
    return 1 if getattr(optimizer, "momentum", 0) > 0 else 0  # sgd: a velocity with momentum


def needed(spec: Spec, inference: Inference) -> int:
    """Bytes that training needs at the least: weights, gradients and optimizer slots."""
    params = inference.params
    return FLOAT32 * (params.total + params.trainable * (1 + optimizer_slots(spec)))


def physical() -> int | None:
    """This machine's memory in bytes, where the system says."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, OSError, ValueError):
        return None


def check(spec: Spec, inference: Inference, source_map: SourceMap | None) -> None:
    """Refuse a model that cannot train in this machine's memory (DLS415).

    Raises:
        SpecError: DLS415, located at ``model``, with what it needs and what there is.
    """
    have = physical()
    need = needed(spec, inference)
    if have is None or need <= have:
        return
    where = source_map.locate(("model",)) if source_map is not None else Span.point("spec")
    params = inference.params
    raise SpecError(
        [
            make(
                "DLS415",
                f"training {params.total:,} parameters needs at least {need / GIB:,.0f} GiB "
                f"(weights, gradients and {optimizer_slots(spec)} optimizer slots per weight, in "
                f"float32); this machine has {have / GIB:,.0f} GiB",
                where,
                "shrink the model (fewer units, filters or layers), or train it on a machine "
                "with more memory",
            )
        ]
    )
