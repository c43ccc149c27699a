"""Share cards: the picture a link to a page shows on social sites and in chats (og:image).

Each song has one with its title and artist (`song_card`), served from its own address beside
the song page; every other page shows the site's card, static/share-card.png, which is
`site_card()`'s drawing (tests/reader/test_share_cards.py holds them equal). Draw it again after
a change here:

    .venv/bin/python -c "from catalogue.share_cards import site_card; \\
        open('static/share-card.png', 'wb').write(site_card())"

The text is set in DejaVu Sans Bold, cut down to the Latin, Greek and Cyrillic letters
(catalogue/fonts/, with its licence and how it was cut): the project reads no font outside
itself, and "Héros" keeps its accent. A letter of another script shows as a box.
"""

import hashlib
import io
from functools import lru_cache
from pathlib import Path

from django.urls import reverse
from PIL import Image, ImageDraw, ImageFont

# The size Facebook, LinkedIn and X show large (1.91:1); the pages' og:image:width and
# og:image:height say it too (templates/base.html).
WIDTH, HEIGHT = 1200, 630
# Part of every card's address: bump it when the drawing changes, so that sites which keep
# pictures by address fetch the new ones.
DRAWING = 2
MARGIN = 80
TEXT_WIDTH = WIDTH - 2 * MARGIN
# The site's colours (static/css/site.css).
PAPER = "#f4f1ea"
INK = "#1d1d1f"
MUTED = "#595959"
ACCENT = "#8a1c1c"
BAND = 120
# The title takes the largest of these sizes at which it fits in TITLE_LINES lines and
# TITLE_HEIGHT pixels; past the smallest it is cut short.
TITLE_SIZES = (104, 92, 80, 68, 58)
TITLE_LINES = 3
TITLE_HEIGHT = 300
LINE_SPACING = 1.15
BYLINE_SIZE = 48
ELLIPSIS = "\N{HORIZONTAL ELLIPSIS}"
FONT = Path(__file__).resolve().parent / "fonts" / "DejaVuSans-Bold-subset.ttf"


def song_card(song):
    """The song's card as PNG bytes: its title, and its artist (`song.artist`, loaded)."""
    return _card(song.title, f"by {song.artist.name}", footer="The story behind the song")


def site_card():
    """The card of every page but a song's, as PNG bytes."""
    return _card(
        "The stories behind the songs",
        "Who wrote them, and who played on them",
        footer="Written with its readers",
    )


def card_path(song):
    """The address of the song's card. It carries a digest of what the card shows, so that
    a new title or artist's name gives it a new address."""
    shown = f"{DRAWING}\n{song.title}\n{song.artist.name}".encode()
    path = reverse(
        "catalogue:song-card", kwargs={"artist_slug": song.artist.slug, "slug": song.slug}
    )
    return f"{path}?v={hashlib.sha256(shown).hexdigest()[:16]}"


def _card(title, byline, *, footer):
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, BAND), fill=ACCENT)
    draw.text((MARGIN, BAND // 2), "Songfacts", font=_font(56), fill=PAPER, anchor="lm")

    size, lines = _fitted_title(title)
    font = _font(size)
    y = BAND + 50
    for line in lines:
        draw.text((MARGIN, y), line, font=font, fill=INK)
        y += round(size * LINE_SPACING)
    byline_font = _font(BYLINE_SIZE)
    draw.text(
        (MARGIN, y + 16),
        _cut(_lines(byline, byline_font), 1, byline_font)[0],
        font=byline_font,
        fill=MUTED,
    )
    draw.text((MARGIN, HEIGHT - 60), footer, font=_font(32), fill=MUTED, anchor="ls")

    png = io.BytesIO()
    image.save(png, format="PNG")
    return png.getvalue()


@lru_cache
def _font(size):
    return ImageFont.truetype(FONT, size)


def _fitted_title(title):
    for size in TITLE_SIZES:
        lines = _lines(title, _font(size))
        if len(lines) <= TITLE_LINES and len(lines) * size * LINE_SPACING <= TITLE_HEIGHT:
            return size, lines
    return size, _cut(lines, TITLE_LINES, _font(size))


def _lines(text, font):
    """`text` in lines that fit TEXT_WIDTH, broken between words, and inside a word that is
    wider than a line by itself (a long name, an address)."""
    lines, line = [], ""
    for word in text.split():
        joined = f"{line} {word}" if line else word
        if font.getlength(joined) <= TEXT_WIDTH:
            line = joined
        elif font.getlength(word) <= TEXT_WIDTH:
            lines.append(line)
            line = word
        else:
            # Too wide for any line: it fills what is left of this one, then whole lines.
            line = joined
            while font.getlength(line) > TEXT_WIDTH:
                fits = max(1, _fitting(line, font, TEXT_WIDTH))
                lines.append(line[:fits].rstrip())
                line = line[fits:].lstrip()
    if line:
        lines.append(line)
    return lines or [""]


def _fitting(text, font, width):
    """How many of `text`'s first characters fit in `width`."""
    count = 0
    while count < len(text) and font.getlength(text[: count + 1]) <= width:
        count += 1
    return count


def _cut(lines, most, font):
    """The first `most` of `lines`, the last ending in an ellipsis when any were left out."""
    if len(lines) <= most:
        return lines
    last = lines[most - 1]
    while last and font.getlength(last + ELLIPSIS) > TEXT_WIDTH:
        last = last[:-1]
    return [*lines[: most - 1], last.rstrip() + ELLIPSIS]
