import re

import nh3
from django import template
from django.utils.html import urlize
from django.utils.safestring import mark_safe

register = template.Library()

PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@register.filter
def comment_body(text):
    """A reader's plain text as HTML: paragraphs kept, addresses made into links.

    urlize escapes everything it doesn't link; nh3 then keeps only the markup made here and
    marks every link as user content that passes no ranking or window access.
    """
    paragraphs = PARAGRAPH_BREAK.split(text.replace("\r\n", "\n").strip())
    html = "".join(
        "<p>{}</p>".format(urlize(p, autoescape=True).replace("\n", "<br>"))
        for p in paragraphs
        if p.strip()
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
