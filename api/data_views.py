"""/data/: the latest data dump for download (api.dumps), described for people and, as a
schema.org Dataset, for dataset search engines."""

import datetime
import json
import re

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from api import dumps
from songfacts import cache_keys

# A dump's folder, as export_dump names them; anything else in DATA_DUMP_ROOT is not offered.
_DUMP_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{6}Z$")
# A new dump shows within this time, whatever the page cache holds.
PAGE_SECONDS = 600
_MEDIA_TYPES = {".gz": "application/gzip", ".json": "application/json", ".txt": "text/plain"}


def _dumps():
    root = settings.DATA_DUMP_ROOT
    if not root.is_dir():
        return []
    return sorted(
        path
        for path in root.iterdir()
        if _DUMP_NAME.match(path.name) and (path / dumps.SUMS).is_file()
    )


def _listed(folder):
    """{file name: sha256} of a dump's SHA256SUMS."""
    listed = {}
    for line in (folder / dumps.SUMS).read_text(encoding="ascii", errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        if name:
            listed[name] = digest
    return listed


def _media_type(name):
    return next(
        (kind for suffix, kind in _MEDIA_TYPES.items() if name.endswith(suffix)), "text/plain"
    )


def _latest():
    """The latest dump: its folder name, data package and files, or None."""
    folders = _dumps()
    if not folders:
        return None
    folder = folders[-1]
    package = json.loads((folder / dumps.DATAPACKAGE).read_text(encoding="utf-8"))
    rows = {resource["path"]: resource.get("rows") for resource in package["resources"]}
    files = [
        {
            "name": name,
            "url": reverse("data-download", kwargs={"dump": folder.name, "name": name}),
            "bytes": (folder / name).stat().st_size,
            "sha256": digest,
            "rows": rows.get(name),
            "media_type": _media_type(name),
        }
        for name, digest in _listed(folder).items()
    ]
    files.append(
        {
            "name": dumps.SUMS,
            "url": reverse("data-download", kwargs={"dump": folder.name, "name": dumps.SUMS}),
            "bytes": (folder / dumps.SUMS).stat().st_size,
            "sha256": None,
            "rows": None,
            "media_type": "text/plain",
        }
    )
    return {"name": folder.name, "package": package, "files": files}


def _dataset(request, latest):
    spdx = settings.DATA_LICENSE
    title, licence_url = settings.DATA_LICENSES[spdx]
    dataset = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"The {settings.SITE_NAME} catalogue",
        "description": (
            "Songs with the stories behind them (facts with their sources), credits, chart "
            "runs, certifications, versions, placements and tags; artists, albums, people, "
            "charts and readers' published comments, as gzipped JSON Lines in the shapes of "
            "the site's open API, with a Frictionless data package."
        ),
        "url": request.build_absolute_uri(reverse("data")),
        "license": licence_url,
        "isAccessibleForFree": True,
        "creator": {"@type": "Organization", "name": settings.SITE_NAME, "url": settings.SITE_URL},
    }
    if latest is not None:
        modified = latest["package"].get("created")
        if modified:
            dataset["dateModified"] = modified
        dataset["distribution"] = [
            {
                "@type": "DataDownload",
                "name": file["name"],
                "contentUrl": request.build_absolute_uri(file["url"]),
                "encodingFormat": file["media_type"],
                "contentSize": f"{file['bytes']} B",
                **({"dateModified": modified} if modified else {}),
            }
            for file in latest["files"]
        ]
    return dataset


@require_safe
def data_page(request):
    """The latest dump's files, sizes and digests, its licence and feed cursor; a page that
    says there is none yet until the first export_dump."""
    cache_keys.keep_at_most(PAGE_SECONDS)
    latest = _latest()
    spdx = settings.DATA_LICENSE
    title, licence_url = settings.DATA_LICENSES[spdx]
    context = {
        "latest": latest,
        "licence": {"spdx": spdx, "title": title, "url": licence_url},
        "json_ld": _dataset(request, latest),
        "canonical_url": request.build_absolute_uri(request.path),
        "feed_url": reverse("api:change-feed"),
        "feed_days": settings.CHANGE_FEED_DAYS,
    }
    if latest is not None:
        cursor = latest["package"].get("feed_cursor", 0)
        context["feed_cursor"] = cursor
        created = latest["package"].get("created")
        context["created"] = created and datetime.datetime.fromisoformat(created)
    return render(request, "api/data.html", context)


@require_safe
def download(request, dump, name):
    """A file of a dump in DATA_DUMP_ROOT: only the names its SHA256SUMS lists, and that
    file itself; anything else is a 404."""
    folder = next((path for path in _dumps() if path.name == dump), None)
    if folder is None or (name != dumps.SUMS and name not in _listed(folder)):
        raise Http404("No such file in the data dumps.")
    return FileResponse(
        (folder / name).open("rb"),
        as_attachment=name.endswith(".gz"),
        filename=name,
        content_type=_media_type(name),
    )
