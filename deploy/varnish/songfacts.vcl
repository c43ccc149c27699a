# Varnish in front of the gunicorn hosts, for Debian's varnish 7 with varnish-modules' xkey.
#
# It keeps the pages the app marks `public` for anonymous readers, each under the keys of
# what it shows (the app's Surrogate-Key header, which xkey indexes), for their s-maxage, and
# drops exactly the pages under the keys the app sends in a PURGE once a change commits
# (songfacts.varnish). Posts, the admin and personal requests go to the app every time.
#
#   varnishd -f $PWD/deploy/varnish/songfacts.vcl -p vcl_path=<site folder> ...
#
# What differs between deployments is in two files it includes from the site folder (the
# vcl_path): backends.vcl (the gunicorn hosts) and admin_path.vcl (settings.ADMIN_PATH).
# deploy/varnish/example/ has a pair for two hosts; deploy/cluster.py writes its own. README.md,
# "Running on more than one machine".
vcl 4.1;

import directors;
import std;
import xkey;

# Who may purge: the app hosts. Loopback here; in production add each app host's address or
# their network (a line such as "10.0.1.0"/24;).
acl purgers {
    "127.0.0.1";
    "::1";
}

# The probe window: a probe a second, and a host takes requests while 3 of its last 5
# succeeded. A host that dies leaves the turns after 3 failed probes (3 s; until then a fetch
# that fails on it is retried on another host), and one that comes back rejoins after 3 good
# ones. /healthz also fails while the host cannot reach the database.
probe healthz {
    # Each host's ALLOWED_HOSTS must accept "localhost"; the header is the TLS proxy's, so
    # that a host with SECURE_SSL_REDIRECT answers instead of redirecting.
    .request =
        "GET /healthz HTTP/1.1"
        "Host: localhost"
        "X-Forwarded-Proto: https"
        "Connection: close";
    .interval = 1s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
}

sub vcl_init {
    # Fetches take turns over the healthy hosts.
    new hosts = directors.round_robin();
    # A fetch whose host failed is retried on the next host after that one on this ring.
    new spares = directors.shard();
}

include "backends.vcl";
include "admin_path.vcl";

sub vcl_init {
    spares.reconfigure();
}

sub vcl_recv {
    if (req.method == "PURGE") {
        call purge_keys;
    }
    if (req.method !~ "^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)$") {
        return (synth(405, "Method Not Allowed"));
    }
    set req.backend_hint = hosts.backend();
    # A page past its lifetime is served for a few seconds more while it is fetched again, and
    # for up to its grace (vcl_backend_response) while no host is healthy.
    if (std.healthy(req.backend_hint)) {
        set req.grace = 10s;
    }
    unset req.http.X-Replayable;
    # The admin's posts are never sent twice: a host may fail after it saved the change.
    call admin_path;
    if (req.method != "GET" && req.method != "HEAD") {
        # A reader's post is kept, so that one whose host fails can be sent to another (a
        # form is a few KB; a repeated reader post is one row, by its submission token).
        std.cache_req_body(1MB);
        set req.http.X-Replayable = "1";
        return (pass);
    }
    if (req.http.Authorization
        || req.http.Cookie ~ "(^|;\s*)(sessionid|messages|wrote_lsn)=") {
        # Logged in, a flash message to show, or the reader's own post to read back (from
        # the primary database): the page is theirs.
        return (pass);
    }
    # Any other cookie (the CSRF one, a browser's leftovers) does not change a public page.
    unset req.http.Cookie;
    if (req.url ~ "^/api/") {
        # The API answers every origin alike (CORS "*", no credentials), and says it varies
        # by Origin: asked as from one origin, every site's script and every other client
        # share one copy, with the CORS headers.
        set req.http.Origin = "null";
    }
    return (hash);
}

sub purge_keys {
    if (client.ip !~ purgers) {
        return (synth(403, "Forbidden"));
    }
    if (!req.http.xkey-purge) {
        return (synth(400, "Name the keys to purge in an xkey-purge header"));
    }
    if (req.http.xkey-purge == "*") {
        # From a purger that had more keys waiting for this cache than it keeps: every page
        # goes, rather than one that changed staying.
        std.ban("obj.status != 0");
        return (synth(200, "Banned every page"));
    }
    # A hard purge: the pages go at once, none is served stale after the change.
    return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
}

sub vcl_backend_fetch {
    if (bereq.retries > 0) {
        set bereq.backend = spares.backend(
            by=KEY, key=spares.key(bereq.http.X-Failed-Host), resolve=NOW);
        if ("" + bereq.backend == bereq.http.X-Failed-Host) {
            # Still counted healthy: inside the probe window.
            set bereq.backend = spares.backend(
                by=KEY, key=spares.key(bereq.http.X-Failed-Host), alt=1, resolve=NOW);
        }
        unset bereq.http.X-Failed-Host;
    }
}

sub vcl_backend_response {
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.http.Cache-Control !~ "(^|[ ,])public([ ,]|$)") {
        # Only what the app says a shared cache may keep: never an error page, a redirect or
        # a page it did not mark, which no purge would reach.
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    if (beresp.http.Surrogate-Key) {
        set beresp.http.xkey = beresp.http.Surrogate-Key;
    }
    # The API's rate-limit figures are the client's who fetched it: a copy served to others
    # carries none (Varnish's hits are not counted by the app).
    unset beresp.http.X-RateLimit-Limit;
    unset beresp.http.X-RateLimit-Remaining;
    unset beresp.http.X-RateLimit-Reset;
    # Kept compressed, about a fifth of a song page's size, and sent so to the browsers that
    # take gzip (Varnish unzips it for the others): four times the pages in the same memory.
    if (beresp.http.Content-Type ~ "^(text/|application/(json|xml|rss\+xml|atom\+xml))") {
        set beresp.do_gzip = true;
    }
    # The ttl is the app's s-maxage (Varnish reads it before max-age).
    set beresp.grace = 1h;
}

sub vcl_backend_error {
    if (bereq.retries == 0
        && (bereq.method == "GET" || bereq.method == "HEAD" || bereq.http.X-Replayable)) {
        # Refused, reset or timed out: once more, on another host.
        set bereq.http.X-Failed-Host = beresp.backend;
        return (retry);
    }
    # No host could answer: a page that says so, and when to try again.
    set beresp.reason = "Service Unavailable";
    set beresp.http.Content-Type = "text/html; charset=utf-8";
    set beresp.http.Retry-After = "10";
    set beresp.http.Cache-Control = "no-store";
    synthetic({"<!doctype html>
<html lang="en-gb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Back shortly · Songfacts</title>
</head>
<body>
<h1>Songfacts is back in a moment</h1>
<p>We can't reach our catalogue right now. Please try again in a few seconds; if you were sending a comment, go back and send it once more.</p>
</body>
</html>
"});
    return (deliver);
}

sub vcl_deliver {
    unset resp.http.xkey;
    if (obj.uncacheable) {
        set resp.http.X-Cache = "PASS";
    } elsif (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}

sub vcl_synth {
    set resp.http.Content-Type = "text/plain; charset=utf-8";
    synthetic(resp.status + " " + resp.reason + {"
"});
    return (deliver);
}
