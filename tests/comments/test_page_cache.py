import pytest
from django.test import Client

from comments import services
from comments.models import Comment
from tests.comments.conftest import comment_data

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.comments.urls"),
    pytest.mark.page_cache,
]


def _anonymous_get(url):
    return Client().get(url)


def test_it_shows_a_new_comment_to_anonymous_readers_at_once(
    published_song, post_url, song_url, django_capture_on_commit_callbacks
):
    _anonymous_get(song_url)
    assert _anonymous_get(song_url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        Client().post(post_url, comment_data(body="Fresh from the press."))

    page = _anonymous_get(song_url)
    assert page["X-Page-Cache"] == "miss"
    assert "Fresh from the press." in page.content.decode()
    assert "Comments: 1</h2>" in page.content.decode()


def test_it_keeps_the_cached_page_for_a_held_comment_until_it_is_approved(
    published_song, post_url, song_url, django_capture_on_commit_callbacks
):
    _anonymous_get(song_url)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(post_url, comment_data(body="http://a.x http://b.x http://c.x"))
    assert _anonymous_get(song_url)["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        services.comment_moderate(comment=Comment.objects.get(), status=Comment.Status.PUBLISHED)

    assert "http://c.x" in _anonymous_get(song_url).content.decode()


def test_a_browser_posts_from_a_cached_page_without_a_token_of_its_own(
    published_song, song_url, post_url
):
    Client().get(song_url)
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(song_url)
    assert page["X-Page-Cache"] == "hit"

    response = browser.post(post_url, comment_data(), headers={"Sec-Fetch-Site": "same-origin"})

    assert response.status_code == 302
    assert Comment.objects.count() == 1
