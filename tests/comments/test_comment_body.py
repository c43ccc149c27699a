"""Comment text as HTML: the fast path for text without addresses matches urlize exactly."""

import pytest

from comments.markup import MAY_HOLD_ADDRESS, _linked, urlize

TEXTS = [
    "Saw them live in '77. Best night of my life!",
    'He said "<b>heroes</b>" & meant it. Really.',
    "Ends with a dot.\nA second line, (brackets), [more]; and no more",
    "www. is no address, nor is a lone dot .",
    "Mail me at ken@example.com",
    "See www.-odd and http://x.y/z?a=1&b=2 and example.org/path",
    "e.g.this and example.com",
]


@pytest.mark.parametrize("text", TEXTS)
def test_it_gives_what_urlize_gives(text):
    assert _linked(text) == urlize(text, autoescape=True)


@pytest.mark.parametrize("text", TEXTS[:4])
def test_it_skips_urlize_only_where_no_word_can_be_an_address(text):
    assert MAY_HOLD_ADDRESS.search(text) is None


@pytest.mark.parametrize("text", TEXTS[4:])
def test_it_hands_anything_like_an_address_to_urlize(text):
    assert MAY_HOLD_ADDRESS.search(text) is not None
    assert "<a href=" in _linked(text)
