"""Load benchmark (loopback only, bounded): the consultation page, the submit POST and the
drafter's theme page on gunicorn, with 10,000 submissions seeded and analysed.

    python bench/load.py [--seconds 10] [--workers N]

Prints, per endpoint: requests/s at saturation (``wrk``, 32 connections) and p50/p99 latency at
a fixed rate of 200 requests/s (an open-loop Python client: latency counts from when each request
was due, so a slow server cannot hide its queueing); and, from the same run with the same
gunicorn settings, the saturation ratio to a bare Flask "hello" app. The server is pinned to the
last core and the load generators to the first (``taskset``), so they do not share a core.
"""
from __future__ import annotations

import argparse
import http.client
import os
import queue
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORES = os.cpu_count() or 1
SERVER_CPUS = str(CORES - 1) if CORES > 1 else "0"
CLIENT_CPUS = "0"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(db_path: Path, n: int) -> None:
    """Seed ``n`` submissions (bench/exports.py), analyse them, add a drafter."""
    sys.path.insert(0, str(ROOT / "bench"))
    from exports import _app, seed

    from consult.accounts.services import create_user, grant_role
    from consult.analysis.services import request_analysis, run_analysis
    from consult.consultations.queries import get_by_slug
    from consult.extensions import db

    seed(db_path, n)
    app = _app(db_path)
    with app.app_context():
        consultation = get_by_slug("bench")
        from datetime import timedelta

        from consult.common.types import utcnow

        consultation.opens_at, consultation.closes_at = utcnow() - timedelta(days=1), utcnow() + timedelta(days=30)
        grant_role(create_user("drafter@bench.example.org", "bench-password-1"), consultation, "drafter")
        run_analysis(request_analysis(consultation))
        db.session.commit()


def serve(target: str, env: dict, port: int, workers: int) -> subprocess.Popen:
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    process = subprocess.Popen(["taskset", "-c", SERVER_CPUS, gunicorn, "-c", str(ROOT / "gunicorn.conf.py"), target],
                               cwd=ROOT, env={**env, "BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": str(workers)},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            time.sleep(0.5)
            return process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{target} did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=20)


def wrk(url: str, seconds: int, headers: dict | None = None, script: Path | None = None) -> float:  # noqa: D103
    """Requests/s at saturation: wrk, one thread, 32 connections, pinned to the client core."""
    command = ["taskset", "-c", CLIENT_CPUS, "wrk", "-t1", f"-c{os.environ.get('WRK_CONNECTIONS', '32')}", f"-d{seconds}s", "--latency"]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(command + ["--timeout", "30s", url], capture_output=True, text=True, check=True).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        print(f"  (wrk: {non2xx.group(1)} non-2xx answers on {url})", file=sys.stderr)
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def saturate(port: int, url: str, seconds: int, **kwargs) -> float:
    """:func:`wrk`, then wait for the server to drain its queue."""
    rps = wrk(url, seconds, **kwargs)
    drain(port)
    return rps


class Browser:
    """A cookie-keeping HTTP/1.1 connection (for logins and form tokens)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=data, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text


def submit_forms(port: int, count: int) -> list[tuple[str, str]]:
    """``count`` ready-to-send submissions: (cookie header, urlencoded body), each from its own
    visitor session (fetched before the timed part)."""
    out: list[tuple[str, str]] = []
    lock = threading.Lock()

    def fetch(k: int):
        for _ in range(k):
            browser = Browser(port)  # a new visitor each time (one device sending many is a flood)
            _status, page = browser.request("GET", "/c/bench/submit")
            browser.conn.close()  # idle keep-alive connections would fill the workers' connection slots
            fields = dict(re.findall(r'name="(csrf_token|client_token)" type="hidden" value="([^"]*)"', page))
            body = urllib.parse.urlencode({**fields, "stakeholder_type": "citizen", "anonymous": "y",
                                           "body": "Mutasi ASN harus transparan dan kriterianya diumumkan.",
                                           "consent_publish": "y"})
            cookie = "; ".join(f"{k2}={v}" for k2, v in browser.cookies.items())
            with lock:
                out.append((cookie, body))

    threads = [threading.Thread(target=fetch, args=(count // 16 + 1,)) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out[:count]


def drain(port: int) -> None:
    """Wait until the server has worked off what the last load left queued (health answers fast)."""
    for _ in range(600):
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
            conn.request("GET", "/healthz")
            conn.getresponse().read()
        except OSError:
            pass
        if time.perf_counter() - started < 0.05:
            return
        time.sleep(0.5)


def fixed_rate(port: int, make_request, rate: int, seconds: int) -> tuple[float, float, int]:
    """Open-loop load at ``rate`` requests/s for ``seconds``: (p50 ms, p99 ms, errors). Bounded:
    requests not sent within ``seconds`` + 20 s of their due time are dropped and count as
    errors (and as infinitely slow in the percentiles)."""
    total = rate * seconds
    due: queue.Queue = queue.Queue()
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    start = time.perf_counter() + 0.5
    for i in range(total):
        due.put(start + i / rate)

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            try:
                when = due.get_nowait()
            except queue.Empty:
                return
            wait = when - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            elif -wait > seconds + 20:  # hopelessly late: the server cannot keep up
                with lock:
                    latencies.append(float("inf"))
                    errors[0] += 1
                continue
            method, path, body, headers = make_request()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
            except (OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            with lock:
                latencies.append((time.perf_counter() - when) * 1000)
                errors[0] += 0 if ok else 1

    threads = [threading.Thread(target=worker) for _ in range(64)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    latencies.sort()
    drain(port)
    return statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1], errors[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2 * CORES + 1)
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=200)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    os.sched_setaffinity(0, {int(CLIENT_CPUS)})  # this script (the fixed-rate client) on the client core
    tmp = Path(tempfile.mkdtemp(prefix="consult-load-"))
    db_path = tmp / "load.sqlite3"
    print(f"seeding {args.submissions} submissions and analysing them …", file=sys.stderr)
    prepare(db_path, args.submissions)
    env = {**os.environ, "CONSULT_CONFIG": "production", "SECRET_KEY": "b" * 48, "DATABASE_URL": f"sqlite:///{db_path}",
           "CONSULT_INSTANCE": str(tmp / "instance"), "MAIL_SUPPRESS_SEND": "1", "COOKIE_SECURE": "0",
           "RATELIMIT_ENABLED": "0"}
    port = _port()
    results = {}
    print(f"gunicorn: {args.workers} workers × 2 threads, server on CPU {SERVER_CPUS}, load on CPU {CLIENT_CPUS}; "
          f"SQLite (WAL); {args.submissions} submissions", flush=True)
    hello_port = _port()
    hello = serve("bench.hello:app", env, hello_port, args.workers)
    try:
        results["hello"] = wrk(f"http://127.0.0.1:{hello_port}/", args.seconds)
    finally:
        stop(hello)
    server = serve("wsgi:app", env, port, args.workers)
    try:
        drafter = Browser(port)
        _status, page = drafter.request("GET", "/auth/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]*)"', page).group(1)
        status, _ = drafter.request("POST", "/auth/login", {"email": "drafter@bench.example.org",
                                                            "password": "bench-password-1", "csrf_token": token})
        cookie = "; ".join(f"{k}={v}" for k, v in drafter.cookies.items())
        assert drafter.request("GET", "/staff/c/bench/themes")[0] == 200, "the drafter is not signed in"
        assert Browser(port).request("GET", "/c/bench")[0] == 200
        page_rps = saturate(port, f"http://127.0.0.1:{port}/c/bench", args.seconds)
        theme_rps = saturate(port, f"http://127.0.0.1:{port}/staff/c/bench/themes", args.seconds,
                             headers={"Cookie": cookie})
        forms = submit_forms(port, int(args.seconds * 400))
        lua = tmp / "submit.lua"
        lua.write_text("local forms = {\n" + ",\n".join(
            "{%s, %s}" % (_lua(c), _lua(b)) for c, b in forms) + "}\nlocal i = 0\n"
            "request = function()\n  i = i + 1\n  local f = forms[(i % #forms) + 1]\n"
            "  return wrk.format('POST', '/c/bench/submit', {['Cookie'] = f[1], "
            "['Content-Type'] = 'application/x-www-form-urlencoded'}, f[2])\nend\n")
        submit_rps = saturate(port, f"http://127.0.0.1:{port}/c/bench/submit", args.seconds, script=lua)
        fresh = submit_forms(port, args.rate * args.seconds)
        it = iter(fresh)

        def page_req():
            return "GET", "/c/bench", None, {}

        def theme_req():
            return "GET", "/staff/c/bench/themes", None, {"Cookie": cookie}

        def submit_req():
            c, b = next(it)
            return "POST", "/c/bench/submit", b, {"Cookie": c, "Content-Type": "application/x-www-form-urlencoded"}

        rows = [("consultation page", page_rps, fixed_rate(port, page_req, args.rate, args.seconds)),
                ("submit POST", submit_rps, fixed_rate(port, submit_req, args.rate, args.seconds)),
                ("drafter theme page", theme_rps, fixed_rate(port, theme_req, args.rate, args.seconds))]
    finally:
        stop(server)
    print(f"bare Flask hello: {results['hello']:.0f} requests/s at saturation")
    print("endpoint\trequests/s (32 conn)\tratio to hello\tp50 ms @200/s\tp99 ms @200/s\terrors")
    for name, rps, (p50, p99, errors) in rows:
        print(f"{name}\t{rps:.0f}\t{rps / results['hello']:.0%}\t{p50:.1f}\t{p99:.1f}\t{errors}")
    shutil.rmtree(tmp, ignore_errors=True)


def _lua(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


if __name__ == "__main__":
    main()
