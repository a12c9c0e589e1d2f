"""`eventline serve --workers 2`: several stateless server processes answer on one port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_two_workers_serve_the_api(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "EVENTLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'w.db'}"}
    eventline = str(Path(sys.executable).parent / "eventline")
    cmd = [eventline, "serve", "--workers", "2", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                reply = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except httpx.TransportError:
                assert proc.poll() is None, proc.stderr.read() if proc.stderr else ""
                assert time.monotonic() < deadline, "server did not start"
                time.sleep(0.3)
        assert reply.status_code == 200 and reply.json()["status"] == "ok"
        events = [httpx.get(f"http://127.0.0.1:{port}/events", timeout=5) for _ in range(6)]
        assert all(r.status_code == 200 and r.json()["events"] == [] for r in events)
        children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()
        assert len(children) >= 2, children  # the worker processes (plus, maybe, a tracker)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
