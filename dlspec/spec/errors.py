"""pydantic's validation errors as located diagnostics, in the words of the spec language.

pydantic reports a path through the *normalised* data (``('model', 'layers', 0, 'dense',
'units')``, where ``'dense'`` is the discriminator tag); the YAML a user wrote may be a shorthand
(``- dense: 16``). ``SourceMap.locate`` walks the path through the data as written, skipping the
segments that only pydantic sees, and stops at the deepest value that exists.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from dlspec.diagnostics import Diagnostic, did_you_mean, make
from dlspec.layers import ITEM_KEYS
from dlspec.spec.document import SourceMap

# -- which model a loc ends in, for field names and ranges ---------------------------------------


def _members(annotation: Any) -> list[Any]:
    """Unwrap Annotated / Optional / Union into the candidate types."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        out: list[Any] = []
        for arg in get_args(annotation):
            out.extend(_members(arg))
        return out
    return [annotation]


def _step(annotation: Any, segment: Any) -> Any:
    """The annotation one loc segment below ``annotation`` (None when it cannot tell)."""
    for member in _members(annotation):
        origin = get_origin(member)
        if isinstance(member, type) and issubclass(member, BaseModel):
            if segment in member.model_fields:
                return member.model_fields[segment].annotation
            tag = _tag_field(member)
            if tag and segment == _literal(member, tag):
                return member
        elif origin in (list, tuple) and isinstance(segment, int):
            return get_args(member)[0]
        elif origin is dict:
            return get_args(member)[1]
    return None


def _tag_field(model: type[BaseModel]) -> str | None:
    for name in ("kind", "type"):
        if name in model.model_fields:
            return name
    return None


def _literal(model: type[BaseModel], field: str) -> Any:
    args = get_args(model.model_fields[field].annotation)
    return args[0] if args else None


def model_at(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic model that holds the last segment of ``loc`` as a field."""
    annotation: Any = root
    owner: type[BaseModel] | None = None
    for segment in loc:
        models = [
            m for m in _members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)
        ]
        for model in models:
            if segment in model.model_fields:
                owner = model
        annotation = _step(annotation, segment)
        if annotation is None:
            return None
    return owner


def choice_model(root: type[BaseModel], path: tuple[Any, ...], tag: Any) -> type[BaseModel] | None:
    """The member of the choice at ``path`` whose ``type`` (or ``kind``) is ``tag``, or None."""
    annotation: Any = root
    for segment in path:
        annotation = _step(annotation, segment)
        if annotation is None:
            return None
    found = _step(annotation, tag)
    return found if isinstance(found, type) and issubclass(found, BaseModel) else None


LONGEST_NUMBER = 20  # digits of a number echoed as it is; a longer one is described by its length


def _inside(file: str, source_map: SourceMap) -> bool:
    """Whether ``file`` is the spec, ``--set``, or a file in (or below) the spec's folder."""
    if file in (source_map.doc.file, "--set"):
        return True
    return Path(file).resolve().is_relative_to(Path(source_map.doc.file).resolve().parent)


def _describe_kind(value: Any) -> str:
    if value is None or isinstance(value, bool | dict | list):
        return _describe_value(value)
    return "text" if isinstance(value, str) else "a number"


def _describe_value(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, int) and abs(value) >= 10**LONGEST_NUMBER:
        digits = len(str(abs(value)))
        return f"a {digits}-digit number"
    return str(value)


_EXPECTED = {
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "string": "a string",
    "str": "a string",
    "list": "a list",
    "tuple": "a list",
    "dict": "a mapping",
    "model": "a mapping",
    "model_attributes": "a mapping",
    "literal": "one of the listed names",
}


# Upper bounds from this size on are what a tensor's dimension or a seed can hold.
TECHNICAL_LIMIT = 2**31 - 1


def _interval(model: type[BaseModel] | None, field: Any) -> str | None:
    if model is None or field not in model.model_fields:
        return None
    lo: Any = None
    hi: Any = None
    lo_closed = hi_closed = False
    for meta in _constraints(model.model_fields[field]):
        if isinstance(meta, annotated_types.Ge):
            lo, lo_closed = meta.ge, True
        elif isinstance(meta, annotated_types.Gt):
            lo, lo_closed = meta.gt, False
        elif isinstance(meta, annotated_types.Le):
            hi, hi_closed = meta.le, True
        elif isinstance(meta, annotated_types.Lt):
            hi, hi_closed = meta.lt, False
    if hi is not None and hi >= TECHNICAL_LIMIT:
        hi = None  # a limit of the machine, not of the model: named only when a value passes it
    if lo is not None and hi is not None:
        return f"in {'[' if lo_closed else '('}{lo}, {hi}{']' if hi_closed else ')'}"
    if lo is not None:
        return f"{'>=' if lo_closed else '>'} {lo}"
    if hi is not None:
        return f"{'<=' if hi_closed else '<'} {hi}"
    return None


def _constraints(info: Any) -> list[Any]:
    found = list(info.metadata)
    for member in _members_with_meta(info.annotation):
        found.extend(member)
    return found


def _members_with_meta(annotation: Any) -> list[list[Any]]:
    out: list[list[Any]] = []
    if get_origin(annotation) is Annotated:
        args = get_args(annotation)
        out.append(list(args[1:]))
        for meta in args[1:]:
            out.append(list(getattr(meta, "metadata", [])))
        out.extend(_members_with_meta(args[0]))
    elif get_origin(annotation) in (Union, types.UnionType):
        for arg in get_args(annotation):
            out.extend(_members_with_meta(arg))
    return out


def _where(loc: tuple[Any, ...], source_map: SourceMap) -> str:
    """How messages name the mapping that holds the last segment of ``loc``."""
    path, _ = source_map.walk(loc[:-1])
    node = source_map.doc.data
    for key in path:
        node = node[key]
    layers = ("layers", "layer")
    # A layer item itself (``- dense: ...``), named by its one kind.
    if len(path) >= 2 and isinstance(path[-1], int) and path[-2] in layers:
        if isinstance(node, dict) and len([k for k in node if k not in ITEM_KEYS]) == 1:
            return f"{next(k for k in node if k not in ITEM_KEYS)} layer"
    # A layer's arguments, however written: a mapping, a shorthand value, or nothing.
    if len(path) >= 2 and isinstance(path[-1], str):
        if isinstance(path[-2], int) or path[-2] in layers:
            return f"{path[-1]} layer"
    return f"'{dotted_path(path)}'" if path else "the spec"


def dotted_path(path: tuple[Any, ...] | list[Any]) -> str:
    """A path as users write it, in messages and ``--set``: ``model.layers[0].dense``."""
    text = ""
    for key in path:
        text += f"[{key}]" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def to_diagnostics(error: ValidationError, source_map: SourceMap) -> list[Diagnostic]:
    """Turn every pydantic error into a located Diagnostic (one per place)."""
    from dlspec.spec.root import Spec

    out: list[Diagnostic] = []
    seen: set[tuple[int, int, str]] = set()
    for detail in _best_members(error.errors(include_url=False), source_map):
        diag = _one(detail, source_map, Spec)
        place = (diag.span.line, diag.span.col, diag.span.file)
        if place in seen:
            continue  # a union tried several types on one value: report it once
        seen.add(place)
        out.append(diag)
    return out


def _best_members(details: list[ErrorDetails], source_map: SourceMap) -> list[ErrorDetails]:
    """Drop a union member's error about the whole value when another member took the value.

    ``class_weight: {0: -1}`` fails ``'balanced'`` (not a mapping) and the mapping member (a
    weight below 0); only the second says what is wrong. pydantic names the member in the loc
    (``('training', 'class_weight', "literal['balanced']")``), a segment the YAML lacks.
    """
    locs = [tuple(d["loc"]) for d in details]

    def shadowed(loc: tuple[Any, ...]) -> bool:
        if not loc or source_map.walk(loc)[1]:
            return False
        stem, member = loc[:-1], loc[-1]
        return any(
            len(other) > len(loc) and other[: len(stem)] == stem and other[len(stem)] != member
            for other in locs
        )

    return [
        d
        for d, loc in zip(details, locs, strict=True)
        if d["type"] == "missing" or not shadowed(loc)
    ]


def _one(detail: ErrorDetails, source_map: SourceMap, root: type[BaseModel]) -> Diagnostic:
    kind, loc, value = detail["type"], tuple(detail["loc"]), detail.get("input")
    ctx: dict[str, Any] = dict(detail.get("ctx") or {})
    span = source_map.locate(loc)
    field = loc[-1] if loc else None
    # A value from a file outside the spec's folder (a base of 'extends', DLS329) is described
    # by its kind only: a spec from elsewhere must not make lint print what such a file holds.
    _describe = _describe_value if _inside(span.file, source_map) else _describe_kind

    if kind == "extra_forbidden":
        owner = model_at(root, loc[:-1] + ("\0",)) or _owner_of_extra(root, loc)
        choices = [f for f in (owner.model_fields if owner else {}) if f not in ("kind", "type")]
        return make(
            "DLS201",
            f"unknown key '{field}' in {_where(loc, source_map)}",
            source_map.locate_key(loc),
            did_you_mean(str(field), choices)
            or (f"allowed keys: {', '.join(choices)}" if choices else None),
        )
    if kind == "missing":
        return make(
            "DLS202",
            f"missing required key '{field}' in {_where(loc, source_map)}",
            span,
            f"add '{field}: ...'",
        )
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return _tag_error(kind, loc, ctx, source_map)
    if kind == "layer_item":
        return make("DLS207", detail["msg"], span, "write a layer as '- dense: {units: 16}'")
    if kind == "bad_source":
        return make("DLS210", detail["msg"], span, ctx.get("hint"))
    if kind == "literal_error":
        expected = _literal_choices(root, loc)
        if loc == ("dlspec",):
            return make(
                "DLS208",
                f"unsupported format version {_describe(value)}: this release reads version 1",
                span,
                "write 'dlspec: 1' or upgrade dlspec",
            )
        return make(
            "DLS206",
            f"expected one of {', '.join(map(_quote, expected))}, got {_describe(value)}",
            span,
            did_you_mean(str(value), expected),
        )
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        owner = model_at(root, loc)
        interval = _interval(owner, field) or _bound_text(kind, ctx)
        if kind.startswith("less_than") and ctx.get("le", ctx.get("lt", 0)) >= TECHNICAL_LIMIT:
            interval = _bound_text(kind, ctx)
        name = field if isinstance(field, str) else "a value"
        return make("DLS205", f"expected {name} {interval}, got {_describe(value)}", span)
    prefix = kind.split("_")[0] if not kind.startswith("model") else "model"
    if kind.endswith(("_type", "_parsing")) or kind in ("int_from_float", "model_attributes_type"):
        expected_text = _EXPECTED.get(prefix, kind.replace("_", " "))
        if kind == "int_from_float":
            expected_text = "a whole number"
        return make("DLS204", f"expected {expected_text}, got {_describe(value)}", span)
    if kind in ("too_short", "too_long"):
        name = field if isinstance(field, str) else "the list"
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        word = "at least" if kind == "too_short" else "at most"
        return make(
            "DLS209",
            f"expected {name} to hold {word} {bound} item{'s' * (bound != 1)}, "
            f"got {ctx.get('actual_length')}",
            span,
        )
    if kind == "string_pattern_mismatch":
        name = field if isinstance(field, str) else "a value"
        return make(
            "DLS209",
            f"expected {name} matching '{ctx.get('pattern')}', got {_describe(value)}",
            span,
        )
    message = detail["msg"].removeprefix("Value error, ")
    return make("DLS209", message[:1].lower() + message[1:], span)


def _quote(word: str) -> str:
    return f"'{word}'"


def _literal_choices(root: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The names a ``Literal`` field at ``loc`` allows, read from the models' annotations.

    In a union, pydantic ends ``loc`` with the member's label: the field is one segment up.
    """
    for end in (len(loc), len(loc) - 1):
        annotation: Any = root
        for segment in loc[:end]:
            annotation = _step(annotation, segment)
            if annotation is None:
                break
        names = [
            str(value)
            for member in _members(annotation)
            if get_origin(member) is Literal
            for value in get_args(member)
        ]
        if names:
            return names
    return []


def _owner_of_extra(root: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    annotation: Any = root
    for segment in loc[:-1]:
        annotation = _step(annotation, segment)
        if annotation is None:
            return None
    models = [m for m in _members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]
    return models[0] if len(models) == 1 else None


def _bound_text(kind: str, ctx: dict[str, Any]) -> str:
    symbol = {
        "greater_than": "> {gt}",
        "greater_than_equal": ">= {ge}",
        "less_than": "< {lt}",
        "less_than_equal": "<= {le}",
    }[kind]
    return symbol.format(**{k: ctx.get(k) for k in ("gt", "ge", "lt", "le")})


_CHOICE_NAMES = {
    "task": "task",
    "optimizer": "optimizer",
    "validation": "validation scheme",
    "schedule": "schedule",
}


def _tags(loc: tuple[Any, ...]) -> list[str]:
    """The tags a one-of choice at ``loc`` takes (pydantic names none when the tag is missing)."""
    from dlspec.spec.root import Spec

    annotation: Any = Spec
    for segment in loc:
        annotation = _step(annotation, segment)
        if annotation is None:
            return []
    models = [m for m in _members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)]
    return [str(_literal(m, tag)) for m in models if (tag := _tag_field(m))]


def _tag_error(
    kind: str, loc: tuple[Any, ...], ctx: dict[str, Any], source_map: SourceMap
) -> Diagnostic:
    expected = _tags(loc)
    tag = ctx.get("tag")
    path, _ = source_map.walk(loc)
    node = source_map.doc.data
    for key in path:
        node = node[key]
    is_layer = ctx.get("discriminator") == "'kind'"
    if is_layer:
        if isinstance(node, dict):
            key = next((k for k in node if k not in ITEM_KEYS), None)
            span = source_map.doc.key_span((*path, key))
        else:
            span = source_map.doc.span(path)
        return make(
            "DLS203",
            f"unknown layer kind '{tag}'",
            span,
            did_you_mean(str(tag), expected) or f"layer kinds here: {', '.join(expected)}",
        )
    what = next((name for seg, name in _CHOICE_NAMES.items() if seg in path[-1:]), "choice")
    if kind == "union_tag_not_found":
        return make(
            "DLS202",
            f"missing required key 'type' in {what}",
            source_map.doc.span(path),
            f"add 'type:' with one of {', '.join(expected)}",
        )
    span = (
        source_map.doc.span((*path, "type"))
        if isinstance(node, dict)
        else source_map.doc.span(path)
    )
    return make(
        "DLS206",
        f"unknown {what} '{tag}': expected one of {', '.join(expected)}",
        span,
        did_you_mean(str(tag), expected),
    )
