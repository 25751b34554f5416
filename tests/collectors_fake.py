"""A fake platform API on 127.0.0.1 that plays a cassette and fails tests that did not play it all.

A cassette (tests/cassettes/*.json) is a list of interactions written by hand in each platform's exact JSON
shapes (no tokens, no real people). Each interaction matches method, path and a subset of the query string,
and is served once, in order of the first that matches. `lines` streams newline-delimited bodies (X filtered
stream) with an optional pause before each line. `assert_played()` fails when an interaction was never
requested or a request matched nothing.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

CASSETTES = Path(__file__).parent / "cassettes"


def load_cassette(name: str, **subst: Any) -> list[dict[str, Any]]:
    text = (CASSETTES / name).read_text(encoding="utf-8")
    for k, v in subst.items():
        text = text.replace("{{" + k + "}}", str(v))
    return list(json.loads(text)["interactions"])


def reddit_edits_cassette(now: float) -> list[dict[str, Any]]:
    """reddit_edits_real_shapes.json with its times filled in: items created a few hours before `now` (inside the
    edit re-read window), edited an hour before it. Reddit times are JSON numbers, hence no {{...}} placeholders."""
    text = (CASSETTES / "reddit_edits_real_shapes.json").read_text(encoding="utf-8")
    for i in range(1, 8):
        text = text.replace(f'"@@t{i}@@"', str(now - 6 * 3600 + 60 * i)).replace(f'"@@e{i}@@"', str(now - 3600))
    return list(json.loads(text)["interactions"])


class FakeApi:
    def __init__(self, interactions: list[dict[str, Any]]) -> None:
        self.interactions = interactions
        self.played = [False] * len(interactions)
        self.requests: list[dict[str, Any]] = []
        self.unmatched: list[str] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        # close() waits for the serving loop to look again: every 0.5 s by default (as tests/alerts_support.py)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def add(self, interactions: list[dict[str, Any]]) -> None:
        with self.lock:
            self.interactions += interactions
            self.played += [False] * len(interactions)

    def _match(self, method: str, path: str, query: dict[str, list[str]]) -> dict[str, Any] | None:
        with self.lock:
            for i, it in enumerate(self.interactions):
                req = it["request"]
                if self.played[i] or req.get("method", "GET") != method or req["path"] != path:
                    continue
                want = req.get("query", {})
                if all(query.get(k, [None])[0] == (None if v is None else str(v)) for k, v in want.items()):
                    self.played[i] = True
                    return it
        return None

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                parts = urlsplit(self.path)
                query = parse_qs(parts.query, keep_blank_values=True)
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                api.requests.append({"method": self.command, "path": parts.path, "query": query,
                                     "headers": dict(self.headers), "body": body})
                it = api._match(self.command, parts.path, query)
                if it is None:
                    api.unmatched.append(f"{self.command} {self.path}")
                    self.send_response(599, "no interaction in cassette")
                    self.end_headers()
                    return
                resp = it["response"]
                self.send_response(resp.get("status", 200))
                for k, v in resp.get("headers", {}).items():
                    self.send_header(k, str(v).replace("{{now+60}}", str(int(time.time()) + 60)))
                if "lines" in resp:
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    for line in resp["lines"]:
                        time.sleep(resp.get("pause", 0.0))
                        chunk = line if isinstance(line, str) else json.dumps(line)
                        self.wfile.write(chunk.encode() + b"\r\n")
                        self.wfile.flush()
                    return
                payload = resp.get("body")
                data = (payload if isinstance(payload, str) else json.dumps(payload)).encode() if payload is not None \
                    else b""
                self.send_header("Content-Type", resp.get("content_type", "application/json"))
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815

            def log_message(self, *args: Any) -> None:
                pass

        return Handler

    def assert_played(self) -> None:
        missing = [f"{it['request'].get('method', 'GET')} {it['request']['path']} {it['request'].get('query', {})}"
                   for it, done in zip(self.interactions, self.played, strict=True) if not done]
        assert not self.unmatched, f"requests the cassette has no answer for: {self.unmatched}"
        assert not missing, f"cassette interactions never requested: {missing}"
        assert self.requests, "the cassette played no request"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

