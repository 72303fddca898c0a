"""Turning spec files into the root Spec: ``extends``, ``--set`` overrides, parsing.

document.read -> resolve (extends, overrides) -> parse (pydantic) -> Spec + SourceMap
"""

from __future__ import annotations

import copy
import functools
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path as FilePath
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ValidationError

from dlspec.base import bare_name
from dlspec.diagnostics import Diagnostic, Span, SpecError, has_errors, make
from dlspec.layers import BY_KIND, ITEM_KEYS, arguments
from dlspec.layers.layer import LayerSpec
from dlspec.spec import document
from dlspec.spec.document import SourceMap
from dlspec.spec.errors import choice_model, dotted_path, to_diagnostics
from dlspec.spec.root import Spec

__all__ = ["load", "override", "parse", "resolve"]


OUTSIDE_HINT = "keep data and base specs in the spec's folder or below it"

# -- extends --------------------------------------------------------------------------------


def _merge(base: document.Document, child: document.Document) -> document.Document:
    """``child`` over ``base``: mappings merge key by key, anything else replaces.

    A choice whose ``type`` the child changes (``optimizer: {type: sgd, momentum: 0.9}`` over
    an Adam base) is replaced whole: the base's arguments belong to the other type.
    """
    replaced: list[tuple[Any, ...]] = []

    def merge(a: Any, b: Any, path: tuple[Any, ...]) -> Any:
        if isinstance(a, dict) and isinstance(b, dict):
            if "type" in b and b["type"] != a.get("type") and _is_choice(path):
                replaced.append(path)
                return b
            out = dict(a)
            for key, value in b.items():
                out[key] = merge(a[key], value, (*path, key)) if key in a else value
            return out
        return b

    data = merge(base.data, child.data, ())
    spans, key_spans = dict(base.spans), dict(base.key_spans)
    for path in replaced:
        _drop_under(spans, path)
        _drop_under(key_spans, path)
    for path in sorted(child.spans, key=len):
        if not isinstance(_get(child.data, path), dict):
            _drop_under(spans, path)
            _drop_under(key_spans, path)
    spans.update(child.spans)
    key_spans.update(child.key_spans)
    diagnostics = base.diagnostics + child.diagnostics
    return document.Document(data, child.file, spans, key_spans, diagnostics)


def _rebase_data_path(data: dict[Any, Any], base_folder: FilePath, folder: FilePath) -> None:
    """Make a base's relative data path relative to the spec that extends it.

    A path written in a base means a file beside the base, wherever the spec that extends it
    stands; the spec's data paths are read relative to its own folder, so the path is moved.
    """
    from dlspec.sources import SOURCES

    section = data.get("data")
    if not isinstance(section, dict):
        return
    source = section.get("source")
    if not isinstance(source, str) or ":" not in source:
        return
    scheme, _, location = source.partition(":")
    found = SOURCES.get(scheme)
    if found is None or not found.takes_path or not location or os.path.isabs(location):
        return
    moved = os.path.relpath(base_folder / location, folder)
    section["source"] = f"{scheme}:{FilePath(moved).as_posix()}"


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def _drop_under(spans: dict[tuple[Any, ...], Span], path: tuple[Any, ...]) -> None:
    for key in [k for k in spans if k[: len(path)] == path and len(k) > len(path)]:
        del spans[key]


def leaves_folder(written: str, path: FilePath, folder: FilePath) -> bool:
    """Whether a path is absolute as written, or leaves ``folder`` through ``..`` or links.

    DLS329: a shared spec should not read files elsewhere.
    """
    return FilePath(written).is_absolute() or not path.resolve().is_relative_to(folder)


def _read_with_bases(
    path: FilePath, chain: tuple[FilePath, ...], extends: str | None = None
) -> document.Document:
    """A spec file merged over its bases; ``extends`` is an ``extends=...`` override for it.

    A base outside the first spec's folder is DLS329, found here so that it is reported even
    when the base's own content does not parse.
    """
    doc = document.read(path)
    if not isinstance(doc.data, dict):
        return doc  # parse() reports DLS105
    if extends is not None:
        _apply_override(doc, extends)  # replaces the file's own 'extends' before it is read
    bases = doc.data.get("extends")
    if bases is None:
        return doc
    names = bases if isinstance(bases, list) else [bases]
    merged: document.Document | None = None
    for index, name in enumerate(names):
        where = ("extends", index) if isinstance(bases, list) else ("extends",)
        if not isinstance(name, str):
            continue  # parse() reports the wrong type
        # Read the base by the path as written (relative stays relative, so its diagnostics
        # and spans name it as the user does); compare resolved paths to find cycles.
        base_path = FilePath(os.path.normpath(path.parent / name))
        target = base_path.resolve()
        if target in chain or target == path.resolve():
            cycle = " -> ".join(p.name for p in (*chain, path.resolve(), target))
            doc.diagnostics.append(
                make(
                    "DLS106",
                    f"'extends' makes a cycle: {cycle}",
                    doc.span(where),
                    "a base spec must not extend, directly or not, the spec that extends it",
                )
            )
            continue
        if not target.is_file():
            doc.diagnostics.append(
                make("DLS107", f"cannot extend '{name}': no such file", doc.span(where))
            )
            continue
        folder = (chain[0] if chain else path.resolve()).parent
        if leaves_folder(name, base_path, folder):
            doc.diagnostics.append(
                make(
                    "DLS329",
                    f"'extends: {name}' reads a file outside the spec's folder ({folder})",
                    doc.span(where),
                    OUTSIDE_HINT,
                    warning=True,
                )
            )
        try:
            base = _read_with_bases(base_path, (*chain, path.resolve()))
        except SpecError as error:
            doc.diagnostics.extend(error.diagnostics)
            continue
        if isinstance(base.data, dict):
            _rebase_data_path(base.data, base_path.parent, path.parent)
        if not isinstance(base.data, dict):
            got = "an empty file" if base.data is None else f"a {type(base.data).__name__}"
            doc.diagnostics.extend(base.diagnostics)
            doc.diagnostics.append(
                make(
                    "DLS105",
                    f"cannot extend '{name}': expected a mapping of spec sections, got {got}",
                    doc.span(where),
                )
            )
            continue
        merged = base if merged is None else _merge(merged, base)
    if merged is None or not isinstance(merged.data, dict):
        return doc
    result = _merge(merged, doc)
    result.data.pop("extends", None)  # resolved: the stored spec stands alone
    return result


# -- --set overrides -------------------------------------------------------------------------

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
_PATH = re.compile(r"[^.\[\]]+(?:\.[^.\[\]]+|\[\d+\])*")


def _apply_override(doc: document.Document, text: str) -> None:
    """Apply one ``dotted.path=value`` override (the value is YAML) to the document."""
    file = "--set"
    dotted, sep, raw = text.partition("=")
    if not sep or not dotted.strip():
        doc.diagnostics.append(
            make(
                "DLS108",
                f"override '{text}' is not PATH=VALUE",
                Span(file, 1, 1, 1, len(text) + 1),
                "write e.g. --set training.epochs=5",
            )
        )
        return
    path_span = Span(file, 1, 1, 1, len(dotted) + 1)
    if not _PATH.fullmatch(dotted.strip()):
        doc.diagnostics.append(
            make(
                "DLS108",
                f"override path '{dotted}' is not dotted names with [index]es",
                path_span,
                "write e.g. --set model.layers[0].dense.units=32",
            )
        )
        return
    path: list[Any] = []
    for match in _SEGMENT.finditer(dotted.strip()):
        name, index = match.groups()
        path.append(int(index) if index is not None else int(name) if name.isdigit() else name)
    value_col = len(dotted) + 2
    try:
        value_doc = document.load(raw, file)
    except SpecError as error:
        doc.diagnostics.extend(_shifted(d, value_col - 1) for d in error.diagnostics)
        return
    doc.diagnostics.extend(_shifted(d, value_col - 1) for d in value_doc.diagnostics)
    node = doc.data
    for depth, key in enumerate(path[:-1]):
        following = path[depth + 1]
        if isinstance(node, list) and isinstance(key, int) and key < len(node):
            _reachable(node, key, following, tuple(path[: depth + 1]))
            node = node[key]
        elif isinstance(node, dict) and not isinstance(key, int):
            if key in node:
                _reachable(node, key, following, tuple(path[: depth + 1]))
            else:  # a section the file leaves out: the override creates it
                node[key] = _default_choice(tuple(path[: depth + 1]))
                doc.spans[tuple(path[: depth + 1])] = path_span
                doc.key_spans[tuple(path[: depth + 1])] = path_span
            node = node[key]
        else:
            past = f" past '{dotted_path(path[:depth])}'" if depth else ""
            doc.diagnostics.append(
                make("DLS108", f"override path '{dotted}' does not exist{past}", path_span)
            )
            return
    last = path[-1]
    if isinstance(node, list) and isinstance(last, int) and last < len(node):
        node[last] = value_doc.data
    elif isinstance(node, dict):
        if last == "type" and node.get("type") != value_doc.data:
            _keep_arguments_of(node, tuple(path[:-1]), value_doc.data, doc)
        node[last] = value_doc.data
    else:
        inside = dotted_path(path[:-1])
        doc.diagnostics.append(
            make(
                "DLS108",
                f"override path '{dotted}' names no spec field: '{inside}' is "
                f"{_kind_of(node)}, not a mapping",
                path_span,
                f"set '{inside}' itself, e.g. --set {inside}=...",
            )
        )
        return
    target = tuple(path)
    _drop_under(doc.spans, target)
    _drop_under(doc.key_spans, target)
    doc.key_spans[target] = path_span
    for sub, span in value_doc.spans.items():
        doc.spans[target + sub] = _shift(span, value_col - 1)


def _keep_arguments_of(
    node: dict[Any, Any], path: tuple[Any, ...], kind: Any, doc: document.Document
) -> None:
    """Drop the arguments of a choice's old type that its new ``kind`` does not take.

    ``--set optimizer.type=adam`` on ``{type: sgd, learning_rate: 0.1, momentum: 0.9}`` keeps
    the learning rate and drops the momentum, as a sweep over optimizers needs: a choice whose
    type changes keeps what both types share.
    """
    model = choice_model(Spec, path, kind) if _is_choice(path) else None
    if model is None:
        return
    for key in [k for k in node if k != "type" and k not in model.model_fields]:
        del node[key]
        _drop_under(doc.spans, (*path, key))
        _drop_under(doc.key_spans, (*path, key))
        doc.spans.pop((*path, key), None)
        doc.key_spans.pop((*path, key), None)


def _default_choice(path: tuple[Any, ...]) -> dict[str, Any]:
    """A section the file leaves out, as an override starts it: its default's ``type``.

    ``--set optimizer.learning_rate=0.1`` on a spec without an optimizer sets the learning rate
    of the default optimizer (adam), as the spec would read with ``optimizer: adam`` written.
    """
    field = Spec.model_fields.get(path[0]) if len(path) == 1 and _is_choice(path) else None
    default = field.get_default(call_default_factory=True) if field is not None else None
    kind = getattr(default, "type", None)
    return {"type": kind} if isinstance(kind, str) else {}


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    return "a list" if isinstance(value, list) else "text" if isinstance(value, str) else "set"


def _reachable(node: Any, key: Any, following: Any, path: tuple[Any, ...]) -> None:
    """Rewrite ``node[key]`` in its full form where a shorter one hides ``following``.

    A layer item as a bare kind (``- flatten``), a shorthand (``dropout: 0.1``,
    ``max_pooling2d: [2, 2]``, ``bidirectional: {lstm: 64}``) or a choice as a bare name
    (``optimizer: sgd``) has no place for one argument: the override first writes it as
    ``{kind: {arguments}}`` or ``{type: name}``, read the way validation reads it.
    """
    value = node[key]
    if value is None and isinstance(following, str):
        node[key] = {}  # a section written as off (``early_stopping: null``) gains a field
    elif isinstance(following, str) and (long := _long_form(path, value)) is not None:
        node[key] = long  # ``early_stopping: 10`` is ``{patience: 10}``
    elif isinstance(value, str) and value == following and following in BY_KIND:
        node[key] = {value: {}}  # a bare kind gains arguments
    elif isinstance(node, dict) and key in BY_KIND and key in _item_keys(node):
        if not (isinstance(value, dict) and following in value):
            found = arguments(key, value)
            if found is not None:
                node[key] = found
    elif isinstance(value, str) and following != "type" and _is_choice(path):
        node[key] = bare_name(value)


def _item_keys(node: dict[Any, Any]) -> list[Any]:
    """The kind key of a layer item (a mapping of one kind, and maybe ``name`` and ``from``)."""
    keys = [k for k in node if k not in ITEM_KEYS]
    return keys if len(keys) == 1 else []


@functools.cache
def _validated_fields() -> dict[tuple[str, ...], tuple[Callable[..., Any], ...]]:
    """Spec paths (outside layers) and the functions that read their written form first."""
    found: dict[tuple[str, ...], tuple[Callable[..., Any], ...]] = {}

    def visit(model: type[BaseModel], prefix: tuple[str, ...], seen: frozenset[type]) -> None:
        for name, field in model.model_fields.items():
            where = (*prefix, name)
            before = (*_before(field.metadata), *_before_inside(field.annotation))
            if before:
                found[where] = before
            for inner in _models(field.annotation):
                if inner not in seen and not issubclass(inner, LayerSpec):
                    visit(inner, where, seen | {inner})

    visit(Spec, (), frozenset({Spec}))
    return found


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models an annotation names, through unions and ``Annotated``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in get_args(annotation) for model in _models(arg)]


def _before(metadata: Any) -> tuple[Callable[..., Any], ...]:
    return tuple(item.func for item in metadata if isinstance(item, BeforeValidator))


def _before_inside(annotation: Any) -> tuple[Callable[..., Any], ...]:
    """The before-validators of an annotation and of its members (``X | None``), not items'."""
    own = _before(getattr(annotation, "__metadata__", ()))
    members = get_args(annotation) if get_origin(annotation) in (Union, UnionType) else ()
    return own + tuple(f for arg in members for f in _before_inside(arg))


def _is_choice(path: tuple[Any, ...]) -> bool:
    return bare_name in _validated_fields().get(tuple(path), ())


def _long_form(path: tuple[Any, ...], value: Any) -> dict[Any, Any] | None:
    """The mapping a shorthand at ``path`` stands for (``early_stopping: 10``), or None."""
    for read in _validated_fields().get(tuple(path), ()):
        if read is not bare_name and isinstance(written := read(value), dict):
            return written
    return None


def _shift(span: Span, cols: int) -> Span:
    """A span in an override's value, moved to where the value stands in PATH=VALUE."""
    start = span.col + cols if span.line == 1 else span.col
    end = span.end_col + cols if span.end_line == 1 else span.end_col
    return Span(span.file, span.line, start, span.end_line, end)


def _shifted(diagnostic: Diagnostic, cols: int) -> Diagnostic:
    return replace(diagnostic, span=_shift(diagnostic.span, cols))


# -- public API --------------------------------------------------------------------------------


def resolve(path: str | FilePath, overrides: Sequence[str] = ()) -> document.Document:
    """Read a spec file with its ``extends`` bases merged under it and overrides applied.

    ``--set extends=BASE`` (or a list) takes the place of the file's own ``extends``, a path
    relative to the spec's folder as if written in it; the last such override wins.

    Raises:
        SpecError: the file cannot be read or is not YAML.
    """
    bases = [text for text in overrides if text.partition("=")[0].strip() == "extends"]
    doc = _read_with_bases(FilePath(path), (), bases[-1] if bases else None)
    if overrides and not isinstance(doc.data, dict):
        return doc
    for text in overrides:
        if text not in bases:
            _apply_override(doc, text)
    return doc


def override(doc: document.Document, path: str, value: Any) -> document.Document:
    """A copy of a resolved document with ``path`` (as ``--set`` takes it) set to ``value``.

    What the override could not do (a path that names no field) is among the copy's
    diagnostics, as ``--set`` reports it.
    """
    copied = copy.deepcopy(doc)
    _apply_override(copied, f"{path}={document.dump(value).strip()}")
    return copied


def parse(doc: document.Document) -> tuple[Spec, SourceMap]:
    """Validate a resolved document into a Spec.

    Raises:
        SpecError: with every diagnostic found: the document's own and the schema's.
    """
    diagnostics: list[Diagnostic] = list(doc.diagnostics)
    source_map = SourceMap(doc)
    if not isinstance(doc.data, dict):
        got = "an empty file" if doc.data is None else f"a {type(doc.data).__name__}"
        diagnostics.append(
            make(
                "DLS105",
                f"expected a mapping of spec sections, got {got}",
                doc.span(()),
                "a spec needs at least 'task' and 'model' (see 'dlspec schema')",
            )
        )
        raise SpecError(diagnostics)
    spec = None
    try:
        spec = Spec.model_validate(doc.data)
    except ValidationError as error:
        # A value the loader could not read (an unsafe tag, a bad scalar) stands as null; its
        # own diagnostic says why, so a schema complaint about that null would only mislead.
        unread = {_place(d) for d in doc.diagnostics if d.code in ("DLS101", "DLS103")}
        diagnostics.extend(d for d in to_diagnostics(error, source_map) if _place(d) not in unread)
    if spec is None or has_errors(diagnostics):
        raise SpecError(diagnostics)
    if spec.name is None:
        spec = spec.model_copy(update={"name": FilePath(doc.file).stem})
    return spec, source_map


def _place(diagnostic: Diagnostic) -> tuple[str, int, int]:
    return diagnostic.span.file, diagnostic.span.line, diagnostic.span.col


def load(path: str | FilePath, overrides: Sequence[str] = ()) -> tuple[Spec, SourceMap]:
    """Resolve and parse a spec file in one step.

    Raises:
        SpecError: with every diagnostic found.
    """
    return parse(resolve(path, overrides))
