"""The reliability tests' shared set-up: their config.toml (written the same way in four files before) and a real
`pvwatch serve` started in a subprocess and waited for until /healthz answers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

LEVOTHYROX = '[[products]]\nname = "Levothyrox"\ninns = ["levothyroxine"]\n'
ALERTS_OFF = "[alerts]\nenabled = false\n"


def replay_source(name: str, path: Path, platform: str, batch_size: int | None = None) -> str:
    size = f"batch_size = {batch_size}\n" if batch_size else ""
    return f'[sources.{name}]\ntype = "replay"\npath = "{path}"\nplatform = "{platform}"\n{size}'


def webhook_source(name: str, secret_env: str) -> str:
    return f'[sources.{name}]\ntype = "webhook"\nsecret_env = "{secret_env}"\n'


def write_config(tmp_path: Path, *sources: str, products: str = LEVOTHYROX, alerts: str = ALERTS_OFF,
                 personal_data: bool = False, extra: str = "") -> Path:
    """tmp_path/config.toml: the products, the sources, a SQLite store.db beside it, alerts (off unless given);
    personal-data detection off unless a test screens for it (it loads spaCy)."""
    pd = "" if personal_data else "[classifiers]\npersonal_data = false\n"
    path = tmp_path / "config.toml"
    path.write_text(f'{products}{"".join(sources)}[storage]\npath = "store.db"\n{pd}{alerts}{extra}',
                    encoding="utf-8")
    return path


@contextmanager
def served(cfg: Path, port: int, log: Path, env: dict[str, str] | None = None,
           timeout: float = 180) -> Iterator[str]:
    """`python -m pvwatch serve -c cfg`, its output appended to `log`; yields the base URL once /healthz is 200."""
    with log.open("ab") as fh:
        proc = subprocess.Popen([sys.executable, "-m", "pvwatch", "serve", "-c", str(cfg)], stdout=fh, stderr=fh,
                                env=env if env is not None else os.environ.copy())
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline and proc.poll() is None, log.read_text()[-3000:]
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def login(client: httpx.Client, username: str, password: str) -> httpx.Response:
    """The login form as a browser posts it (its one-time login_token first)."""
    found = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text)
    assert found, "the login page has no login_token"
    return client.post("/login", data={"username": username, "password": password, "login_token": found.group(1)})
