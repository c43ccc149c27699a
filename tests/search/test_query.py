import pytest

from search.query import MAX_LENGTH, parse


def _sql(terms):
    """The tsquery function and text the query hands PostgreSQL."""
    return terms.tsquery.function, terms.tsquery.source_expressions[-1].value


def test_it_searches_plain_words_all_required_and_the_last_as_a_prefix():
    assert _sql(parse("Bowie Berl")) == ("to_tsquery", "bowie & berl:*")


def test_it_leaves_a_short_last_word_whole():
    assert _sql(parse("bowie be")) == ("to_tsquery", "bowie & be")


def test_it_hands_quotes_or_and_minus_to_websearch_rebuilt_from_words():
    terms = parse('"berlin wall" or -live hip-hop')
    assert _sql(terms) == ("websearch_to_tsquery", '"berlin wall" or -live "hip hop"')


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("", "Type a word or two"),
        ("   ", "Type a word or two"),
        ("&|!:*()", "Type some letters or numbers"),
        ('""', "Type some letters or numbers"),
        ("x", "Type at least two letters"),
        ("\x00\x01", "Type a word or two"),
    ],
)
def test_it_explains_a_query_with_nothing_to_search_for(raw, problem):
    terms = parse(raw)
    assert terms.tsquery is None
    assert terms.problem.startswith(problem)


def test_it_searches_the_start_of_a_long_query_and_says_so():
    terms = parse("word " * 400)
    assert len(terms.text) <= MAX_LENGTH
    assert "first 200 characters" in terms.problem
    assert terms.tsquery is not None


def test_it_drops_nul_and_control_characters():
    terms = parse("hero\x00es\x1b[31m")
    assert "\x00" not in terms.text
    assert terms.words == ["hero", "es", "31m"]


def test_it_never_passes_operators_through_to_the_raw_query():
    _, source = _sql(parse("a:* & b | !c <-> (d)"))
    assert source == "a & b & c & d"
