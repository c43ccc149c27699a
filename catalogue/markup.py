"""Turning editors' text into safe HTML, and video links into privacy-friendly embeds.

Facts and comments keep their HTML in a column of their own (`body_html`), rendered when they
are saved, so that no page renders markup. `rerender` renders a whole table again, for the
`render_markup` command and for migrations.
"""

import re
from urllib.parse import parse_qs, urlsplit

import nh3
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
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
# Rows that `rerender` reads and writes at a time: about a megabyte of text for facts.
RERENDER_BATCH = 2000


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


def render_fact(text):
    """Safe HTML for a fact's body: paragraphs from blank lines, line breaks kept.

    Only a, em, strong, q, cite, br and p survive; links to other sites get
    rel="nofollow noopener" so that the site vouches for none of them. Which sites are other
    depends on ALLOWED_HOSTS: after changing it, run `manage.py render_markup`.
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


def rerender(
    model,
    render,
    *,
    using=DEFAULT_DB_ALIAS,
    batch_size=RERENDER_BATCH,
    progress=None,
    changed_rows=None,
):
    """Render every row's `body` into its `body_html` again with `render`, in batches by id,
    writing only the rows whose HTML differs. Returns (rows read, rows changed).

    Reads and writes nothing but id, body and body_html (and the song of a changed row), so
    that a migration can pass its historical model. `progress(read, total, changed)` is called
    after each batch, and `changed_rows(ids, song_ids)` with the rows a batch changed and their
    songs, in the batch's transaction. Each batch is one UPDATE, which writes a row only while
    its body is still the text rendered here: an edit saved meanwhile keeps the HTML its own
    save rendered.
    """
    rows_of = model._base_manager.db_manager(using).order_by("pk")
    total = rows_of.count()
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    # One statement for the whole batch; bulk_update's CASE with a branch per row costs more
    # the larger the batch.
    statement = f"""
        UPDATE {table} AS t SET body_html = batch.html
        FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS batch(id, body, html)
        WHERE t.id = batch.id AND t.body = batch.body
        RETURNING t.id, t.song_id
    """
    read = changed = 0
    last_pk = 0
    while batch := list(
        rows_of.filter(pk__gt=last_pk).values_list("pk", "body", "body_html")[:batch_size]
    ):
        last_pk = batch[-1][0]
        stale = [(pk, body, html) for pk, body, old in batch if (html := render(body)) != old]
        if stale:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                cursor.execute(statement, [list(column) for column in zip(*stale, strict=True)])
                rows = cursor.fetchall()
                changed += len(rows)
                if changed_rows is not None and rows:
                    ids, song_ids = zip(*rows, strict=True)
                    changed_rows(set(ids), set(song_ids))
        read += len(batch)
        if progress is not None:
            progress(read, total, changed)
    return read, changed
