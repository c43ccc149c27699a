"""Readers, commenters and editors, in a real browser against the site under gunicorn."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import EDITOR

pytestmark = pytest.mark.slow

HEROES = "/songs/david-bowie/heroes/"


def test_a_reader_browses_to_a_song_and_its_artist_and_back(page, site):
    page.goto(site + "/")
    expect(page.locator("h1")).to_be_visible()

    page.get_by_role("link", name="Songs A–Z").first.click()
    page.get_by_role("link", name=re.compile(r"^Heroes")).first.click()

    expect(page).to_have_url(re.compile(r"/songs/david-bowie/heroes/$"))
    expect(page.locator("h1")).to_have_text("Heroes")
    expect(page.locator(".facts .fact").first).to_contain_text("German couple")
    expect(page.locator(".facts")).to_contain_text("Suggestion credit")
    expect(page.locator(".facts")).to_contain_text("Michael Lloyd - London, England")
    expect(page.locator(".credits")).to_contain_text("Brian Eno")
    expect(page.locator("#charts table")).to_contain_text("UK Singles Chart")
    expect(page.locator("#comments-heading")).to_have_text("Comments: 29")

    page.locator("main").get_by_role("link", name="David Bowie").first.click()
    expect(page.locator("h1")).to_have_text("David Bowie")
    page.go_back()
    expect(page.locator("h1")).to_have_text("Heroes")


def test_a_reader_searches_as_they_type_and_lands_on_the_song(page, site):
    page.goto(site + "/")

    page.locator("#site-search-q").press_sequentially("hero", delay=60)
    suggestion = page.locator("#site-search-suggestions a", has_text="Heroes").first
    expect(suggestion).to_be_visible()
    suggestion.click()

    expect(page.locator("h1")).to_have_text(re.compile("Heroes|Hero"))


def test_a_reader_searches_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/")

    page.locator("#site-search-q").fill("bowie berlin wall")
    page.locator("#site-search-q").press("Enter")

    expect(page).to_have_url(re.compile(r"/search/\?q=bowie"))
    expect(page.locator("main")).to_contain_text("Heroes")
    context.close()


def test_a_commenter_posts_replies_and_sees_both_at_their_permalinks(page, site):
    marker = uuid.uuid4().hex[:8]
    page.goto(site + HEROES)

    form = page.locator("#comment-form")
    form.locator("#id_author_name").fill("Ann")
    form.locator("#id_author_place").fill("Leeds")
    form.locator("#id_body").fill(f"Saw the Wall concert in 1987. {marker}")
    form.get_by_role("button", name="Post comment").click()

    comment = page.locator("li.comment-thread", has_text=marker).first
    expect(comment).to_be_visible()
    expect(comment).to_contain_text("Ann from Leeds")
    assert re.search(r"#comment-\d+$", page.url)

    comment.get_by_role("link", name=re.compile("Reply")).first.click()
    reply_form = page.locator("#comment-form")
    reply_form.locator("#id_author_name").fill("Bo")
    reply_form.locator("#id_body").fill(f"So did I! reply-{marker}")
    reply_form.get_by_role("button", name="Post reply").click()

    reply = page.locator(f"#comment-{page.url.rsplit('-', 1)[-1]}")
    expect(reply).to_contain_text(f"reply-{marker}")
    thread = page.locator("li.comment-thread", has_text=marker).first
    expect(thread.locator("article.comment").first).to_contain_text("Ann from Leeds")
    expect(thread).to_contain_text(f"reply-{marker}")


def test_a_bad_comment_shows_a_clear_error_and_keeps_the_text(page, site):
    page.goto(site + HEROES)

    form = page.locator("#comment-form")
    form.locator("#id_body").fill("A thought without a name attached.")
    form.get_by_role("button", name="Post comment").click()

    name_error = page.locator("#id_author_name_error")
    expect(name_error).to_have_text("This field is required.")
    expect(page.locator("#id_author_name")).to_have_attribute(
        "aria-describedby", re.compile(r"\bid_author_name_error\b")
    )
    expect(page.locator("#id_body")).to_have_value("A thought without a name attached.")


def log_in_to_the_admin(page, site):
    page.goto(site + "/admin/")
    page.locator("#id_username").fill(EDITOR[0])
    page.locator("#id_password").fill(EDITOR[1])
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_contain_text("Log out")


def open_heroes_in_the_admin(page, site):
    page.goto(site + "/admin/catalogue/song/?q=Heroes")
    page.locator("#result_list tr", has_text="David Bowie").get_by_role(
        "link", name="Heroes", exact=True
    ).first.click()
    expect(page.locator("#id_title")).to_have_value("Heroes")


def test_an_editor_adds_reorders_publishes_and_reverts_a_fact(page, site):
    marker = uuid.uuid4().hex[:8]
    log_in_to_the_admin(page, site)
    open_heroes_in_the_admin(page, site)

    total = int(page.locator("#id_facts-TOTAL_FORMS").input_value())
    new = f"#id_facts-{total - 1}"
    page.locator(f"{new}-position").fill("99")
    page.locator(f"{new}-body").fill(f"Bowie sang it in Berlin in 2002 too. {marker}")
    page.locator(f"{new}-suggested_by_name").fill("Greta")
    page.locator(f"{new}-suggested_by_place").fill("Hamburg, Germany")
    page.locator(f"{new}-status").select_option("published")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    # Reorder: swap the first two facts' positions in one save.
    first, second = page.locator("#id_facts-0-position"), page.locator("#id_facts-1-position")
    first_position, second_position = first.input_value(), second.input_value()
    first_body = page.locator("#id_facts-0-body").input_value()
    first.fill(second_position)
    second.fill(first_position)
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(site + HEROES)
    fact = page.locator("[id^=fact-]", has_text=marker)
    expect(fact).to_contain_text("Greta - Hamburg, Germany")
    bodies = page.locator("[id^=fact-]").all_inner_texts()
    assert first_body[:40] in bodies[1]

    # Change the new fact's text, then revert it from the history.
    fact_id = fact.get_attribute("id").removeprefix("fact-")
    page.goto(f"{site}/admin/catalogue/fact/{fact_id}/change/")
    page.locator("#id_body").fill(f"A worse telling. {marker}")
    page.locator("input[name=_save]").click()
    page.goto(f"{site}/admin/catalogue/fact/{fact_id}/history/")
    page.locator("#change-history a[href*='/history/']").last.click()
    page.get_by_role("button", name="Revert").first.click()

    page.goto(site + HEROES)
    expect(page.locator(f"#fact-{fact_id}")).to_contain_text("Bowie sang it in Berlin in 2002")


@pytest.mark.parametrize(("name", "width", "height"), [("phone", 360, 740), ("desktop", 1280, 900)])
def test_the_song_page_reads_well_at_phone_and_desktop_size(
    browser, site, screenshot, name, width, height
):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(site + HEROES)

    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    path = screenshot(page, f"song-page-{name}")
    context.close()

    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"
    assert path.stat().st_size > 10_000


def test_the_video_loads_only_when_the_reader_asks(page, site):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(site + HEROES)

    assert not [url for url in requests if not url.startswith(site)]
    page.locator(".video a[data-embed-src]").click()
    expect(page.locator(".video iframe")).to_have_attribute(
        "src", re.compile(r"^https://www\.youtube-nocookie\.com/embed/")
    )
