"""The MusicBrainz web service, played back from recorded responses by a real HTTP server."""

import copy
import http.server
import json
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
THINKING_OUT_LOUD = "cb2cc207-8125-445c-9ef9-6ea44eee959a"
THINKING_OUT_LOUD_WORK = "dc469dc8-198e-42e5-b5a7-6be2f0a95ac0"
KNOWING_ME = "2d40c8b2-7524-49e3-af44-ebb924c5b023"
ED_SHEERAN = "b8a7c51f-362c-4dcb-a259-bc6e0095f0a6"


def recorded(name):
    return json.loads((DATA / name).read_text())


def recorded_work():
    """The work of recording.json, as a work lookup gives it."""
    recording = recorded("recording.json")
    return copy.deepcopy(
        next(r["work"] for r in recording["relations"] if r["target-type"] == "work")
    )


class RecordedService(http.server.ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.responses = {}
        self.requests = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/ws/2"

    def serve(self, entity, mbid, data, status=200):
        body = data if isinstance(data, bytes) else json.dumps(data).encode()
        self.responses[f"/ws/2/{entity}/{mbid}"] = (status, body)


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        parts = urllib.parse.urlsplit(self.path)
        self.server.requests.append(
            {
                "at": time.monotonic(),
                "path": parts.path,
                "query": urllib.parse.parse_qs(parts.query),
                "user_agent": self.headers.get("User-Agent"),
            }
        )
        status, body = self.server.responses.get(
            parts.path, (404, b'{"error": "Not Found", "help": "For usage, please see..."}')
        )
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


@pytest.fixture
def musicbrainz(settings):
    """The service, serving the recorded recordings and work, at settings.MUSICBRAINZ_URL."""
    service = RecordedService()
    service.serve("recording", THINKING_OUT_LOUD, recorded("recording.json"))
    service.serve("recording", KNOWING_ME, recorded("recording_credits.json"))
    service.serve("work", THINKING_OUT_LOUD_WORK, recorded_work())
    thread = threading.Thread(target=service.serve_forever, daemon=True)
    thread.start()
    settings.MUSICBRAINZ_URL = service.url
    settings.MUSICBRAINZ_CONTACT = "editors@songfacts.example"
    yield service
    service.shutdown()
    service.server_close()
    thread.join(timeout=5)
