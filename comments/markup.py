"""Readers' plain text as HTML, rendered when a comment is saved (Comment.body_html)."""

import re

import nh3
from django.utils.html import Urlizer, escape
from django.utils.safestring import mark_safe

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# What every address urlize links has: an "@", a ":", or a "." with more of the word after it.
# A paragraph without any is only escaped, which is what urlize would return for it, and
# several times faster (most comments hold no address).
MAY_HOLD_ADDRESS = re.compile(r"[@:]|\.\S")


class _Urlizer(Urlizer):
    def trim_punctuation(self, word):
        lead, middle, _ = super().trim_punctuation(word)
        # Django 5.2 loses punctuation before a closing bracket: "(louder.com). See" came out
        # as "(louder.com) See". What follows the address is the rest of the word.
        return lead, middle, word[len(lead) + len(middle) :]


urlize = _Urlizer()


def render_comment(text):
    """A reader's plain text as HTML: paragraphs kept, addresses made into links.

    urlize escapes everything it doesn't link; nh3 then keeps only the markup made here and
    marks every link as user content that passes no ranking or window access.
    """
    paragraphs = PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").strip())
    html = "".join(
        "<p>{}</p>".format(_linked(p).replace("\n", "<br>")) for p in paragraphs if p.strip()
    )
    return mark_safe(
        nh3.clean(
            html,
            tags={"p", "br", "a"},
            attributes={"a": {"href"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="nofollow ugc noopener",
        )
    )


def _linked(paragraph):
    if MAY_HOLD_ADDRESS.search(paragraph):
        return urlize(paragraph, autoescape=True)
    return escape(paragraph)
