"""csv: sources: target and feature columns, class encoding, and the clear errors."""

from __future__ import annotations

import numpy as np
import pytest

IRIS = """sepal,petal,species
5.1,1.4,setosa
7.0,4.7,versicolor
6.3,6.0,virginica
4.9,1.5,setosa
"""


@pytest.fixture
def iris(tmp_path):
    (tmp_path / "iris.csv").write_text(IRIS)


def test_target_by_name_and_features_are_the_other_columns(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,y,b\n1,0,2\n3,1,4\n5,0,6\n")
    loaded = case("source: csv:d.csv\ntarget: y", "binary")
    data, info = loaded.load(), loaded.describe()
    assert data.feature_names == ["a", "b"]
    np.testing.assert_array_equal(data.x, [[1, 2], [3, 4], [5, 6]])
    assert data.x.dtype == np.float32 and data.x.shape[1:] == info.shape
    np.testing.assert_array_equal(data.y, [0, 1, 0])
    assert data.y.dtype == np.int64 and data.class_names == ["0", "1"]


@pytest.mark.parametrize(("target", "column"), [("0", "a"), ("1", "y"), ("-1", "b")])
def test_target_by_index(case, tmp_path, target, column):
    (tmp_path / "d.csv").write_text("a,y,b\n1,0,2\n3,1,4\n")
    data = case(f"source: csv:d.csv\ntarget: {target}", "regression").load()
    assert column not in data.feature_names and len(data.feature_names) == 2


def test_the_last_column_is_the_default_target(case, iris):
    data = case("source: csv:iris.csv").load()
    assert data.feature_names == ["sepal", "petal"]
    assert data.class_names == ["setosa", "versicolor", "virginica"]
    np.testing.assert_array_equal(data.y, [0, 1, 2, 0])


def test_features_choose_and_order_the_columns(case, iris):
    data = case("source: csv:iris.csv\nfeatures: [petal]").load()
    np.testing.assert_array_equal(data.x[:, 0], np.float32([1.4, 4.7, 6.0, 1.5]))
    assert data.x.shape == (4, 1)


def test_numeric_class_labels_sort_numerically(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,y\n1,10\n2,2\n3,1.0\n4,2\n")
    data = case("source: csv:d.csv").load()
    assert data.class_names == ["1", "2", "10"]
    np.testing.assert_array_equal(data.y, [2, 1, 0, 1])


def test_a_text_regression_target_is_not_numeric(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,y\n1,high\n2,low\n")
    [error] = case("source: csv:d.csv", "regression").errors()
    assert error.code == "DLS404" and "'y'" in error.message and "task binary" in error.hint


def test_regression_targets_are_float32(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,y\n1,0.5\n2,1.5\n")
    data = case("source: csv:d.csv", "regression").load()
    assert data.y.dtype == np.float32 and data.class_names is None
    np.testing.assert_array_equal(data.y, [0.5, 1.5])


def test_a_missing_target_column_suggests_the_closest_name(case, iris):
    loaded = case("source: csv:iris.csv\ntarget: specie")
    [error] = loaded.errors()
    assert error.code == "DLS403" and "'specie'" in error.message
    assert error.hint == "did you mean 'species'?"
    assert error.span.line == loaded.line_of("target:")


def test_every_missing_feature_column_is_reported(case, iris):
    loaded = case("source: csv:iris.csv\nfeatures:\n  - sepal\n  - petl\n  - colour")
    errors = loaded.errors()
    assert [e.code for e in errors] == ["DLS403", "DLS403"]
    assert errors[0].hint == "did you mean 'petal'?"
    assert "columns: sepal, petal, species" in errors[1].hint
    assert [e.span.line for e in errors] == [loaded.line_of("petl"), loaded.line_of("colour")]


def test_an_index_out_of_range_is_a_missing_column(case, iris):
    [error] = case("source: csv:iris.csv\ntarget: 7").errors()
    assert error.code == "DLS403" and "3 columns" in error.message


def test_a_text_feature_is_not_numeric(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,colour,y\n1,red,0\n2,blue,1\n")
    [error] = case("source: csv:d.csv").errors()
    assert error.code == "DLS404"
    assert "'colour'" in error.message and "'red'" in error.message and "line 2" in error.message


def test_nans_name_the_column_and_the_row_count(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,b,y\n1,,0\n2,nan,1\n,3,1\n4,NA,0\n")
    errors = case("source: csv:d.csv").errors()
    assert [e.code for e in errors] == ["DLS405", "DLS405"]
    assert "'a'" in errors[0].message and "1 missing" in errors[0].message
    assert "'b'" in errors[1].message and "3 missing" in errors[1].message
    assert "line 2" in errors[1].message


def test_a_missing_label_is_reported(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,y\n1,cat\n2,\n")
    [error] = case("source: csv:d.csv").errors()
    assert error.code == "DLS405" and "'y'" in error.message


def test_all_bad_columns_are_reported_together(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,b,y\nx,,0\n2,1,1\n")
    assert [e.code for e in case("source: csv:d.csv").errors()] == ["DLS404", "DLS405"]


def test_a_missing_file_points_at_the_source(case):
    loaded = case("source: csv:nope.csv")
    [error] = loaded.errors()
    assert error.code == "DLS401" and "nope.csv" in error.message
    assert error.span.line == loaded.line_of("source")


def test_a_ragged_row_is_unreadable(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,y\n1,0\n2,1,5\n")
    [error] = case("source: csv:d.csv").errors()
    assert error.code == "DLS401" and "line 3" in error.message


def test_without_a_source_map_errors_point_at_the_spec_file(case, iris):
    from dlspec.diagnostics import SpecError
    from dlspec.sources import load

    loaded = case("source: csv:iris.csv\ntarget: nope")
    with pytest.raises(SpecError) as raised:
        load(loaded.spec, loaded.file)
    span = raised.value.diagnostics[0].span
    assert (span.file, span.line, span.col) == (str(loaded.file), 1, 1)


@pytest.mark.parametrize("cell", ["inf", "-inf", "1e39", "-Infinity"])
def test_infinite_or_float32_overflowing_values_are_named_with_their_line(case, tmp_path, cell):
    (tmp_path / "d.csv").write_text(f"a,b,y\n1,2,0\n3,{cell},1\n4,5,0\n")
    [error] = case("source: csv:d.csv", "binary").errors()
    assert error.code == "DLS404" and (error.span.line, error.span.col) == (2, 11)
    assert f"column 'b' of 'd.csv' has 1 infinite or too large value ('{cell}' on line 3)" in (
        error.message
    )
    assert "finite numbers" in error.hint


def test_the_largest_float32_is_still_a_number(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,y\n3.4e38,0\n-3.4e38,1\n")
    assert case("source: csv:d.csv", "binary").load().x[:, 0].tolist() == pytest.approx(
        [3.4e38, -3.4e38]
    )


def test_a_header_without_rows_holds_no_examples(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,b,y\n")
    [error] = case("source: csv:d.csv", "binary").errors()
    assert error.code == "DLS401" and error.message == "'d.csv' holds no examples"
    assert (error.span.line, error.span.col) == (2, 11)


def test_column_groups_load_as_named_inputs_and_lint_sees_their_shapes(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,y,b,c\n1,0,2,3\n4,1,5,6\n7,0,8,9\n")
    loaded = case("source: csv:d.csv\ntarget: y\nfeatures: {left: [c, a], right: [b]}", "binary")
    data, info = loaded.load(), loaded.describe()
    assert info.shape is None and info.inputs == {
        "left": ((2,), "float32"),
        "right": ((1,), "float32"),
    }
    assert sorted(data.x) == ["left", "right"]
    np.testing.assert_array_equal(data.x["left"], [[3, 1], [6, 4], [9, 7]])  # in the group's order
    np.testing.assert_array_equal(data.x["right"], [[2], [5], [8]])
    assert data.x["left"].dtype == np.float32 and data.feature_names == ["c", "a", "b"]


def test_column_groups_read_a_predict_table_by_the_same_groups(case, tmp_path):
    from dlspec import sources

    (tmp_path / "d.csv").write_text("a,b,y\n1,2,0\n3,4,1\n")
    (tmp_path / "new.csv").write_text("b,a\n20,10\n")
    loaded = case("source: csv:d.csv\nfeatures: {p: [a], q: [b]}", "binary")
    x, y = sources.read_inputs(loaded.spec, loaded.file, tmp_path / "new.csv")
    assert y is None and {name: a.tolist() for name, a in x.items()} == {"p": [[10]], "q": [[20]]}


def test_column_groups_take_no_window(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,b\n" + "".join(f"{i},{i}\n" for i in range(20)))
    loaded = case(
        "source: csv:d.csv\nwindow: {length: 3}\nfeatures: {p: [a], q: [b]}", "regression"
    )
    (error,) = loaded.errors()
    assert error.code == "DLS401" and "takes no column groups" in error.message
    assert error.span.line == loaded.line_of("window")


def test_a_list_of_targets_gives_one_output_each(case, tmp_path):
    (tmp_path / "d.csv").write_text("a,y1,b,y2\n1,10,2,20\n3,30,4,40\n")
    loaded = case("source: csv:d.csv\ntarget: [y2, y1]", "regression")
    data, info = loaded.load(), loaded.describe()
    assert info.outputs == 2 and info.shape == (2,)
    assert data.feature_names == ["a", "b"] and data.target_names == ["y2", "y1"]
    np.testing.assert_array_equal(data.y, [[20, 10], [40, 30]])
    assert data.y.dtype == np.float32
