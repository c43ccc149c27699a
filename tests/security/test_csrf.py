"""Cross-site request forgery: refused by what the browser says of a request's origin, or,
when it says nothing, by Django's token (songfacts.csrf)."""

import html
import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.comments.conftest import comment_data

pytestmark = pytest.mark.django_db

OUR_ORIGIN = "http://testserver"


@pytest.fixture
def browser():
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def post_url(published_song):
    return reverse("comments:comment-create", kwargs={"song_pk": published_song.pk})


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "same-origin", "Origin": OUR_ORIGIN},
        {"Origin": OUR_ORIGIN},
    ],
    ids=["fetch-metadata", "both", "origin-only"],
)
def test_a_post_from_our_own_pages_needs_no_token(browser, post_url, headers):
    response = browser.post(post_url, comment_data(), headers=headers)

    assert response.status_code == 302
    assert Comment.objects.count() == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        # A sibling subdomain is another origin.
        {"Sec-Fetch-Site": "same-site", "Origin": "http://sub.testserver"},
        # What sandboxed pages and cross-site redirects send.
        {"Origin": "null"},
    ],
    ids=["cross-site", "same-site", "foreign-origin", "both-foreign", "subdomain", "null"],
)
def test_a_post_from_another_site_is_refused_and_writes_nothing(browser, post_url, headers):
    response = browser.post(post_url, comment_data(), headers=headers)

    assert response.status_code == 403
    assert Comment.objects.count() == 0
    assert b"Send it once more" not in response.content


def test_a_trusted_origin_may_post(browser, post_url, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://www.songfacts.example"]

    response = browser.post(
        post_url,
        comment_data(),
        headers={"Sec-Fetch-Site": "same-site", "Origin": "https://www.songfacts.example"},
    )

    assert response.status_code == 302


def test_a_browser_that_says_nothing_gets_its_comment_back_to_send_with_a_token(browser, post_url):
    silent = browser.post(
        post_url, comment_data(body="Lemmy's version & the <b>Motörhead</b> one.")
    )

    assert silent.status_code == 403
    assert Comment.objects.count() == 0
    page = silent.content.decode()
    assert "Send it once more" in page
    assert "Lemmy&#x27;s version &amp; the &lt;b&gt;Motörhead&lt;/b&gt; one." in page
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    assert set(fields) >= {"csrfmiddlewaretoken", "body", "author_name", "submission_token"}
    assert settings.CSRF_COOKIE_NAME in browser.cookies
    assert f'action="{post_url}"' in page

    sent = browser.post(post_url, {**comment_data(), **_unescaped(fields)})

    assert sent.status_code == 302
    assert Comment.objects.get().body == "Lemmy's version & the <b>Motörhead</b> one."


def test_the_admin_offers_no_second_chance(browser, settings):
    response = browser.post(f"/{settings.ADMIN_PATH}login/", {"username": "a", "password": "b"})

    assert response.status_code == 403
    assert b"Send it once more" not in response.content
    assert b"Your form has expired" in response.content


def test_the_admin_login_refuses_another_sites_form(browser, settings):
    response = browser.post(
        f"/{settings.ADMIN_PATH}login/",
        {"username": "a", "password": "b"},
        headers={"Origin": "https://evil.example"},
    )

    assert response.status_code == 403


def _unescaped(fields):
    return {name: html.unescape(value) for name, value in fields.items()}
