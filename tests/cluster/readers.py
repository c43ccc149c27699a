"""What the topology tests do as readers and commenters: plain HTTP requests, and the song
page's comment form posted as a browser posts it."""

import http.client
import itertools
import re
import time
from html import unescape
from urllib.parse import urlencode, urlsplit

import pytest

SONG = "/songs/david-bowie/heroes/"
REQUEST_TIMEOUT_SECONDS = 10


def request(base, method, path, *, body=None, headers=None):
    """One request, not following redirects: status, headers (lower-case names), body."""
    address = urlsplit(base)
    connection = http.client.HTTPConnection(
        address.hostname, address.port, timeout=REQUEST_TIMEOUT_SECONDS
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, {name.lower(): value for name, value in response.getheaders()}, text
    finally:
        connection.close()


def comment_form(page):
    """The comment form's action and fields as the page fills them (the honeypot empty)."""
    form = re.search(r'<form[^>]*id="comment-form".*?</form>', page, re.S)[0]
    action = unescape(re.search(r'action="([^"]+)"', form)[1])
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        value = re.search(r'value="([^"]*)"', tag)
        fields[re.search(r'name="([^"]+)"', tag)[1]] = unescape(value[1]) if value else ""
    fields.update({name: "" for name in re.findall(r'<textarea[^>]*name="([^"]+)"', form)})
    return action, fields


def post_comment(base, body, *, client_address):
    """Post a comment through the song page's form as a browser does (its Sec-Fetch-Site
    stands for the CSRF check), from `client_address`. Returns the POST's answer, or the
    page's when it could not be read."""
    status, headers, page = request(base, "GET", SONG)
    if status != 200:
        return status, headers, page
    action, fields = comment_form(page)
    fields.update(author_name="Ken", author_place="Denmark", body=body)
    return request(
        base,
        "POST",
        action,
        body=urlencode(fields),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Sec-Fetch-Site": "same-origin",
            "X-Forwarded-For": client_address,
        },
    )


_addresses = (f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}" for n in itertools.count(1))


def new_client_address():
    return next(_addresses)


def wait_until(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {seconds} s: {what}")
        time.sleep(0.05)
