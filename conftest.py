"""Suite-wide test settings (applies to tests/ and to tests kept beside the apps)."""

import pytest

from songfacts import page_cache
from songfacts.change_listener import listener


def pytest_collection_modifyitems(config, items):
    """Browser tests last: Playwright keeps an event loop running in the test thread from its
    first use to the end of the session, and Django refuses database calls under it."""
    items.sort(key=lambda item: "/tests/e2e/" in str(item.path))


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "page_cache: run with the anonymous page cache on (it is off otherwise)"
    )


@pytest.fixture(autouse=True)
def plain_http(settings):
    """The test client speaks plain HTTP; production redirects it to HTTPS (tested apart)."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def page_cache_off_unless_asked(request, settings):
    """Most tests change rows inside a transaction that never commits, so the cache (which is
    invalidated on commit) would serve them stale pages; the page cache's own tests turn it on."""
    if request.node.get_closest_marker("page_cache") is None:
        settings.PAGE_CACHE_SECONDS = 0
    else:
        # What the last test's rolled-back transaction left in this worker's memory.
        page_cache.forget_local_pages()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    yield
    # The page cache's listening connection would keep the test database from being dropped.
    listener.close()
