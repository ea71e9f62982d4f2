"""Bounded concurrent load on a running server: `python -m bench.load --url http://127.0.0.1:8000`.

Logs each account in once through the real login form (CSRF included), then runs a fixed number
of operations from `--concurrency` threads that start together. One operation opens an assessment
page as the account (its session cookie copied, like a second tab) and does what the page offers:
a contact saves the form with the version the page carried (now and then "Send inn" instead), a
byråd or the council office takes one of the offered transitions. Several accounts work on the
same few assessments, so many saves race on one version: the expected answers are success (302)
or a reported conflict (409), never a 5xx. Every operation is recorded; the summary counts
outcomes and `--json` writes the whole record for checking (tests/load checks it against the
database). Bounded: a fixed total of operations, a timeout per request and a deadline for the run.
Only the standard library is used, so it runs from any Python 3.11.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

DEMO_ACCOUNTS = ("kontakt@bergen.example", "kontakt@bergen.example", "kontakt@bergen.example",
                 "byrad@bergen.example", "kontoret@bergen.example")
LOCKED = "database is locked"
CONFLICT_BOX = 'id="conflict"'
CONFLICT_MESSAGE = "Noen andre har lagret"  # the stale-version 409 (nb), box or error page
SAVED_NOT_SENT = "Utkastet er lagret, men ikke sendt inn"  # saved, then the submit lost a race
PAGES_PER_OPERATION = 3  # pages one operation opens at most to find something to do
LINK_RE = re.compile(r'href="/assessments/(\d+)"')


@dataclass
class Reply:
    """One HTTP answer: status, Location header and body text."""

    status: int
    location: str
    text: str


@dataclass
class Operation:
    """What one operation did and how the server answered."""

    op: int
    account: str
    assessment: int
    kind: str = "look"  # look | save | submit | transition
    name: str = ""  # the transition taken
    version: int | None = None  # the version the saved form carried
    token: str = ""  # written into every text answer of a save
    statuses: list[int] = field(default_factory=list)
    outcome: str = "none"  # ok | conflict | saved | refused | uncertain | bad | error | failed
    locked: bool = False
    error: str = ""
    started: float = 0.0
    seconds: float = 0.0


class FormParser(HTMLParser):
    """The forms of a page: action and fields as (tag, type, name, value, checked)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea: list | None = None

    def handle_starttag(self, tag, attrs):
        """Open a form, or add an input, button or textarea to the current one."""
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "fields": []})
        elif self.forms and tag in ("input", "button") and a.get("name"):
            self.forms[-1]["fields"].append(
                [tag, a.get("type", "text"), a["name"], a.get("value") or "", "checked" in a])
        elif self.forms and tag == "textarea" and a.get("name"):
            self._textarea = ["textarea", "textarea", a["name"], "", False]
            self.forms[-1]["fields"].append(self._textarea)

    def handle_data(self, data):
        """Text inside a textarea is its value."""
        if self._textarea is not None:
            self._textarea[3] += data

    def handle_endtag(self, tag):
        """Close a textarea."""
        if tag == "textarea":
            self._textarea = None


def forms_of(html: str) -> list[dict]:
    """Every form on the page."""
    parser = FormParser()
    parser.feed(html)
    return parser.forms


class Browser:
    """Cookies and plain HTTP/1.1 requests, one connection each (gunicorn sync workers close)."""

    def __init__(self, base: str, timeout: float, cookies: dict | None = None) -> None:
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port or 80
        self.timeout = timeout
        self.cookies = dict(cookies or {})

    def request(self, method: str, path: str, form: list | None = None) -> Reply:
        """Send one request; keeps the cookies it sets; never follows redirects."""
        body = urlencode(form or [], doseq=True).encode() if form is not None else None
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                self._keep(header)
            return Reply(response.status, response.getheader("Location") or "", text)
        finally:
            conn.close()

    def _keep(self, header: str) -> None:
        for name, morsel in SimpleCookie(header).items():
            if morsel.value and morsel["max-age"] not in ("0",):
                self.cookies[name] = morsel.value
            else:
                self.cookies.pop(name, None)


def csrf_of(html: str) -> str:
    """The CSRF token of the first form that has one."""
    for form in forms_of(html):
        for _tag, _type, name, value, _checked in form["fields"]:
            if name == "csrf_token":
                return value
    raise ValueError("no csrf token on the page")


def login(base: str, email: str, password: str, timeout: float) -> dict:
    """Log in through the login form; returns the session's cookies."""
    browser = Browser(base, timeout)
    page = browser.request("GET", "/auth/login")
    reply = browser.request("POST", "/auth/login", [
        ("csrf_token", csrf_of(page.text)), ("email", email), ("password", password),
        ("next", "")])
    if reply.status != 302:
        raise RuntimeError(f"login as {email} failed: HTTP {reply.status}")
    return browser.cookies


def discover(base: str, cookies: dict, timeout: float, limit: int) -> list[int]:
    """The first `limit` assessments on the account's own list (/assessments/)."""
    page = Browser(base, timeout, cookies).request("GET", "/assessments/")
    ids = list(dict.fromkeys(int(m) for m in LINK_RE.findall(page.text)))
    if not ids:
        raise RuntimeError(f"no assessments listed (HTTP {page.status})")
    return ids[:limit]


def answer_fields(form: dict, rng: random.Random, token: str) -> list[tuple[str, str]]:
    """A filled-in answer form: every text carries `token`, choices are picked at random."""
    out, choices = [], {}
    for tag, kind, name, value, _checked in form["fields"]:
        if tag == "button" or name in ("csrf_token", "version"):
            continue
        if kind in ("radio", "checkbox"):
            choices.setdefault((kind, name), []).append(value)
        elif kind == "number":
            out.append((name, str(rng.randrange(0, 100_000))))
        elif tag == "textarea":
            out.append((name, f"Lasttest {token}: svar skrevet under last."))
    for (kind, name), values in choices.items():
        picked = rng.sample(values, rng.randint(1, len(values))) if kind == "checkbox" else [
            rng.choice(values)]
        out += [(name, v) for v in picked]
    return out


def field_value(form: dict, wanted: str) -> str:
    """The value of the form's field `wanted` ('' when absent)."""
    return next((f[3] for f in form["fields"] if f[2] == wanted), "")


def plan_action(op: Operation, html: str, rng: random.Random, submit_share: float):
    """Choose what to post from what the page offers: (path, form fields) or None to just look."""
    forms = forms_of(html)
    save = next((f for f in forms if f["action"] == f"/assessments/{op.assessment}"), None)
    steps = [f for f in forms if f["action"].endswith(f"/{op.assessment}/transition")]
    if save is not None:
        op.kind = "submit" if rng.random() < submit_share else "save"
        op.version, op.token = int(field_value(save, "version")), f"op-{op.op}-"
        fields = answer_fields(save, rng, op.token)
        return save["action"], [("csrf_token", field_value(save, "csrf_token")),
                                ("version", str(op.version)), *fields, ("action", op.kind)]
    if steps:
        step = rng.choice(steps)
        op.kind, op.name = "transition", field_value(step, "transition")
        return step["action"], [("csrf_token", field_value(step, "csrf_token")),
                                ("transition", op.name), ("comment", f"Lasttest op-{op.op}-")]
    return None


def classify(op: Operation, reply: Reply) -> str:
    """What the answer means for the operation (see Operation.outcome)."""
    status, text = reply.status, reply.text
    if status >= 500:
        return "error"
    if status == 302:
        return "ok"
    if status == 409 and CONFLICT_BOX in text:
        return "conflict"  # the form again, with the stored answers beside the typed ones
    if op.kind == "submit" and (status == 422 or (status == 409 and (
            CONFLICT_MESSAGE in text or SAVED_NOT_SENT in text))):
        return "saved"  # the save committed; the submit after it was refused
    if op.kind == "submit" and status == 409:
        return "uncertain"  # not editable any more, or saved and then not submittable
    if status == 409 and CONFLICT_MESSAGE in text:
        return "conflict"
    return "refused" if status in (403, 409) else "bad"


@dataclass
class Plan:
    """What the worker threads share; the counter, results and idle pages under `lock`."""

    base: str
    sessions: list[tuple[str, dict]]
    assessments: list[int]
    operations: int
    deadline: float
    request_timeout: float
    submit_share: float
    seed: int
    results: list[Operation] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_op: int = 0
    idle: dict[str, set[int]] = field(default_factory=dict)  # pages that offered nothing

    def pick(self, account: str, rng: random.Random) -> int:
        """An assessment for `account`, preferring those whose page last offered something."""
        with self.lock:
            idle = self.idle.setdefault(account, set())
            return rng.choice([a for a in self.assessments if a not in idle]
                              or self.assessments)

    def note(self, account: str, assessment: int, offered: bool) -> None:
        """Remember whether the account's page of `assessment` offered anything to do."""
        with self.lock:
            idle = self.idle.setdefault(account, set())
            if offered:
                idle.discard(assessment)
            else:
                idle.add(assessment)

    def take(self) -> int | None:
        """The next operation number, or None when all are handed out or time is up."""
        with self.lock:
            if self.next_op >= self.operations or time.monotonic() >= self.deadline:
                return None
            self.next_op += 1
            return self.next_op - 1


def run_operation(plan: Plan, number: int) -> Operation:
    """Open assessment pages as one account (at most PAGES_PER_OPERATION, until one offers
    something to do) and post what it offers."""
    rng = random.Random(plan.seed * 1_000_003 + number)
    account, cookies = plan.sessions[number % len(plan.sessions)]
    op = Operation(number, account, 0, started=time.monotonic())
    timeout = max(1.0, min(plan.request_timeout, plan.deadline - op.started))
    browser = Browser(plan.base, timeout, cookies)
    try:
        action = None
        for _attempt in range(PAGES_PER_OPERATION):
            op.assessment = plan.pick(account, rng)
            action = open_page(browser, op, rng, plan.submit_share)
            plan.note(account, op.assessment, action is not None)
            if action is not None or op.outcome != "none":
                break
        if action is not None:
            reply = browser.request("POST", *action)
            op.statuses.append(reply.status)
            op.locked = op.locked or LOCKED in reply.text
            op.outcome = classify(op, reply)
    except (OSError, http.client.HTTPException, ValueError) as error:
        op.outcome, op.error = "failed", f"{type(error).__name__}: {error}"
    op.seconds = round(time.monotonic() - op.started, 3)
    return op


def open_page(browser: Browser, op: Operation, rng: random.Random, submit_share: float):
    """GET the assessment page; returns what to post, or None (outcome set if it failed)."""
    page = browser.request("GET", f"/assessments/{op.assessment}")
    op.statuses.append(page.status)
    op.locked = op.locked or LOCKED in page.text
    if page.status != 200:
        op.outcome = "error" if page.status >= 500 else "bad"
        return None
    return plan_action(op, page.text, rng, submit_share)


def worker(plan: Plan, barrier: threading.Barrier) -> None:
    """Wait for every thread, then run operations until none is left."""
    try:
        barrier.wait(timeout=max(0.1, plan.deadline - time.monotonic()))
    except threading.BrokenBarrierError:
        pass  # start anyway: the deadline still bounds the run
    while (number := plan.take()) is not None:
        op = run_operation(plan, number)
        with plan.lock:
            plan.results.append(op)


def run_threads(plan: Plan, concurrency: int) -> list[str]:
    """Run the plan on `concurrency` threads; returns the names of threads still stuck."""
    threading.stack_size(512 * 1024)
    barrier = threading.Barrier(concurrency)
    threads = [threading.Thread(target=worker, args=(plan, barrier), daemon=True,
                                name=f"load-{i}") for i in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(0.0, plan.deadline - time.monotonic()) + plan.request_timeout + 5)
    return [t.name for t in threads if t.is_alive()]


def sessions_for(args) -> list[tuple[str, dict]]:
    """One logged-in session per --account (an address may come several times)."""
    accounts = args.account or list(DEMO_ACCOUNTS)
    with ThreadPoolExecutor(max_workers=8) as pool:
        cookies = pool.map(lambda e: login(args.url, e, args.password, args.request_timeout),
                           accounts)
        return list(zip(accounts, cookies, strict=True))


def run(args) -> dict:
    """Log in, run the load, and return the record (operations, counts, timings)."""
    started = time.monotonic()
    sessions = sessions_for(args)
    hot = ([int(x) for x in args.assessments.split(",")] if args.assessments
           else discover(args.url, sessions[0][1], args.request_timeout, args.hot))
    plan = Plan(args.url, sessions, hot, args.operations, started + args.timeout,
                args.request_timeout, args.submit_share, args.seed)
    load_started = time.monotonic()
    stuck = run_threads(plan, args.concurrency)
    load_seconds = time.monotonic() - load_started
    ops = sorted(plan.results, key=lambda o: o.op)
    return {"url": args.url, "concurrency": args.concurrency, "assessments": hot,
            "accounts": [email for email, _c in sessions], "operations": [asdict(o) for o in ops],
            "planned": args.operations, "done": len(ops), "stuck_threads": stuck,
            "login_seconds": round(load_started - started, 2),
            "load_seconds": round(load_seconds, 2), **tally(ops)}


def tally(ops: list[Operation]) -> dict:
    """Counts for the summary: outcomes per kind, HTTP statuses, slowest operation."""
    return {
        "outcomes": {f"{k}:{o}": n for (k, o), n in sorted(
            Counter((op.kind, op.outcome) for op in ops).items())},
        "statuses": {str(s): n for s, n in sorted(Counter(
            s for op in ops for s in op.statuses).items())},
        "requests": sum(len(op.statuses) for op in ops),
        "server_errors": sum(1 for op in ops for s in op.statuses if s >= 500),
        "locked": sum(1 for op in ops if op.locked),
        "failed": sum(1 for op in ops if op.outcome == "failed"),
        "slowest_seconds": max((op.seconds for op in ops), default=0.0),
    }


def summary(report: dict) -> str:
    """The human-readable summary printed at the end of a run."""
    rate = report["requests"] / report["load_seconds"] if report["load_seconds"] else 0.0
    lines = [
        f"load on {report['url']}: {report['done']}/{report['planned']} operations, "
        f"{report['requests']} requests from {report['concurrency']} threads in "
        f"{report['load_seconds']:.1f} s ({rate:.0f} req/s; logins {report['login_seconds']} s)",
        f"assessments {report['assessments']}, accounts {len(report['accounts'])}",
        "outcomes: " + ", ".join(f"{k} {n}" for k, n in report["outcomes"].items()),
        "statuses: " + ", ".join(f"{k}: {n}" for k, n in report["statuses"].items()),
        f"5xx {report['server_errors']}, 'database is locked' {report['locked']}, "
        f"failed {report['failed']}, stuck threads {len(report['stuck_threads'])}, "
        f"slowest operation {report['slowest_seconds']:.2f} s",
    ]
    return "\n".join(lines)


def healthy(report: dict) -> bool:
    """True when nothing went wrong on the server's side and every operation finished."""
    return not (report["server_errors"] or report["locked"] or report["failed"]
                or report["stuck_threads"] or report["done"] < report["planned"])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line (see --help)."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split(
        "\n")[0])
    parser.add_argument("--url", required=True, help="the server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--concurrency", type=int, default=200, help="threads in flight")
    parser.add_argument("--operations", type=int, default=400, help="total operations")
    parser.add_argument("--timeout", type=float, default=50.0, help="deadline of the run (s)")
    parser.add_argument("--request-timeout", type=float, default=30.0, help="per request (s)")
    parser.add_argument("--account", action="append", help="e-mail (repeat; demo by default)")
    parser.add_argument("--password", default="demo")
    parser.add_argument("--assessments", help="comma-separated ids (default: the first "
                        "account's list)")
    parser.add_argument("--hot", type=int, default=8, help="how many listed assessments to use")
    parser.add_argument("--submit-share", type=float, default=0.1,
                        help="share of form posts that press 'Send inn' instead of 'Lagre'")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="write the full record here")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the load and print the summary; exit status 1 when the server misbehaved."""
    args = parse_args(argv)
    try:
        report = run(args)
    except (RuntimeError, OSError, ValueError) as error:  # no sessions: nothing to load
        print(f"load not started: {error}", file=sys.stderr)
        return 2
    if args.json:
        with open(args.json, "w", encoding="utf-8") as out:
            json.dump(report, out, ensure_ascii=False, indent=1)
    print(summary(report))
    return 0 if healthy(report) else 1


if __name__ == "__main__":
    sys.exit(main())
