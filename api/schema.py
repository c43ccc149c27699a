"""What every operation of the schema may answer besides its 200, written once (a
drf-spectacular postprocessing hook, settings.SPECTACULAR_SETTINGS), so that the schema
declares every answer the API gives: 304 to a matching `If-None-Match`, 404 for a row that is
not public or a cursor that is not ours, 400 for a bad `page_size`, 429 past the rate limit;
and the rate limit's headers on each."""

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": ("integer", "Requests a client address may make in each window."),
    "X-RateLimit-Remaining": ("integer", "Requests left to this address in this window."),
    "X-RateLimit-Reset": ("integer", "Seconds until the window ends."),
}


def _headers(*extra):
    headers = {
        name: {"schema": {"type": kind}, "description": description}
        for name, (kind, description) in RATE_LIMIT_HEADERS.items()
    }
    for name, kind, description in extra:
        headers[name] = {"schema": {"type": kind}, "description": description}
    return headers


def _error(description, *extra_headers):
    return {
        "description": description,
        "headers": _headers(*extra_headers),
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def declare_common_answers(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation["responses"]
            for response in responses.values():
                response.setdefault("headers", {}).update(
                    _headers(
                        ("ETag", "string", "A digest of the content: the same for the same."),
                    )
                )
            responses["304"] = {
                "description": "Not modified: the `If-None-Match` ETag is still current.",
                "headers": _headers(),
            }
            responses["404"] = _error("No such public row, or a cursor that is not ours.")
            parameters = operation.get("parameters", ())
            if any(parameter["name"] == "page_size" for parameter in parameters):
                responses["400"] = _error("A bad `page_size`.")
            responses["429"] = _error(
                "Too many requests from this address in this window.",
                ("Retry-After", "integer", "Seconds until the window ends."),
            )
    return result
