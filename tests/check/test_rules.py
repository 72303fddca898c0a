"""dlspec.check.rules: one module per rule, one code per rule, and the table that runs them."""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest

from dlspec import check, spec
from dlspec.check import rules
from dlspec.check.rules import RULES, Context
from dlspec.diagnostics import CODES

CASES = Path(__file__).parents[1] / "cases"


def test_each_rule_is_one_module_named_after_its_code() -> None:
    modules = {info.name for info in pkgutil.iter_modules(rules.__path__) if info.name != "rule"}
    named = {rule.name.replace("-", "_") for rule in RULES}
    assert named == modules
    assert len({rule.code for rule in RULES}) == len(RULES)
    for rule in RULES:
        assert rule.code in CODES and rule.summary == CODES[rule.code][1]
        assert rule.check.__module__ == f"dlspec.check.rules.{rule.name.replace('-', '_')}"


def _contexts() -> list[tuple[str, Context]]:
    found = []
    for path in sorted(CASES.glob("*.yaml")):
        try:
            parsed, source_map = spec.load(path)
        except Exception:  # noqa: BLE001 - cases that fail to parse have no context to check
            continue
        inference = check.run(parsed, source_map)
        found.append((path.name, Context(parsed, inference.data, source_map, inference.layers)))
    return found


CONTEXTS = _contexts()


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_a_rule_finds_only_its_own_code_and_fires_on_some_case(rule) -> None:
    fired = []
    for name, context in CONTEXTS:
        found = rule(context)
        assert {d.code for d in found} <= {rule.code}, name
        if found:
            fired.append(name)
    assert fired, f"no case in tests/cases makes {rule.code} ({rule.name}) fire"


def test_every_rule_finding_is_in_the_lint_result() -> None:
    for name, context in CONTEXTS:
        linted = check.run(context.spec, context.source_map).diagnostics
        for rule in RULES:
            for diagnostic in rule(context):
                assert diagnostic in linted, (name, diagnostic)


# -- DLS329 outside-folder: paths that leave the spec's folder ---------------------------------


def _outside(tmp_path: Path, source: str, extends: str | None = None) -> list[str]:
    """The DLS329 messages of exp/spec.yaml reading ``source`` (and extending ``extends``)."""
    (tmp_path / "exp" / "data").mkdir(parents=True)
    (tmp_path / "exp" / "data" / "t.csv").write_text("a,b\n1,2\n3,4\n")
    (tmp_path / "elsewhere.csv").write_text("a,b\n1,2\n3,4\n")
    (tmp_path / "base.yaml").write_text("seed: 3\n")
    (tmp_path / "exp" / "out.csv").symlink_to(tmp_path / "elsewhere.csv")
    (tmp_path / "exp" / "in.csv").symlink_to(tmp_path / "exp" / "data" / "t.csv")
    spec_file = tmp_path / "exp" / "spec.yaml"
    spec_file.write_text(
        (f"extends: {extends}\n" if extends else "")
        + f"data: {{source: 'csv:{source}', target: b}}\ntask: regression\n"
        "model: {layers: [dense: 4]}\n"
    )
    diagnostics = check.lint(spec_file)
    return [d.message for d in diagnostics if d.code == "DLS329"]


@pytest.mark.parametrize(
    ("source", "outside"),
    [
        ("data/t.csv", False),
        ("data/../data/t.csv", False),  # '..' that stays inside
        ("in.csv", False),  # a link that stays inside
        ("../elsewhere.csv", True),
        ("out.csv", True),  # a link out
        ("{absolute}", True),  # absolute, even where it names a file inside
    ],
)
def test_a_data_path_out_of_the_spec_folder_is_a_warning(tmp_path, source, outside) -> None:
    source = source.format(absolute=tmp_path / "exp" / "data" / "t.csv")
    found = _outside(tmp_path, source)
    assert len(found) == outside
    if outside:
        (message,) = found
        assert message == (
            f"data path '{source}' reads a file outside the spec's folder "
            f"({(tmp_path / 'exp').resolve()})"
        )


def test_a_base_out_of_the_spec_folder_is_a_warning_even_with_a_set(tmp_path) -> None:
    assert _outside(tmp_path, "data/t.csv", extends="../base.yaml") == [
        f"'extends: ../base.yaml' reads a file outside the spec's folder "
        f"({(tmp_path / 'exp').resolve()})"
    ]
    diagnostics = check.lint(tmp_path / "exp" / "spec.yaml", overrides=["extends=../base.yaml"])
    (d,) = [d for d in diagnostics if d.code == "DLS329"]
    assert (d.span.file, d.span.col) == ("--set", 9)
