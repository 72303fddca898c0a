"""text: sources: labelled tables (raw strings + classes) and corpora for next_token."""

from __future__ import annotations

import numpy as np

from dlspec.data import text

CORPUS = "The cat sat on the mat. The dog sat on the log! " * 8 + "A zebra appeared at last."


def test_a_table_gives_raw_strings_and_class_ids(case, tmp_path):
    (tmp_path / "reviews.csv").write_text(
        'text,label\n"Great, loved it",pos\nAwful,neg\nFine,pos\n'
    )
    loaded = case("source: text:reviews.csv\nmax_tokens: 50\nsequence_length: 7", "binary")
    data, info = loaded.load(), loaded.describe()
    assert data.x.dtype == object and list(data.x) == ["Great, loved it", "Awful", "Fine"]
    assert data.class_names == ["neg", "pos"]
    np.testing.assert_array_equal(data.y, [1, 0, 1])
    assert data.vocabulary == info.vocabulary == 50 and info.shape == (7,)


def test_table_columns_are_configurable(case, tmp_path):
    (tmp_path / "t.tsv").write_text("body\tstars\tid\nok\t3\t1\nbad\t1\t2\n")
    data = case("source: text:t.tsv\ntext_column: body\ntarget: stars", "regression").load()
    assert list(data.x) == ["ok", "bad"] and data.y.dtype == np.float32


def test_a_missing_text_column_suggests_the_closest(case, tmp_path):
    (tmp_path / "t.csv").write_text("texts,label\nhi,a\n")
    loaded = case("source: text:t.csv")
    [error] = loaded.errors()
    assert error.code == "DLS403" and "'text'" in error.message
    assert error.hint == "did you mean 'texts'?"
    assert error.span.line == loaded.line_of("source")


def test_tokens_are_lower_case_words_and_punctuation():
    assert text.tokenize("The cat, sat!") == ["the", "cat", ",", "sat", "!"]


def test_a_corpus_marks_each_sentence_with_a_start_and_a_stop():
    tokens = text.tokenize("Alice was tired. Oh dear! What then? and so")
    assert " ".join(text.sentences(tokens)) == (
        "<s> alice was tired . </s> <s> oh dear ! </s> <s> what then ? </s> <s> and so </s>"
    )
    assert text.sentences([]) == []


def test_a_corpus_becomes_shifted_sequences_in_time_order(case, tmp_path):
    (tmp_path / "story.txt").write_text(CORPUS)
    loaded = case("source: text:story.txt\nsequence_length: 9\nmax_tokens: 100", "next_token")
    data, info = loaded.load(), loaded.describe()
    assert data.series and data.x.dtype == data.y.dtype == np.int32
    assert data.x.shape[1:] == info.shape == (9,) and data.y.shape == data.x.shape
    assert data.vocabulary == info.vocabulary == 100 and data.x.max() < 100
    np.testing.assert_array_equal(data.x[:, 1:], data.y[:, :-1])
    tokens = text.sentences(text.tokenize(CORPUS))
    assert tokens[:8] == ["<s>", "the", "cat", "sat", "on", "the", "mat", "."]
    assert len(data.x) == len(tokens) // 10
    assert data.tokens[:2] == ["", "<unk>"]
    assert [data.tokens[i] for i in data.x[0]] == tokens[:9]
    assert data.tokens[data.y[1, -1]] == tokens[19]  # non-overlapping: 10 tokens a sequence


def test_the_corpus_vocabulary_comes_from_the_training_part_only(case, tmp_path):
    (tmp_path / "story.txt").write_text(CORPUS)
    # 'zebra' is in the last 10% of the tokens: the held-out part
    extra = "validation: {type: holdout, test_size: 0.1}\n"
    data = case("source: text:story.txt\nsequence_length: 4", "next_token", extra).load()
    assert "zebra" not in data.tokens and "cat" in data.tokens
    assert 1 in data.y[-1]  # the test part's new words are '<unk>'


def test_a_corpus_too_short_for_two_sequences(case, tmp_path):
    (tmp_path / "tiny.txt").write_text("just a few words")
    [error] = case("source: text:tiny.txt\nsequence_length: 5", "next_token").errors()
    assert error.code == "DLS401" and "6 tokens" in error.message  # with <s> and </s>


def pairs(tmp_path, rows: list[tuple[str, str]], header: str = "source,target") -> None:
    (tmp_path / "pairs.csv").write_text(header + "\n" + "".join(f"{a},{b}\n" for a, b in rows))


def test_pairs_become_the_source_the_shifted_target_and_the_target_then_stop(case, tmp_path):
    pairs(tmp_path, [("a b", "b a"), ("c", "c")] * 10)
    loaded = case("source: text:pairs.csv\nsequence_length: 4", "seq2seq")
    data, info = loaded.load(), loaded.describe()
    assert info.inputs is None  # the source's own facts; the task reads them as two inputs
    vocabulary = data.tokens
    assert vocabulary[:4] == ["", text.UNKNOWN, text.START, text.STOP]
    ids = {token: i for i, token in enumerate(vocabulary)}
    assert sorted(data.x) == ["source", "target"]
    np.testing.assert_array_equal(data.x["source"][0], [ids["a"], ids["b"], 0, 0])
    # teacher forcing: the decoder reads <s> and the target; it must predict the target, </s>
    np.testing.assert_array_equal(data.x["target"][0], [ids["<s>"], ids["b"], ids["a"], 0])
    np.testing.assert_array_equal(data.y[0], [ids["b"], ids["a"], ids["</s>"], 0])
    assert data.x["source"].dtype == data.x["target"].dtype == np.int32


def test_pairs_tokenised_by_character_with_other_columns(case, tmp_path):
    pairs(tmp_path, [("x", "ab"), ("y", "Ba")] * 10, header="input,output")
    spec = "source: text:pairs.csv\nsource_column: input\ntarget_column: output\ntokens: character"
    data = case(spec + "\nsequence_length: 3", "seq2seq").load()
    assert {"a", "b", "B", "x", "y"} <= set(data.tokens)  # characters as written


def test_the_pairs_vocabulary_leaves_the_test_rows_out(case, tmp_path):
    from dlspec.train import schemes

    rows = [(f"w{i}", f"v{i}") for i in range(40)]
    pairs(tmp_path, rows)
    loaded = case("source: text:pairs.csv\nsequence_length: 2", "seq2seq")
    data = loaded.load()
    spec = loaded.spec
    test = schemes.plan(spec.validation, "seq2seq", data.y, seed=spec.seed).test
    held = {word for i in test for word in rows[i]}
    assert held and not held & set(data.tokens)  # words of test pairs only are '<unk>'
    assert {word for i, row in enumerate(rows) if i not in test for word in row} <= set(data.tokens)
    np.testing.assert_array_equal(data.x["source"][test[0]][:1], [1])


def test_a_text_longer_than_sequence_length_says_the_length_it_needs(case, tmp_path):
    pairs(tmp_path, [("a b c", "a"), ("a", "a b c d")] * 5)
    loaded = case("source: text:pairs.csv\nsequence_length: 3", "seq2seq")
    (error,) = loaded.errors()
    assert error.code == "DLS401" and "texts of 5 tokens" in error.message
    assert error.hint == "set data.sequence_length to 5 or more"
    assert error.span.line == loaded.line_of("sequence_length")


def test_a_missing_pair_column_is_dls403(case, tmp_path):
    pairs(tmp_path, [("a", "b")] * 5, header="source,tgt")
    (error,) = case("source: text:pairs.csv\nsequence_length: 3", "seq2seq").errors()
    assert error.code == "DLS403" and "'target'" in error.message
