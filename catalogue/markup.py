"""Turning editors' text into safe HTML, and video links into privacy-friendly embeds."""

import hashlib
import re
import threading
from collections import OrderedDict
from urllib.parse import parse_qs, urlsplit

import nh3
from django.conf import settings
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {"a", "em", "strong", "q", "cite", "br", "p"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "q": {"cite"}}
URL_SCHEMES = {"http", "https", "mailto"}
PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
# nh3 serialises every kept link the same way: `<a href="..."` with double quotes, so this
# pattern sees each link exactly once.
LINK_OPEN = re.compile(r'<a href="([^"]*)"')
# Left where an editor's own <p> or a removed block tag closed one of our paragraphs.
EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>")
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")
VIMEO_ID = re.compile(r"^[0-9]{1,12}$")
# Rendered texts each worker keeps: the song page's facts and comments are rendered once per
# worker, not on every request. A few thousand short fragments stay within a few megabytes.
MEMO_SIZE = 4096


class Memo:
    """Results remembered by a digest of the text they were made from, least recently used
    first out.

    Keyed by a digest rather than the text so that long texts are not kept twice; keyed by
    the text itself (not a row id) so that an edited text is rendered anew at once.
    """

    def __init__(self, size=MEMO_SIZE):
        self.size = size
        self.results = OrderedDict()
        self.lock = threading.Lock()

    def get(self, text, compute):
        """compute(), or what it returned before for the same text."""
        key = hashlib.blake2b(text.encode(), digest_size=16).digest()
        with self.lock:
            result = self.results.get(key)
            if result is not None:
                self.results.move_to_end(key)
                return result
        result = compute()
        with self.lock:
            self.results[key] = result
            if len(self.results) > self.size:
                self.results.popitem(last=False)
        return result


def memoized(function, extra=lambda: ""):
    """`function` of one text, remembered per text; `extra()` names settings it reads."""
    memo = Memo()

    def remembered(text):
        return memo.get(f"{extra()}\0{text}", lambda: function(text))

    remembered.__doc__ = function.__doc__
    return remembered


def _is_external(href):
    host = urlsplit(href.replace("&amp;", "&")).hostname
    if not host:
        return False
    return host not in {h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"}


def _mark_external_links(html):
    def add_rel(match):
        if _is_external(match.group(1)):
            return f'{match.group(0)} rel="nofollow noopener"'
        return match.group(0)

    return LINK_OPEN.sub(add_rel, html)


def _render_fact(text):
    """Safe HTML for a fact's body: paragraphs from blank lines, line breaks kept.

    Only a, em, strong, q, cite, br and p survive; links to other sites get
    rel="nofollow noopener" so that the site vouches for none of them.
    """
    paragraphs = [p.strip() for p in PARAGRAPH_BREAK.split(text.replace("\r\n", "\n"))]
    html = "".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in paragraphs if p)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=None,
        clean_content_tags={"script", "style"},
    )
    # Safe: nh3 has removed every tag and attribute outside the lists above.
    return mark_safe(_mark_external_links(EMPTY_PARAGRAPH.sub("", cleaned)))


# Which links count as external depends on ALLOWED_HOSTS.
render_fact = memoized(_render_fact, extra=lambda: " ".join(settings.ALLOWED_HOSTS))


def _youtube_id(parts, host):
    if host == "youtu.be":
        return parts.path.strip("/")
    if host in ("youtube.com", "youtube-nocookie.com"):
        if parts.path == "/watch":
            return parse_qs(parts.query).get("v", [""])[0]
        if parts.path.startswith(("/embed/", "/shorts/")):
            return parts.path.split("/")[2]
    return ""


def video_embed(url):
    """The privacy-friendly player address for a YouTube or Vimeo link, or "" for others.

    YouTube plays from youtube-nocookie.com and Vimeo with do-not-track, both allowed by the
    Content-Security-Policy's frame-src; nothing loads until the reader asks.
    """
    parts = urlsplit(url or "")
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    youtube_id = _youtube_id(parts, host)
    if YOUTUBE_ID.match(youtube_id):
        return f"https://www.youtube-nocookie.com/embed/{youtube_id}?autoplay=1"
    if host == "vimeo.com":
        vimeo_id = parts.path.strip("/").split("/")[0]
        if VIMEO_ID.match(vimeo_id):
            return f"https://player.vimeo.com/video/{vimeo_id}?dnt=1&autoplay=1"
    return ""
