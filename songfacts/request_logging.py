"""One log line per request, carrying a request id that every other log line shares."""

import contextvars
import logging
import re
import time
import uuid

logger = logging.getLogger("songfacts.requests")
current_request_id = contextvars.ContextVar("request_id", default="-")
# An id from the proxy is kept only when it looks like one: it ends up in our logs.
INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            logger.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                (time.perf_counter() - started) * 1000,
            )
            return response
        finally:
            current_request_id.reset(token)


class RequestContextFilter(logging.Filter):
    """Adds the request id to every record and keeps e-mail addresses out of the logs."""

    def filter(self, record):
        record.request_id = current_request_id.get()
        message = record.getMessage()
        if "@" in message:
            record.msg = EMAIL.sub("[e-mail]", message)
            record.args = ()
        # An exception's message can name a reader too (a mail server refusing an address):
        # the traceback is formatted here, once, and the formatter reuses it as it stands.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text and "@" in record.exc_text:
            record.exc_text = EMAIL.sub("[e-mail]", record.exc_text)
        return True
