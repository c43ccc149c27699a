"""Template helpers for the reader pages."""

import datetime
import html
import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone
from django.utils.html import format_html, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.timesince import timesince

register = template.Library()

# The escapes of Django's json_script: no "</script>", "<!--" or "&" can end the data block.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def fact_text(fact, words=40):
    """A fact as plain text of at most `words` words, for summaries and meta tags: the text
    of the HTML stored with it (Fact.body_html); "" for no fact.

    Plain str, not safe: the template escapes it, also inside attribute values.
    """
    if not fact:
        return ""
    fact_html = fact.body_html
    # A space where paragraphs and lines break, so that their words stay apart.
    spaced = fact_html.replace("</p>", " </p>").replace("<br>", " ")
    text = " ".join(html.unescape(strip_tags(spaced)).split())
    return Truncator(text).words(int(words))


@register.filter
def ago(moment):
    """How long ago `moment` was, as a reader would say it: "just now" within its first
    minute (Django's timesince says "0 minutes"), else "5 minutes ago"."""
    if timezone.now() - moment < datetime.timedelta(minutes=1):
        return "just now"
    return f"{timesince(moment)} ago"


@register.simple_tag
def json_ld(data):
    """A schema.org data block, escaped the way json_script escapes its JSON."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(payload.translate(JSON_SCRIPT_ESCAPES)),
    )


@register.filter
def minutes_seconds(duration):
    """A song length as 6:07."""
    if duration is None:
        return ""
    minutes, seconds = divmod(int(duration.total_seconds()), 60)
    return f"{minutes}:{seconds:02d}"


@register.simple_tag(takes_context=True)
def page_url(context, number):
    """This page's address for page `number`, keeping the other query parameters."""
    query = context["request"].GET.copy()
    query.pop("page", None)
    if number > 1:
        query["page"] = number
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else context["request"].path
