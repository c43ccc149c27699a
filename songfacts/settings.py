"""Settings for Songfacts, one module driven by the environment.

Development: DEBUG=1 (what `make run` sets). Production: DEBUG unset, SECRET_KEY and
ALLOWED_HOSTS set. README.md lists every variable.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "django-insecure-development-only"


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_int(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name, default=()):
    value = os.environ.get(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not DEBUG and SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value in production (or set DEBUG=1 to develop)."
    )
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# How many reverse proxies of ours add to X-Forwarded-For (rate limits key on the address).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# HTTPS in production, behind a proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "songfacts.csrf.csrf_failure"
X_FRAME_OPTIONS = "DENY"


def _admin_path(value):
    path = value.strip("/")
    if not path or any(char in path for char in "?#% ") or "//" in path:
        raise ImproperlyConfigured(
            f'ADMIN_PATH must be a plain path such as "admin/", not {value!r}.'
        )
    return path + "/"


# Where the admin lives, e.g. "backstage-7f3a/": off the address every bot tries first.
ADMIN_PATH = _admin_path(os.environ.get("ADMIN_PATH", "admin/"))

# django-axes: after this many failed admin logins for one username from one address, that
# pair is refused for a while (the database keeps the count, shared by every worker).
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "songfacts.views.admin_locked_out"

# No inline script or style anywhere: scripts and styles come from our own static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        # Videos load only when a reader clicks play, from privacy-friendly embeds.
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

INSTALLED_APPS = [
    # Before the admin: it registers the versioned models with their parts and exclusions,
    # which the admin's VersionAdmins would otherwise register on their own, whole.
    "history",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "csp",
    "axes",
    "taggit",
    "reversion",
    "songfacts.apps.SongfactsConfig",
    "catalogue",
    "comments",
    "search",
    "musicbrainz",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "api",
]

MIDDLEWARE = [
    "songfacts.proxy.ForwardedForMiddleware",
    # CORS before the rate limit, so that a browser's script can read a 429 too.
    "corsheaders.middleware.CorsMiddleware",
    "songfacts.request_logging.RequestIdMiddleware",
    "songfacts.replicas.ReadYourWritesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "songfacts.content_security.SitePolicyCSPMiddleware",
    # After the request log and the HTTPS redirect, before ConditionalGetMiddleware and the
    # page cache: cached answers and 304s count, and carry their client's own headers.
    "api.rate_limits.ApiRateLimitMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "songfacts.csrf.FetchMetadataCsrfMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "songfacts.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the lockout its authentication backend flags on the request.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # Refuses logins for a locked-out username and address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "songfacts.urls"
WSGI_APPLICATION = "songfacts.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database_url():
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    # No server was given: start (or reuse) the project's own PostgreSQL in .pgdata/.
    from songfacts import embedded_postgres

    return embedded_postgres.ensure_running()


DATABASES = {
    "default": dj_database_url.parse(
        _database_url(),
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DATABASES["default"]["TEST"] = {
    # Lets several test runs share one server without stepping on each other.
    "NAME": os.environ.get("TEST_DATABASE_NAME") or None,
}
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DATABASE_TIMEOUT", 3)
# Statements bound on the server (Django's "server_side_binding"), which psycopg prepares on
# their connection once they have run this many times, so that PostgreSQL plans them once:
# for the song page's statement, planning took longer than running it. 0 turns both off, for
# a transaction-pooling proxy that cannot keep prepared statements.
PREPARE_THRESHOLD = env_int("DATABASE_PREPARE_THRESHOLD", 5)
DATABASES["default"]["OPTIONS"]["server_side_binding"] = PREPARE_THRESHOLD > 0
DATABASES["default"]["OPTIONS"]["prepare_threshold"] = PREPARE_THRESHOLD or None


def _replica_database(url):
    replica = dj_database_url.parse(
        url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"], conn_health_checks=True
    )
    replica["OPTIONS"] = {
        **DATABASES["default"]["OPTIONS"],
        **replica.get("OPTIONS", {}),
        # A replica that does not answer is skipped for the primary: little use waiting for
        # it (2 s is libpq's shortest).
        "connect_timeout": 2,
    }
    replica["TEST"] = {"MIRROR": "default"}
    return replica


# Streaming replicas of the primary, as "replica_1", "replica_2"... The reader pages read from
# one that lags REPLICA_MAX_LAG_SECONDS at most and has replayed the reader's own last write
# (songfacts.replicas).
DATABASES.update(
    (f"replica_{number}", _replica_database(url))
    for number, url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1)
)
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 10)
if len(DATABASES) > 1:
    DATABASE_ROUTERS = ["songfacts.replicas.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache_from_url(url):
    if not url:
        # Shared by every gunicorn worker, so a change is never served stale by one of them.
        # Sized for the pages of a 100,000-song catalogue with the versions of their keys
        # (README.md, "The page cache"); Django's default keeps 300 entries.
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "songfacts_cache",
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 1_000_000)},
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("locmem://"):
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, locmem:// or dummy://: {url!r}"
    )


CACHES = {"default": _cache_from_url(os.environ.get("CACHE_URL"))}
# How long anonymous readers' pages stay cached at most. A change purges the pages that show
# it at once (songfacts.page_cache), so this only bounds what a write that bypasses the models
# (an UPDATE by hand, a restored backup) leaves stale; and at a thousand readers a second, a
# 20,000-song catalogue is rendered again every hour instead of every ten minutes.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 3600)
# Workers hear of purges by PostgreSQL's LISTEN/NOTIFY (songfacts.change_listener), so a copy
# of a page they keep needs no round trip; turn it off behind a transaction-pooling proxy,
# which drops notices.
PAGE_CACHE_LISTEN = env_bool("PAGE_CACHE_LISTEN", True)
# How much of the pages it served last each worker keeps in its own memory.
PAGE_CACHE_LOCAL_BYTES = env_int("PAGE_CACHE_LOCAL_MB", 64) * 1024 * 1024
# Paths never looked up in the page cache nor stored (besides the admin): the health check
# must answer whether or not the cache does.
PAGE_CACHE_UNCACHED_PREFIXES = ("/healthz",)
# Where songfacts.cache_keys.purge sends the keys of what changed.
CACHE_PURGE_TARGETS = ["songfacts.page_cache.purge"]
# Varnish caches in front (deploy/varnish/): each address is sent the keys too, as a PURGE.
VARNISH_PURGE_URLS = env_list("VARNISH_PURGE_URLS")
if VARNISH_PURGE_URLS:
    CACHE_PURGE_TARGETS.append("songfacts.varnish.purge")

# The open API (api/): JSON only, read-only, for everyone, with no session or CSRF.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.AlwaysJson",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Songfacts API",
    "DESCRIPTION": (
        "The Songfacts catalogue as data: songs with their facts and sources, credits, chart "
        "runs, certifications, versions, placements and tags; artists, albums, people, charts, "
        "tags and readers' published comments. Read-only JSON, no key needed."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.declare_common_answers",
    ],
    "ENUM_NAME_OVERRIDES": {
        "ArtistKindEnum": "catalogue.models.Artist.Kind",
        "SourceKindEnum": "catalogue.models.Source.Kind",
        "VersionKindEnum": "catalogue.models.Version.Kind",
    },
    # A row's id (api.urls.IdConverter): a bigint the database can hold.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Any site may read the API from a browser's script: GETs, no credentials.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_EXPOSE_HEADERS = [
    "ETag",
    "Last-Modified",
    "Retry-After",
    "X-RateLimit-Limit",
    "X-RateLimit-Remaining",
    "X-RateLimit-Reset",
]
# Requests each client address may make to /api/ in each window of this many seconds
# (api.rate_limits, counted in the shared cache, so every worker and host counts together).
API_RATE_LIMIT = env_int("API_RATE_LIMIT", 600)
API_RATE_LIMIT_WINDOW = env_int("API_RATE_LIMIT_WINDOW", 60)
if API_RATE_LIMIT < 1 or API_RATE_LIMIT_WINDOW < 1:
    raise ImproperlyConfigured("API_RATE_LIMIT and API_RATE_LIMIT_WINDOW must be 1 or more.")

# The change feed (/api/v1/changes/) keeps this many days of changes; `manage.py
# prune_changes`, run daily, forgets older ones.
CHANGE_FEED_DAYS = env_int("CHANGE_FEED_DAYS", 30)
if CHANGE_FEED_DAYS < 1:
    raise ImproperlyConfigured("CHANGE_FEED_DAYS must be 1 or more.")

# The licences the data dumps (`manage.py export_dump`, /data/) may be published under, by
# SPDX id. The default is Wikipedia's: the facts and comments are prose that readers and
# editors wrote, and share-alike keeps copies of it open (README.md, "Dumps").
DATA_LICENSES = {
    "CC-BY-SA-4.0": (
        "Creative Commons Attribution-ShareAlike 4.0 International",
        "https://creativecommons.org/licenses/by-sa/4.0/",
    ),
    "CC-BY-4.0": (
        "Creative Commons Attribution 4.0 International",
        "https://creativecommons.org/licenses/by/4.0/",
    ),
    "CC0-1.0": (
        "Creative Commons Zero v1.0 Universal",
        "https://creativecommons.org/publicdomain/zero/1.0/",
    ),
    "ODbL-1.0": (
        "Open Data Commons Open Database License v1.0",
        "https://opendatacommons.org/licenses/odbl/1-0/",
    ),
}
DATA_LICENSE = os.environ.get("DATA_LICENSE") or "CC-BY-SA-4.0"
if DATA_LICENSE not in DATA_LICENSES:
    raise ImproperlyConfigured(
        f"DATA_LICENSE must be one of {', '.join(DATA_LICENSES)}, not {DATA_LICENSE!r}."
    )
# Where export_dump writes by default and /data/ serves the latest dump from: one folder
# per dump inside it.
DATA_DUMP_ROOT = Path(os.environ.get("DATA_DUMP_ROOT") or BASE_DIR / "dumps")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
# The site is written in English only. Without the translation machinery, every value a
# template renders skips a look-up of the active language (a tenth of the song page's render).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        # Hashed, compressed names, cached forever by browsers; needs `collectstatic`.
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

SITE_NAME = "Songfacts"
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The MusicBrainz web service that "Fill from MusicBrainz" reads (musicbrainz/client.py), and
# how its maintainers can reach us: MusicBrainz asks every client to say so in its User-Agent.
MUSICBRAINZ_URL = os.environ.get("MUSICBRAINZ_URL", "https://musicbrainz.org/ws/2").rstrip("/")
MUSICBRAINZ_CONTACT = os.environ.get("MUSICBRAINZ_CONTACT", SITE_URL)

EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Songfacts <noreply@songfacts.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "songfacts.request_logging.RequestContextFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "pgserver": {"level": "WARNING"},
        # Our own line per request replaces Django's warnings for 4xx answers.
        "django.request": {"level": "ERROR"},
    },
}
