"""dlspec.spec.document: YAML with positions, duplicate and merge keys, aliases, tags, syntax."""

from __future__ import annotations

from pathlib import Path

import pytest

from dlspec.diagnostics import Span, SpecError
from dlspec.spec import document


def load(text: str) -> document.Document:
    return document.load(text, "f.yaml")


def error_of(text: str) -> SpecError:
    with pytest.raises(SpecError) as caught:
        load(text)
    return caught.value


def codes(doc: document.Document) -> list[str]:
    return [d.code for d in doc.diagnostics]


def test_plain_data() -> None:
    doc = load("a: 1\nb: [x, 2.5, true, null]\nc: {d: e}\n")
    assert doc.data == {"a": 1, "b": ["x", 2.5, True, None], "c": {"d": "e"}}
    assert doc.diagnostics == []
    assert doc.file == "f.yaml"


def test_value_spans_are_one_based_and_end_exclusive() -> None:
    doc = load("task: multiclass\nmodel:\n  layers:\n    - dense: 16\n")
    assert doc.spans[("task",)] == Span("f.yaml", 1, 7, 1, 17)
    assert doc.spans[("model", "layers", 0, "dense")] == Span("f.yaml", 4, 14, 4, 16)
    item = doc.spans[("model", "layers", 0)]
    assert (item.line, item.col) == (4, 7)


def test_key_spans_point_at_the_key() -> None:
    doc = load("task: multiclass\nmodel:\n  layers:\n    - dense: 16\n")
    assert doc.key_spans[("task",)] == Span("f.yaml", 1, 1, 1, 5)
    assert doc.key_spans[("model", "layers")] == Span("f.yaml", 3, 3, 3, 9)
    assert doc.key_spans[("model", "layers", 0, "dense")] == Span("f.yaml", 4, 7, 4, 12)


def test_flow_mapping_spans() -> None:
    doc = load("data: {source: sklearn:iris, scale: standard}\n")
    assert doc.spans[("data", "scale")] == Span("f.yaml", 1, 37, 1, 45)
    assert doc.key_spans[("data", "scale")] == Span("f.yaml", 1, 30, 1, 35)


def test_span_falls_back_to_nearest_ancestor() -> None:
    doc = load("model:\n  layers: []\n")
    assert doc.span(("model", "layers", 3, "dense")) == doc.spans[("model", "layers")]
    assert doc.span(("nothing",)) == doc.spans[()]


def test_key_span_of_an_index_is_the_value() -> None:
    doc = load("a: [1, 2]\n")
    assert doc.key_span(("a", 1)) == doc.spans[("a", 1)]


def test_span_of_an_empty_document() -> None:
    doc = load("")
    assert doc.data is None
    assert doc.span(("task",)) == Span.point("f.yaml")


def test_comment_only_document_is_empty() -> None:
    assert load("# just a comment\n").data is None


def test_duplicate_key_reported_at_second_key_with_first_position() -> None:
    doc = load("task: multiclass\nseed: 1\ntask: binary\n")
    assert doc.data == {"task": "multiclass", "seed": 1}
    (d,) = doc.diagnostics
    assert d.code == "DLS102"
    assert (d.span.line, d.span.col) == (3, 1)
    assert d.message == "duplicate key 'task' (first at line 1, column 1)"
    assert d.hint == "YAML keeps only one of them: delete or merge the other"


def test_duplicate_key_nested_in_flow_mapping() -> None:
    doc = load("model:\n  layers:\n    - dense: {units: 1, units: 2}\n")
    (d,) = doc.diagnostics
    assert (d.code, d.span.line, d.span.col) == ("DLS102", 3, 25)
    assert "first at line 3, column 15" in d.message
    assert doc.data["model"]["layers"][0]["dense"] == {"units": 1}


def test_every_duplicate_is_reported() -> None:
    doc = load("a: 1\na: 2\nb: {c: 1, c: 2}\na: 3\n")
    assert [(d.code, d.span.line) for d in doc.diagnostics] == [
        ("DLS102", 2),
        ("DLS102", 3),
        ("DLS102", 4),
    ]


def test_merge_key_copies_the_anchor() -> None:
    doc = load("base: &b {units: 8, activation: relu}\nlayer: {<<: *b, units: 16}\n")
    assert doc.data["layer"] == {"units": 16, "activation": "relu"}
    assert doc.diagnostics == []


def test_explicit_key_wins_over_merge_wherever_it_stands() -> None:
    doc = load("base: &b {units: 8}\nlayer: {units: 16, <<: *b}\n")
    assert doc.data["layer"] == {"units": 16}
    assert doc.spans[("layer", "units")] == Span("f.yaml", 2, 16, 2, 18)
    assert doc.key_spans[("layer", "units")] == Span("f.yaml", 2, 9, 2, 14)


def test_merged_value_span_points_into_the_anchor() -> None:
    doc = load("base: &b {units: 8, activation: relu}\nlayer: {<<: *b, units: 16}\n")
    assert doc.spans[("layer", "activation")] == doc.spans[("base", "activation")]


def test_merge_list_earlier_mapping_wins() -> None:
    doc = load("a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc: {<<: [*a, *b]}\n")
    assert doc.data["c"] == {"x": 1, "y": 2}


def test_nested_merge_keys() -> None:
    doc = load("a: &a {p: 1, q: 1}\nb: &b {<<: *a, q: 2}\nc: {<<: *b}\n")
    assert doc.data["b"] == {"p": 1, "q": 2}
    assert doc.data["c"] == {"p": 1, "q": 2}


def test_merge_of_a_scalar_is_reported() -> None:
    doc = load("c: {<<: 1}\n")
    assert codes(doc) == ["DLS101"]
    assert "merges only mappings" in doc.diagnostics[0].message


def test_alias_repeats_the_anchored_value() -> None:
    doc = load("a: &sizes [28, 28, 1]\nb: *sizes\n")
    assert doc.data["b"] == [28, 28, 1]
    assert doc.spans[("b",)] == doc.spans[("a",)]


def test_recursive_alias_is_reported_not_followed() -> None:
    doc = load("a: &x [1, *x]\n")
    assert doc.data == {"a": [1, None]}
    assert codes(doc) == ["DLS101"]
    assert "contains it" in doc.diagnostics[0].message


def test_billion_laughs_guard() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        previous = "a" if level == 1 else f"b{level - 1}"
        lines.append(f"b{level}: &b{level} [" + ", ".join([f"*{previous}"] * 10) + "]")
    error = error_of("\n".join(lines) + "\n")
    (d,) = error.diagnostics
    assert d.code == "DLS101"
    assert "expands to more than" in d.message
    assert "aliases" in (d.hint or "")


@pytest.mark.parametrize(
    "text",
    [
        "a: !!python/object/apply:os.system ['ls']\n",
        "a: !!python/name:os.getpid\n",
        "a: !custom 3\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!set {x}\n",
    ],
)
def test_object_tags_rejected(text: str) -> None:
    doc = load(text)
    assert doc.data == {"a": None}
    (d,) = doc.diagnostics
    assert d.code == "DLS103"
    assert (d.span.line, d.span.col) == (1, 4)
    assert "is not allowed here" in d.message


def test_core_tags_accepted() -> None:
    doc = load("a: !!str 5\nb: !!int '7'\nc: !!float 1\n")
    assert doc.data == {"a": "5", "b": 7, "c": 1.0}
    assert doc.diagnostics == []


def test_yaml_1_2_floats() -> None:
    assert load("lr: 1e-3\nbig: 2E5\n").data == {"lr": 0.001, "big": 200000.0}


def test_syntax_error_location_bad_indentation() -> None:
    (d,) = error_of("model:\n  layers:\n    - dense: 16\n   - dense: 8\n").diagnostics
    assert d.code == "DLS101"
    assert (d.span.line, d.span.col) == (4, 4)
    assert d.message.startswith("YAML syntax error: ")
    assert d.hint == "check the indentation of this line against the lines above it"


def test_syntax_error_tab() -> None:
    (d,) = error_of("model:\n\tlayers: []\n").diagnostics
    assert (d.code, d.span.line, d.span.col) == ("DLS101", 2, 1)
    assert d.hint == "indent with spaces, never tabs"


def test_syntax_error_unquoted_colon() -> None:
    (d,) = error_of("description: a: b\n").diagnostics
    assert (d.span.line, d.span.col) == (1, 15)
    assert d.hint == "a value containing ': ' must be quoted"


def test_syntax_error_unclosed_bracket() -> None:
    (d,) = error_of("layers: [dense, flatten\nseed: 1\n").diagnostics
    assert d.code == "DLS101"
    assert (d.span.line, d.span.col) == (2, 5)
    assert "expected ',' or ']'" in d.message


def test_several_documents_are_an_error() -> None:
    (d,) = error_of("a: 1\n---\nb: 2\n").diagnostics
    assert d.code == "DLS101"
    assert d.span.line == 2


def test_non_scalar_key_is_reported() -> None:
    doc = load("? [a, b]\n: 1\n")
    assert codes(doc) == ["DLS101"]
    assert "plain value" in doc.diagnostics[0].message


@pytest.mark.parametrize("tag", ["int", "float", "bool", "timestamp"])
def test_core_tag_on_text_it_does_not_fit(tag: str) -> None:
    doc = load(f"a: !!{tag} x\n")
    assert doc.data == {"a": None}
    (d,) = doc.diagnostics
    assert (d.code, d.span.line, d.span.col) == ("DLS101", 1, 4)
    assert d.message == f"cannot read this value: 'x' is not a valid !!{tag}"


def test_read_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        document.read(tmp_path / "nope.yaml")
    (d,) = caught.value.diagnostics
    assert (d.code, d.message) == ("DLS104", "no such file")
    assert d.span == Span.point(str(tmp_path / "nope.yaml"))


def test_read_folder(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        document.read(tmp_path)
    assert caught.value.diagnostics[0].code == "DLS104"
    assert "folder" in caught.value.diagnostics[0].message


def test_read_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(SpecError) as caught:
        document.read(path)
    assert caught.value.diagnostics[0].code == "DLS104"
    assert "not UTF-8" in caught.value.diagnostics[0].message


def test_read_names_the_file_as_given(tmp_path: Path) -> None:
    path = tmp_path / "spec.yaml"
    path.write_text("task: binary\n", encoding="utf-8")
    doc = document.read(path)
    assert doc.file == str(path)
    assert doc.spans[("task",)].file == str(path)


def test_dump_quotes_what_load_would_misread() -> None:
    text = document.dump({"name": "1e5", "lr": 1e-3, "layers": [{"dense": 8}]})
    assert "'1e5'" in text
    assert load(text).data == {"name": "1e5", "lr": 0.001, "layers": [{"dense": 8}]}


# -- libyaml and pure Python ----------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]
YAML_FILES = sorted(
    p for folder in ("specs", "tests", "examples") for p in (ROOT / folder).rglob("*.y*ml")
)
TRICKY = [
    'name: "héllo wörld"\nx: {a: 1, b: ü}\n',  # columns count characters, not bytes
    "base: &b {units: 8}\nlayers:\n  - dense:\n      <<: *b\n      units: 4\n",
    "text: |\n  two\n  lines\nfolded: >\n  one\n  line\n# a comment\nlast: 1e-3\n",
    "a: 1\na: 2\n",  # a duplicate key
    "a: !!python/object:os.system x\n",  # a refused tag
    "a: [1, 2\n",  # a syntax error: libyaml refuses it, PyYAML words the message
    "a: 1\n---\nb: 2\n",  # several documents
]


def _located(text: str) -> tuple[object, ...]:
    try:
        doc = document.load(text, "f.yaml")
    except SpecError as error:
        return ("error", [str(d) for d in error.diagnostics])
    return (doc.data, doc.spans, doc.key_spans, [str(d) for d in doc.diagnostics])


def test_the_project_has_yaml_files_to_compare() -> None:
    assert len(YAML_FILES) >= 100


@pytest.mark.skipif(not document._FAST, reason="PyYAML was built without libyaml")
@pytest.mark.parametrize(
    "text",
    [p.read_text(encoding="utf-8") for p in YAML_FILES] + TRICKY,
    ids=[str(p.relative_to(ROOT)) for p in YAML_FILES]
    + [f"tricky-{i}" for i in range(len(TRICKY))],
)
def test_libyaml_locates_every_value_as_the_pure_python_parser_does(
    text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = _located(text)
    monkeypatch.setattr(document, "_FAST", [])
    assert fast == _located(text)
