import pytest

from search.query import MAX_LENGTH, parse


def _sql(terms, which="tsquery"):
    """The tsquery function and text the query hands PostgreSQL."""
    tsquery = getattr(terms, which)
    return tsquery.function, tsquery.source_expressions[-1].value


def test_it_requires_every_word_and_takes_each_as_a_prefix():
    assert _sql(parse("Bowi Hero")) == ("to_tsquery", "bowi:* & hero:*")


def test_it_leaves_a_short_word_whole():
    assert _sql(parse("be bowie")) == ("to_tsquery", "be & bowie:*")


def test_it_builds_quotes_or_and_minus_from_words_alone():
    terms = parse('"berlin wall" or -live hip-hop')
    assert _sql(terms) == ("to_tsquery", "(berlin <-> wall) | !live & (hip:* <-> hop:*)")


def test_it_ignores_an_or_with_nothing_on_one_side_and_searches_a_lone_one():
    assert _sql(parse("or heroes or")) == ("to_tsquery", "heroes:*")
    assert _sql(parse("or")) == ("to_tsquery", "or")


def test_it_looks_for_any_wanted_word_to_say_where_results_hold_them():
    terms = parse('"berlin wall" -live hip-hop')
    assert _sql(terms, "any_word") == ("to_tsquery", "(berlin <-> wall) | (hip:* <-> hop:*)")
    assert parse("-live").any_word is None


def test_it_caps_the_words_of_a_long_query():
    assert _sql(parse("heroes " * 30))[1] == " & ".join(["heroes:*"] * 10)


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
    _, source = _sql(parse("a:* & b | !c <-> (d) e:*A"))
    assert source == "a & b & c & d & (e <-> a)"
