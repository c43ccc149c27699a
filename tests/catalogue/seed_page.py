"""Read the seed page (the "Heroes" page as saved from Songfacts) into facts and comments.

The page is the ground truth for the fixture. Its layout: facts are "  • " bullets before the
line "Comments: N", comments are the bullets after it; a bullet's further lines are indented by
four spaces and a blank line separates paragraphs. A fact may end with the page's " >>" link
and a "Suggestion credit:" line followed by "Name - Place". A comment bullet starts with
"Name from Place" immediately followed by its text.
"""

import re
from dataclasses import dataclass
from pathlib import Path

# A copy of the text of the real page the seed content was made from, kept with the tests so
# that a clone of the repository needs nothing beside it.
SEED_PAGE = Path(__file__).resolve().parent / "data" / "heroes-songfacts-page.txt"
BULLET = "  • "
INDENT = "    "
CREDIT_LINE = "Suggestion credit:"
MORE_LINK = " >>"
COMMENTS_HEADING = re.compile(r"^Comments: (\d+)$")
END_OF_COMMENTS = "see more comments"


@dataclass
class SeedFact:
    body: str
    credit_name: str = ""
    credit_place: str = ""


@dataclass
class SeedComment:
    author_name: str
    # "Place" immediately followed by the text: the page does not say where one ends.
    place_and_body: str


@dataclass
class SeedPage:
    facts: list
    comments: list
    comment_count: int


def _bullets(lines):
    """Group lines into bullets: each a list of lines, indentation removed."""
    bullets = []
    for line in lines:
        if line.startswith(BULLET):
            bullets.append([line[len(BULLET) :]])
        elif bullets and line.startswith(INDENT):
            bullets[-1].append(line[len(INDENT) :])
        elif bullets and not line.strip():
            bullets[-1].append("")
    return [_text(bullet) for bullet in bullets]


def _text(lines):
    return "\n".join(lines).strip()


def _fact(text):
    body, _, credit = text.partition(f"\n{CREDIT_LINE}\n")
    body = body.strip().removesuffix(MORE_LINK)
    name, _, place = credit.strip().partition(" - ")
    return SeedFact(body=body, credit_name=name, credit_place=place)


def _comment(text):
    name, separator, rest = text.partition(" from ")
    assert separator, f"A comment without 'Name from Place': {text[:60]!r}"
    return SeedComment(author_name=name, place_and_body=rest)


def read_seed_page(path=SEED_PAGE):
    lines = path.read_text(encoding="utf-8").splitlines()
    heading = next(i for i, line in enumerate(lines) if COMMENTS_HEADING.match(line))
    end = lines.index(END_OF_COMMENTS)
    return SeedPage(
        facts=[_fact(text) for text in _bullets(lines[:heading])],
        comments=[_comment(text) for text in _bullets(lines[heading + 1 : end])],
        comment_count=int(COMMENTS_HEADING.match(lines[heading]).group(1)),
    )
