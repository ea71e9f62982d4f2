"""Benchmark of the web pages under load: `python -m bench web` (all of them: `make bench`).

Generates a municipality (2,000 arenas × 5 cycles, bench/generate.py) into SQLite (or, with
BENCH_DATABASE_URL, a throw-away PostgreSQL database: bench/databases.py) and serves
it twice under gunicorn (2 sync workers each, 127.0.0.1, free ports): the app itself
(production settings), and a minimal hand-written Flask app (`baseline_app` below) whose
pages render the same rows with one query each and a bare template. Both read the same
gunicorn.conf.py. wrk (from 127.0.0.1, with the session cookie of a logged-in demo user)
measures, page by page in the same run, three alternating rounds of the baseline and then the
app; the figure is the median of the rounds' ratios:

* dashboard: /cycles/<open year> as the council office (every assessment of the cycle);
* my assessments: /assessments/ as the contact kontakt@ (the open cycle's, two portfolios);
* arena list: /arenas/ as the council office (the whole register).

Target: each app page at >= 0.8 x its baseline's requests per second (a MISS names why).
Then the resident memory (VmRSS) of each app worker after that warm-up: target < 150 MB (the
baseline's workers are shown beside it). Needs wrk (`apt-get install -y wrk`).
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RATIO_TARGET = 0.8
RSS_TARGET_MB = 150
SECONDS = 5  # wrk duration per page, server and round
ROUNDS = 3
CONNECTIONS = 4
USER_AGENT = "bench-web"  # Flask-Login's "strong" session protection pins the user agent
OFFICE, CONTACT = "kontoret@bergen.example", "kontakt@bergen.example"
ACTIVE = ("open", "in_review", "awaiting_decision")

# --------------------------------------------------------------------------- the baseline app

BASELINE_QUERIES = {  # the columns each app page shows, in one query each
    "dashboard": """
        SELECT a.id, ar.name, p.code, a.state, a.recommendation, a.decision_outcome,
               a.unchanged_comment, a.updated_at, r.last
        FROM assessments a JOIN arenas ar ON ar.id = a.arena_id
        JOIN cycles c ON c.id = a.cycle_id
        LEFT JOIN arena_portfolios ap ON ap.arena_id = ar.id
        LEFT JOIN portfolios p ON p.id = ap.portfolio_id
        LEFT JOIN (SELECT assessment_id, max(queued_at) AS last FROM reminders
                   WHERE kind IN ('reminder_before', 'reminder_overdue')
                   GROUP BY assessment_id) r ON r.assessment_id = a.id
        WHERE c.year = :year ORDER BY ar.name""",
    "mine": """
        SELECT a.id, ar.name, a.review_comment, c.year, a.state, c.submission_deadline
        FROM assessments a JOIN arenas ar ON ar.id = a.arena_id
        JOIN cycles c ON c.id = a.cycle_id
        WHERE c.status IN ('open', 'in_review', 'awaiting_decision')
          AND (a.contact_id = :user OR (a.contact_id IS NULL AND a.arena_id IN (
               SELECT ap.arena_id FROM arena_portfolios ap JOIN user_portfolios up
               ON up.portfolio_id = ap.portfolio_id WHERE up.user_id = :user)))
        ORDER BY c.year DESC, ar.name""",
    "arenas": """
        SELECT ar.id, ar.name, ar.kind, p.name_nb, ar.status, ar.is_archived, ar.member_since,
               ar.yearly_cost
        FROM arenas ar LEFT JOIN arena_portfolios ap ON ap.arena_id = ar.id
        LEFT JOIN portfolios p ON p.id = ap.portfolio_id
        ORDER BY ar.sort_order IS NULL, ar.sort_order, ar.name""",
}
BASELINE_TEMPLATE = """<!doctype html><html lang="nb"><head><meta charset="utf-8">
<title>{{ title }}</title></head><body><main><h1>{{ title }}</h1><table><caption>{{ title }}
</caption><tbody>{% for row in rows %}<tr>{% for value in row %}<td>{{ value }}</td>
{% endfor %}</tr>{% endfor %}</tbody></table></main></body></html>"""


def baseline_app():
    """The minimal Flask app: one query and a bare table per page (gunicorn's factory)."""
    import sqlalchemy as sa
    from flask import Flask

    flask_app = Flask(__name__)
    engine = sa.create_engine(os.environ["DATABASE_URL"])
    params = {"year": int(os.environ["BENCH_YEAR"]), "user": int(os.environ["BENCH_USER"])}

    template = flask_app.jinja_env.from_string(BASELINE_TEMPLATE)  # compiled once, like a file

    def page(name: str):
        def view():
            with engine.connect() as conn:
                rows = conn.execute(sa.text(BASELINE_QUERIES[name]), params).all()
            return template.render(title=name, rows=rows)
        flask_app.add_url_rule(f"/{name}", name, view)

    for name in BASELINE_QUERIES:
        page(name)
    return flask_app


# --------------------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    """One gunicorn (2 sync workers) on 127.0.0.1."""

    process: subprocess.Popen
    port: int
    log: Path

    @classmethod
    def start(cls, spec: str, env: dict[str, str], log: Path) -> Server:
        port = free_port()
        command = [sys.executable, "-m", "gunicorn", "-w", "2", "-k", "sync",
                   "-b", f"127.0.0.1:{port}", spec]
        with log.open("w") as out:
            process = subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                                       stdout=out, stderr=subprocess.STDOUT)
        server = cls(process, port, log)
        server.wait_until_up()
        return server

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-3000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    def request(self, method: str, path: str, headers: dict | None = None,
                body: str | None = None) -> tuple[int, dict, str]:
        """(status, headers, text) of one request, redirects not followed."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body,
                         headers={"User-Agent": USER_AGENT, **(headers or {})})
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode()
        finally:
            conn.close()

    def worker_pids(self) -> list[int]:
        """The master's children: its workers."""
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.process.pid:
                    pids.append(int(entry.name))
        return sorted(pids)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()


def session_cookie(headers: dict) -> str:
    match = re.search(r"session=([^;]+)", headers.get("Set-Cookie", ""))
    if not match:
        raise RuntimeError(f"no session cookie in {headers}")
    return f"session={match.group(1)}"


def log_in(server: Server, email: str) -> str:
    """The Cookie header of `email` logged in with the demo password."""
    _status, headers, page = server.request("GET", "/auth/login")
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    cookie = session_cookie(headers)
    status, headers, _text = server.request(
        "POST", "/auth/login", body=urlencode({"csrf_token": token, "email": email,
                                               "password": "demo"}),
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    if status != 302:
        raise RuntimeError(f"log-in as {email} failed ({status})")
    return session_cookie(headers)


# --------------------------------------------------------------------------- measuring


def wrk(port: int, path: str, cookie: str = "") -> float:
    """Requests per second of wrk against one path (fails on any non-2xx answer)."""
    command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{SECONDS}s", "--timeout", "30s",
               "-H", f"User-Agent: {USER_AGENT}"] + (["-H", f"Cookie: {cookie}"] if cookie else [])
    output = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], check=True,
                            capture_output=True, text=True).stdout
    if "Non-2xx or 3xx responses" in output or "Socket errors" in output:
        raise RuntimeError(f"errors under load on {path}:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def check_page(server: Server, path: str, cookie: str, needle: str) -> None:
    """The page answers 200 with `needle` in it for this cookie (not a redirect to log in)."""
    status, _headers, text = server.request("GET", path, {"Cookie": cookie} if cookie else {})
    if status != 200 or needle not in text:
        raise RuntimeError(f"{path}: {status}, expected a page with {needle!r}")


def rss_mb(pid: int) -> float:
    """Resident memory of a process (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


@dataclass(frozen=True)
class Page:
    """One measured page: the app's path, the baseline's, who asks, what the page says."""

    label: str
    path: str
    baseline: str
    email: str
    needle: str


def pages(year: int) -> list[Page]:
    return [Page("dashboard", f"/cycles/{year}", "/dashboard", OFFICE, f"Gjennomgang {year}"),
            Page("my assessments", "/assessments/", "/mine", CONTACT, "Mine vurderinger"),
            Page("arena list", "/arenas/", "/arenas", OFFICE, "Arenaregister")]


def open_cycle(url: str) -> tuple[int, int]:
    """(the open cycle's year, the contact's user id) in the generated database."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        year = conn.scalar(sa.text("SELECT year FROM cycles WHERE status = 'open'"))
        user = conn.scalar(sa.text("SELECT id FROM users WHERE email = :e"), {"e": CONTACT})
    return year, user


def start_servers(folder: Path, url: str, year: int, user: int) -> tuple[Server, Server]:
    """(the app, the baseline), each under gunicorn with 2 sync workers."""
    app = Server.start("app:create_app()", {
        "DATABASE_URL": url, "APP_CONFIG": "production", "SECRET_KEY": secrets.token_hex(32),
        "MAIL_SERVER": ""}, folder / "app.log")
    try:
        baseline = Server.start("bench.web:baseline_app()", {
            "DATABASE_URL": url, "BENCH_YEAR": str(year), "BENCH_USER": str(user)},
            folder / "baseline.log")
    except Exception:
        app.stop()
        raise
    return app, baseline


def measure(app: Server, baseline: Server, year: int) -> list[str]:
    """wrk on each page: ROUNDS rounds of the baseline then the app, so both see the same
    machine (a shared virtual machine's speed drifts by a third within a minute); one line
    per page with the median of the rounds' ratios and the verdict."""
    cookies = {email: log_in(app, email) for email in (OFFICE, CONTACT)}
    print(f"{'page':16} {'baseline req/s':>14} {'app req/s':>10} {'app/baseline':>12}  target"
          f"   (ratio per round)")
    lines = []
    for page in pages(year):
        for _ in range(3):  # warm both: templates compiled, connections open
            check_page(baseline, page.baseline, "", "<table>")
            check_page(app, page.path, cookies[page.email], page.needle)
        rounds = []
        for _ in range(ROUNDS):
            base_rps = wrk(baseline.port, page.baseline)
            rounds.append((base_rps, wrk(app.port, page.path, cookies[page.email])))
        check_page(app, page.path, cookies[page.email], page.needle)  # still logged in
        ratio = statistics.median(app_rps / base_rps for base_rps, app_rps in rounds)
        each = " ".join(f"{app_rps / base_rps:.2f}" for base_rps, app_rps in rounds)
        lines.append(f"{page.label:16} {statistics.median(b for b, _ in rounds):14.1f} "
                     f"{statistics.median(a for _, a in rounds):10.1f} {ratio:12.2f}  "
                     f">= {RATIO_TARGET}  {verdict(ratio >= RATIO_TARGET)}   ({each})")
        print(lines[-1], flush=True)
    return lines


def memory(app: Server, baseline: Server) -> list[str]:
    """VmRSS of each app worker after the load, the baseline's beside it."""
    base = max(rss_mb(pid) for pid in baseline.worker_pids())
    return [f"app worker {pid} RSS {rss_mb(pid):6.1f} MB (baseline worker {base:.1f} MB: "
            f"{rss_mb(pid) / base:.2f} x)  target < {RSS_TARGET_MB} MB  "
            f"{verdict(rss_mb(pid) < RSS_TARGET_MB)}" for pid in app.worker_pids()]


def main(kind: str = "sqlite") -> int:
    """Generate, serve, load, print; exit 1 if a target is missed."""
    from bench.databases import fresh_database, settle
    from bench.generate import Shape, build_database

    if not shutil.which("wrk"):
        print("bench web: wrk is missing (apt-get install -y wrk)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="web-bench-") as temp, \
            fresh_database(kind, Path(temp), "web") as url:
        folder = Path(temp)
        started = time.perf_counter()
        build_database(url, Shape())
        settle(url)
        year, user = open_cycle(url)
        print(f"generated 2,000 arenas x 5 cycles in {time.perf_counter() - started:.0f} s; "
              f"{ROUNDS} rounds of wrk -t2 -c{CONNECTIONS} -d{SECONDS}s per page and server",
              flush=True)
        app, baseline = start_servers(folder, url, year, user)
        try:
            lines = measure(app, baseline, year)
            rss = memory(app, baseline)
        finally:
            app.stop()
            baseline.stop()
    print("\n".join(rss))
    lines += rss
    misses = [line for line in lines if line.endswith(")") and " MISS " in line]
    for line in misses:
        page = line[:16].strip()
        print(f"MISS {page}: {MISS_REASONS[page]}{ON_POSTGRESQL if kind != 'sqlite' else ''}")
    return 0 if not misses and all(not line.endswith("MISS") for line in lines) else 1


# Why a page stays under the 0.8 target (pyinstrument over 10-20 requests of each page in one
# process, 2,000 arenas x 5 cycles on SQLite; see the README's Performance section).
MISS_REASONS = {
    "dashboard": "the floor page is one query and a bare table; the app's page also writes each "
                 "row's link, state tags, portfolio codes and two dates (about 35 % of its "
                 "time, each distinct value formatted once), counts per state, portfolio and "
                 "contact (15 %), the layout with navigation and steering (15 %), and loads the "
                 "user, checks the session and logs the request (10 %)",
    "my assessments": "its query costs what the floor page's does (19 ms each for 200 rows); "
                      "the app's page adds the user's load and session checks (about 18 %), "
                      "the layout with navigation (20 %) and the request log (8 %), which a "
                      "page of 200 rows cannot spread thin",
    "arena list": "the same work as the dashboard per row (links, tags, labels) with fewer "
                  "counts; it is the closest to the target and passes in some runs",
}
ON_POSTGRESQL = ("; on PostgreSQL each statement is also a round trip, and the app sends a few "
                 "(the user, the organisation, the counts) where the floor page sends one")
