"""YAML loading with positions: every value and key keeps its file, line and column.

Only the YAML 1.1 core tags are accepted (the safe subset: nothing constructs an object), and
duplicate keys are errors, where PyYAML alone would silently keep the last one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from dlspec.diagnostics import Diagnostic, Span, SpecError, make

# A location in the data tree: mapping keys and sequence indexes from the document root.
Path = tuple[Any, ...]

_SAFE_TAGS = {
    "tag:yaml.org,2002:" + name
    for name in ("null", "bool", "int", "float", "str", "timestamp", "seq", "map", "merge")
}
_MERGE = "tag:yaml.org,2002:merge"
# Aliases can make a small file expand exponentially ("billion laughs"): cap the values built.
_MAX_VALUES = 200_000


@dataclass
class Document:
    """A loaded YAML document: plain Python data, plus the span of every value and key."""

    data: Any
    file: str
    spans: dict[Path, Span] = field(default_factory=dict)
    key_spans: dict[Path, Span] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)

    def span(self, path: Path) -> Span:
        """The span of the value at ``path``, or of its nearest located ancestor."""
        for end in range(len(path), -1, -1):
            found = self.spans.get(path[:end])
            if found is not None:
                return found
        return Span.point(self.file)

    def key_span(self, path: Path) -> Span:
        """The span of the key whose value is at ``path`` (the value's own span for an index)."""
        return self.key_spans.get(path) or self.span(path)


class _Loader(yaml.SafeLoader):
    """The safe loader, reading ``1e-3`` as a float as YAML 1.2 does (YAML 1.1 wants ``1.0e-3``)."""


class _Dumper(yaml.SafeDumper):
    """The safe dumper, quoting the strings ``_Loader`` would read as floats (``'1e5'``)."""


# libyaml's parser, where PyYAML was built with it: the very nodes and marks of the pure-Python
# one (tests/test_source.py compares them on every YAML file the project holds), composed about
# ten times faster. Lint's time is nearly all composing.
_FAST: list[type[yaml.CSafeLoader]] = []
if yaml.__with_libyaml__:

    class _FastLoader(yaml.CSafeLoader):
        """``_Loader`` on libyaml."""

    _FAST.append(_FastLoader)


_RESOLVERS: list[type[yaml.SafeLoader | yaml.SafeDumper | yaml.CSafeLoader]] = [_Loader, _Dumper]
for _yaml in _RESOLVERS + _FAST:
    _yaml.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
        list("-+0123456789"),
    )


def _span(file: str, node: Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(file, start.line + 1, start.column + 1, end.line + 1, end.column + 1)


class _Builder:
    """Turns a composed node tree into data while recording spans and diagnostics."""

    def __init__(self, file: str):
        self.file = file
        self.doc = Document(data=None, file=file)
        self.constructor = SafeConstructor()
        self.count = 0
        self.active: set[int] = set()

    def error(self, code: str, message: str, node: Node, hint: str | None = None) -> None:
        self.doc.diagnostics.append(make(code, message, _span(self.file, node), hint))

    def value(self, node: Node, path: Path) -> Any:
        self.count += 1
        if self.count > _MAX_VALUES:
            raise SpecError(
                [
                    make(
                        "DLS101",
                        f"the document expands to more than {_MAX_VALUES} values",
                        _span(self.file, node),
                        "aliases (*name) that repeat large anchors multiply the document",
                    )
                ]
            )
        self.doc.spans[path] = _span(self.file, node)
        if id(node) in self.active:
            self.error("DLS101", "an alias refers to a node that contains it", node)
            return None
        if node.tag not in _SAFE_TAGS:
            return self.unsafe(node)
        if isinstance(node, MappingNode | SequenceNode):
            self.active.add(id(node))
            try:
                if isinstance(node, MappingNode):
                    return self.mapping(node, path)
                return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
            finally:
                self.active.discard(id(node))
        assert isinstance(node, ScalarNode)  # the third kind of YAML node
        return self.scalar(node)

    def unsafe(self, node: Node) -> None:
        self.error(
            "DLS103",
            f"tag '{node.tag.replace('tag:yaml.org,2002:', '!!')}' is not allowed here: "
            "a spec never constructs objects",
            node,
            "remove the tag; specs hold plain mappings, lists, strings and numbers",
        )
        return None

    def scalar(self, node: ScalarNode) -> Any:
        try:
            return self.constructor.construct_object(node, deep=True)
        except ConstructorError as error:
            problem = error.problem
        except (ValueError, KeyError, AttributeError):
            # PyYAML's constructors fail this way on a core tag the text does not fit:
            # '!!int x' (ValueError), '!!bool x' (KeyError), '!!timestamp x' (AttributeError).
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            problem = f"'{node.value}' is not a valid {tag}"
        self.error("DLS101", f"cannot read this value: {problem}", node)
        return None

    def mapping(self, node: MappingNode, path: Path) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                merges.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode):
                self.error("DLS101", "a mapping key must be a plain value", key_node)
                continue
            key = self.scalar(key_node)
            if key in result:
                first = self.doc.key_spans[(*path, key)]
                self.error(
                    "DLS102",
                    f"duplicate key '{key}' (first at line {first.line}, column {first.col})",
                    key_node,
                    "YAML keeps only one of them: delete or merge the other",
                )
                continue
            self.doc.key_spans[(*path, key)] = _span(self.file, key_node)
            result[key] = self.value(value_node, (*path, key))
        # Keys written here win over merged ones wherever '<<' stands, and so do their spans.
        merged: dict[Any, Any] = {}
        for merge in merges:
            merged.update(self.merge(merge, path, result))
        return {**merged, **result}

    def merge(self, node: Node, path: Path, explicit: dict[Any, Any]) -> dict[Any, Any]:
        """The keys of a ``<<: *anchor`` merge (a mapping or a list of mappings).

        Keys in ``explicit`` (written in the mapping itself) are skipped; in a list, an earlier
        mapping's key wins over a later one's, and a merged mapping's own keys over its merges.
        """
        sources = node.value if isinstance(node, SequenceNode) else [node]
        merged: dict[Any, Any] = {}
        for source in sources:
            if not isinstance(source, MappingNode):
                self.error("DLS101", "'<<' merges only mappings", source)
                continue
            if id(source) in self.active:
                self.error("DLS101", "an alias refers to a node that contains it", source)
                continue
            nested: list[Node] = []
            for key_node, value_node in source.value:
                if key_node.tag == _MERGE:
                    nested.append(value_node)
                    continue
                if not isinstance(key_node, ScalarNode):
                    continue  # reported where the anchored mapping itself is read
                key = self.scalar(key_node)
                if key in explicit or key in merged:
                    continue
                self.doc.key_spans[(*path, key)] = _span(self.file, key_node)
                merged[key] = self.value(value_node, (*path, key))
            self.active.add(id(source))
            try:
                for inner in nested:
                    merged.update(self.merge(inner, path, {**explicit, **merged}))
            finally:
                self.active.discard(id(source))
        return merged


def _compose(text: str) -> Node | None:
    """The node tree of ``text``: on libyaml where it is there, else in pure Python.

    Text that libyaml refuses is composed again by the pure-Python parser, whose error messages
    and marks the diagnostics and their hints are written for.
    """
    for loader in _FAST:
        try:
            return yaml.compose(text, Loader=loader)
        except yaml.YAMLError:
            break
    return yaml.compose(text, Loader=_Loader)


# Nesting deeper than this is refused before anything walks the tree (a spec nests a handful of
# levels; 500 would exhaust Python's recursion in the composer and in every walk after it).
MAX_DEPTH = 64


def _deep_in_tree(file: str, root: Node) -> SpecError | None:
    """DLS110 at the first collection nested past ``MAX_DEPTH``; None when none is."""
    stack: list[tuple[Node, int]] = [(root, 1)]
    seen: set[int] = set()  # an alias is the node it names: each node is walked once
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ScalarNode) or id(node) in seen:
            continue
        seen.add(id(node))
        if depth > MAX_DEPTH:
            return _deep(file, node.start_mark)
        if isinstance(node, MappingNode):
            stack.extend((part, depth + 1) for pair in node.value for part in pair)
        else:
            stack.extend((item, depth + 1) for item in node.value)
    return None


def _deep_in_events(file: str, text: str) -> SpecError:
    """DLS110 for text too deep to compose: the parser's events, made without recursing, find it."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return _deep(file, event.start_mark)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return _deep(file, None)


def _deep(file: str, mark: Any) -> SpecError:
    span = (
        Span(file, mark.line + 1, mark.column + 1, mark.line + 1, mark.column + 2)
        if mark
        else (Span.point(file))
    )
    message = f"the YAML nests deeper than {MAX_DEPTH} levels"
    hint = "a spec needs a handful of levels: flatten the value that nests here"
    return SpecError([make("DLS110", message, span, hint)])


def load(text: str, file: str) -> Document:
    """Parse YAML text into a located Document.

    Raises:
        SpecError: the text is not YAML (DLS101), holds several documents, or nests deeper
            than ``MAX_DEPTH`` (DLS110).
    """
    try:
        root = _compose(text)
    except RecursionError:
        raise _deep_in_events(file, text) from None
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or "invalid YAML"
        context = f" {error.context}" if error.context else ""
        raise SpecError(
            [
                make(
                    "DLS101",
                    f"YAML syntax error: {problem}{context}",
                    Span(file, line, col, line, col + 1),
                    _syntax_hint(problem),
                )
            ]
        ) from None
    except yaml.reader.ReaderError as error:  # a character YAML does not allow: locate it
        before = text[: error.position]
        line, col = before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1
        message = f"YAML error: character #x{error.character:04x} is not allowed in YAML"
        hint = "remove it (a NUL byte or another control character)"
        raise SpecError(
            [make("DLS101", message, Span(file, line, col, line, col + 1), hint)]
        ) from None
    except yaml.YAMLError as error:
        raise SpecError([make("DLS101", f"YAML error: {error}", Span.point(file))]) from None
    deep = _deep_in_tree(file, root) if root is not None else None
    if deep is not None:
        raise deep
    builder = _Builder(file)
    if root is None:
        builder.doc.data = None
        return builder.doc
    try:
        builder.doc.data = builder.value(root, ())
    except RecursionError:  # only aliases can nest a tree of bounded depth this far
        raise _deep(file, None) from None
    return builder.doc


def dump(data: Any) -> str:
    """YAML text that ``load`` reads back as ``data`` (plain data), keys in their order.

    ``yaml.safe_dump`` writes the string ``'1e5'`` bare, which ``load`` reads as a float.
    """
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True)


def _syntax_hint(problem: str) -> str | None:
    if "tab" in problem or "'\\t'" in problem:
        return "indent with spaces, never tabs"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted"
    if "expected <block end>" in problem or "could not find expected ':'" in problem:
        return "check the indentation of this line against the lines above it"
    return None


def read(path: str | FilePath) -> Document:
    """Read and load a spec file.

    Raises:
        SpecError: the file cannot be read (DLS104) or is not YAML (DLS101).
    """
    name = str(path)
    try:
        text = FilePath(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError([make("DLS104", "no such file", Span.point(name))]) from None
    except IsADirectoryError:
        raise SpecError(
            [make("DLS104", "is a folder, not a spec file", Span.point(name))]
        ) from None
    except UnicodeDecodeError as error:
        raise SpecError(
            [make("DLS104", f"not UTF-8 text ({error.reason})", Span.point(name))]
        ) from None
    except OSError as error:
        raise SpecError(
            [make("DLS104", f"cannot read: {error.strerror}", Span.point(name))]
        ) from None
    return load(text, name)


class SourceMap:
    """Maps paths in a spec (pydantic locs or plain paths) to spans in the YAML source."""

    def __init__(self, doc: Document):
        self.doc = doc

    def walk(self, loc: tuple[Any, ...]) -> tuple[tuple[Any, ...], bool]:
        """The deepest YAML path along ``loc`` and whether all of ``loc`` was found.

        Segments absent from the data (discriminator tags, union member names) are skipped.
        """
        node: Any = self.doc.data
        path: tuple[Any, ...] = ()
        complete = True
        for index, segment in enumerate(loc):
            if isinstance(node, dict) and segment in node:
                node, path = node[segment], (*path, segment)
            elif isinstance(node, list) and isinstance(segment, int) and segment < len(node):
                node, path = node[segment], (*path, segment)
            elif index == len(loc) - 1 or not isinstance(node, dict | list):
                complete = False
                if not isinstance(node, dict | list):
                    break
        return path, complete

    def locate(self, loc: tuple[Any, ...]) -> Span:
        """Span of the value at ``loc``, or of the nearest enclosing value that exists."""
        path, _ = self.walk(loc)
        return self.doc.span(path)

    def locate_key(self, loc: tuple[Any, ...]) -> Span:
        """Span of the key at the end of ``loc`` (for unknown keys), else of its value."""
        path, complete = self.walk(loc)
        return self.doc.key_span(path) if complete else self.doc.span(path)
