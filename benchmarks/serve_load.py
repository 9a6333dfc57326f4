"""`python -m benchmarks.serve_load`: `skillgap serve` on the 100,000-person organisation
under a real HTTP load tool (wrk): issue 7's performance target, docs/benchmarks.md.

1. Builds once (SQLite under .benchmarks/serve-100k/, or ``--database-url`` PostgreSQL) a
   workspace from ``benchmarks/orggen.py``: ESCO v1.1.1 and its occupations, 500 roles,
   100,000 people with a manager tree, their 1.6 million ratings, and in place of orggen's
   credential observations, credentials: 6 issuers, 3 achievements per role (each aligned
   to up to 6 of its competencies, at levels 2, 3 and 4) and about 1.5 awards per person;
   then two snapshots, 180 days apart (a person's page shows the progress between them).
2. Adds an HR user and API token, starts `skillgap serve --offline` (1 worker; more on
   ``--workers``), logs in through the form for a session cookie.
3. Times the first answers of the fresh server (cold cache; the worker's warmer reads the
   dashboard's data meanwhile) and sequential warm ones, then
   runs wrk, 50 connections for 30 s with person ids drawn at random, on ``/api/v1/me``
   (the baseline: authentication and the framework), ``/api/v1/people/{id}/gaps`` (token)
   and the person page (cookie); then the same two with clients pausing about
   ``--think-ms`` between requests (paced: 1,000, 500 and 250 ms, i.e. about 50, 100 and
   200 requests a second offered).
4. The dashboard right after a write by another process (the organisation's name; one
   person's new credential): its time, whether it showed the figures counted before (and
   said so), how long until it showed the current ones; and once the warmer has read the
   model again (``after_write``).
   Each run also reports the server's CPU time per request (``server_cpu_ms``: all its
   processes, over the run), steadier than rates on a machine wrk shares.
5. ``--uncached``: sequential timings with ``SKILLGAP_READ_CACHE=off``, for the ratio.
6. ``machine_ns``: how fast this machine ran plain Python at the start and after the load
   runs (``machine_speed``), to compare runs made on different days.

Writes .benchmarks/serve-latest.json. Needs wrk (`apt-get install -y wrk`) and the ESCO
release (../shared/data/esco).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import timeit
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from benchmarks.orggen import AS_OF, SyntheticOrg, esco, generate
from skillgap.analysis.engine_build import SOURCE_KINDS
from skillgap.clock import SystemClock
from skillgap.config import Settings, load_settings
from skillgap.domain import (
    BUILTIN_SCALES,
    Achievement,
    Alignment,
    AssessmentType,
    Award,
    ExpiryPolicy,
    Importance,
    Issuer,
    IssuerTier,
    Observation,
    Person,
    SourceKind,
)
from skillgap.domain.users import UserRole
from skillgap.errors import SkillgapError
from skillgap.server.warm import INTERVAL
from skillgap.services import tokens as tokens_service
from skillgap.services import users as users_service
from skillgap.services.snapshots import take_snapshot
from skillgap.services.workspace import META_ORGANISATION, META_SNAPSHOT
from skillgap.store.schema import open_store

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / ".benchmarks" / "serve-100k"
BUILD = "serve-100k v3"  # change to rebuild the cached workspace
SNAPSHOTS = (AS_OF - timedelta(days=180), AS_OF)  # a person's progress between the two
EMAIL, PASSWORD = "hr@bench.example", "bench password for hr"
PEOPLE = 100_000
Headers = dict[str, str]
ISSUERS = [
    ("iss-vendor-a", "Vendor Academy A", IssuerTier.INDUSTRY_VENDOR),
    ("iss-vendor-b", "Vendor Academy B", IssuerTier.INDUSTRY_VENDOR),
    ("iss-univ", "Open University", IssuerTier.ACCREDITED),
    ("iss-college", "Technical College", IssuerTier.ACCREDITED),
    ("iss-board", "Internal Skills Board", IssuerTier.INTERNAL_BOARD),
    ("iss-web", "Some Website", IssuerTier.UNKNOWN),
]
STAGES = [  # name, level (ESCO's 0-5 scale), assessment, validity in days
    ("foundation", 2, AssessmentType.UNPROCTORED_TEST, None),
    ("practitioner", 3, AssessmentType.PROCTORED_EXAM, 3 * 365),
    ("expert", 4, AssessmentType.PRACTICAL_EXAM, None),
]


# --- the workspace ---------------------------------------------------------------------------


def managed(people: tuple[Person, ...]) -> list[Person]:
    """The people with a manager tree: the first person of each team leads it, the first
    of each department's team leads leads the department, everyone reports up to E000000."""
    leads: dict[str, str] = {}
    heads: dict[str, str] = {}
    for p in people:
        leads.setdefault(p.team or "", p.employee_id)
        heads.setdefault(p.department or "", leads[p.team or ""])
    top = people[0].employee_id
    out = []
    for p in people:
        lead, head = leads[p.team or ""], heads[p.department or ""]
        boss = top if p.employee_id == head else head if p.employee_id == lead else lead
        out.append(replace(p, manager_id=None if p.employee_id == top else boss))
    return out


def catalog(org: SyntheticOrg) -> list[Achievement]:
    out = []
    for n, role in enumerate(org.roles):
        essential = [r for r in role.requirements_at(None) if r.importance is Importance.IMPORTANT]
        previous: str | None = None
        for s, (stage, level, kind, days) in enumerate(reversed(STAGES)):
            chosen = essential[(2 - s) * 6 : (2 - s) * 6 + 6] or essential[:6]
            issuer = ISSUERS[(n + s) % len(ISSUERS)][0]
            out.append(
                Achievement(
                    f"ach-{role.id}-{stage}",
                    f"{role.name}: {stage}",
                    issuer,
                    description=f"{stage.title()} credential for {role.name}.",
                    criteria="Assessed by the issuer.",
                    assessment=kind,
                    alignments=tuple(
                        Alignment(str(r.competency), r.competency, level) for r in chosen
                    ),
                    expiry=ExpiryPolicy(days),
                    stackable_into=(previous,) if previous and stage == "foundation" else (),
                )
            )
            previous = out[-1].id
    return out


def awards(org: SyntheticOrg, rng: np.random.Generator) -> list[Award]:
    by_role = {r.id: n for n, r in enumerate(org.roles)}
    counts = rng.poisson(1.6, len(org.people))
    start = datetime(AS_OF.year, AS_OF.month, AS_OF.day, 12, tzinfo=UTC)
    out = []
    for p, count in zip(org.people, counts.tolist(), strict=True):
        role = by_role[p.role_id or ""]
        for k, stage in enumerate(rng.choice(3, min(count, 3), replace=False).tolist()):
            other = rng.random() < 0.1  # a credential of another role's catalogue
            r = int(rng.integers(0, len(org.roles))) if other else role
            late = rng.random() < 0.03
            days = -int(rng.integers(1, 45)) if late else int(rng.integers(1, 3 * 365))
            out.append(
                Award(
                    f"A{p.employee_id[1:]}-{k}",
                    f"ach-{org.roles[r].id}-{STAGES[stage][0]}",
                    f"{p.employee_id.lower()}@bench.example",
                    start - timedelta(days=days),
                    person_id=p.employee_id,
                    source="bench",
                )
            )
    return out


def ratings(org: SyntheticOrg, chunk: int = 200_000) -> Any:
    """orggen's observations but its credential ones, as stored ratings, a chunk at a time."""
    o = org.observations
    keep = np.flatnonzero(o.source != SOURCE_KINDS.index(SourceKind.CREDENTIAL))
    for lo in range(0, len(keep), chunk):
        yield [
            Observation(
                str(o.ids[i]),
                o.person_ids[o.person[i]],
                o.competencies[o.competency[i]],
                int(o.level[i]),
                o.scale_ids[o.scale[i]],
                SOURCE_KINDS[o.source[i]],
                datetime.fromordinal(int(o.observed_on[i])).date(),
                float(o.confidence[i]),
            )
            for i in keep[lo : lo + chunk].tolist()
        ]


def build(settings: Settings) -> dict[str, Any]:
    org = generate(people=PEOPLE)
    imported = esco()
    rng = np.random.default_rng(7)
    achievements, given = catalog(org), awards(org, rng)
    store = open_store(settings, create=True)
    counts: dict[str, Any] = {
        "people": PEOPLE,
        "achievements": len(achievements),
        "awards": len(given),
    }
    try:
        with store.transaction() as ws:
            ws.frameworks.add(imported.framework)
            ws.occupations.add_all(imported.occupations)
            stored = imported.framework.scale.id
            ws.scales.add_all(BUILTIN_SCALES[s] for s in org.observations.scale_ids if s != stored)
            ws.roles.add_all(org.roles)
            ws.people.add_all(managed(org.people))
            ws.issuers.add_all(Issuer(i, name, tier=tier) for i, name, tier in ISSUERS)
            ws.achievements.add_all(achievements)
            ws.awards.add_all(given)
            ws.meta.set(META_ORGANISATION, "Bench Org (100,000 people)")
            ws.meta.set(META_SNAPSHOT, AS_OF.isoformat())
        counts["ratings"] = 0
        for part in ratings(org):
            with store.transaction() as ws:
                ws.observations.add_all(part)
            counts["ratings"] += len(part)
        counts["snapshot_seconds"] = []
        for when in SNAPSHOTS:  # the second one also stores the period between them
            started = time.perf_counter()
            take_snapshot(store, SystemClock(), as_of=when)
            counts["snapshot_seconds"].append(round(time.perf_counter() - started))
        with store.transaction() as ws:
            ws.meta.set("bench.build", BUILD)
    finally:
        store.close()
    return counts


def workspace(rebuild: bool, url: str | None) -> Settings:
    """The benchmark's workspace: built once (SQLite: under .benchmarks/; ``url``: in that
    empty PostgreSQL database), then reused while its build stamp is ``BUILD``."""
    settings = load_settings(
        {}, **({"database_url": url} if url else {"workspace": HERE / "ws.db"})
    )
    if url is None and rebuild:
        shutil.rmtree(HERE, ignore_errors=True)
    HERE.mkdir(parents=True, exist_ok=True)
    if not rebuild and _stamp(settings) == BUILD:
        return settings
    if url is None:
        (HERE / "ws.db").unlink(missing_ok=True)
    started = time.perf_counter()
    counts = build(settings)
    counts["seconds"] = round(time.perf_counter() - started)
    print(f"built {settings.display_location}: {counts}", file=sys.stderr)
    return settings


def _stamp(settings: Settings) -> str | None:
    try:
        store = open_store(settings)
    except SkillgapError:
        return None
    try:
        with store.transaction() as ws:
            return ws.meta.get("bench.build")
    finally:
        store.close()


# --- the server and the load -----------------------------------------------------------------

LUA = """
local people = tonumber(os.getenv("BENCH_PEOPLE"))
local path = os.getenv("BENCH_PATH")
wrk.headers[os.getenv("BENCH_HEADER")] = os.getenv("BENCH_VALUE")
math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
local think = tonumber(os.getenv("BENCH_THINK_MS") or "0")
request = function()
  return wrk.format("GET", string.format(path, string.format("E%06d", math.random(0, people - 1))))
end
if think > 0 then
  delay = function() return math.random(think / 2, think * 3 / 2) end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "seconds": %.3f, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, '
    .. '"max_ms": %.2f, "mean_ms": %.2f, "errors": {"connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d}}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(90) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    latency.mean / 1e3, e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """`skillgap serve` on the workspace, in its own process."""

    def __init__(self, settings: Settings, *, cache: bool = True, workers: int = 1) -> None:
        self.port = _port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.postgres = settings.workspace is None
        env = {k: v for k, v in os.environ.items() if not k.startswith("SKILLGAP_")}
        env["SKILLGAP_READ_CACHE"] = "on" if cache else "off"
        where = ["--workspace", str(settings.workspace)] if settings.workspace else []
        where = where or ["--database-url", settings.url.render_as_string(hide_password=False)]
        command = [sys.executable, "-m", "skillgap", *where, "serve", "--offline"]
        command += ["--port", str(self.port), "--workers", str(workers)]
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(600):
            try:
                httpx.get(f"{self.base}/api/v1/openapi.json", timeout=5)
                return
            except httpx.TransportError:
                time.sleep(0.1)
        raise RuntimeError("the server did not answer")

    def pids(self) -> list[int]:
        """The server's processes (uvicorn's workers included)."""
        found = [self.process.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    found.append(int(stat.parent.name))
            except (OSError, IndexError, ValueError):
                continue
        return found

    def connections(self) -> list[int]:
        """Established connections each worker holds on its port (sorted, largest
        first; with one worker, the server's process), from /proc."""
        port = f":{self.port:04X}"
        established = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if fields[1].endswith(port) and fields[3] == "01":
                    established.add(fields[9])  # the socket's inode

        def serving(pid: int) -> bool:  # a worker, not multiprocessing's resource tracker
            return b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()

        held = []
        for pid in [p for p in self.pids()[1:] if serving(p)] or self.pids()[:1]:
            inodes = set()
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                try:
                    target = os.readlink(fd)
                except OSError:
                    continue
                if target.startswith("socket:["):
                    inodes.add(target[8:-1])
            held.append(len(inodes & established))
        return sorted(held, reverse=True)

    def rss_mb(self) -> float:
        status = [Path(f"/proc/{pid}/status").read_text() for pid in self.pids()]
        kb = sum(int(re.findall(r"VmRSS:\s+(\d+)", text)[0]) for text in status)
        return round(kb / 1024)

    def settle(self) -> None:
        """Waits until the server is idle (what a load left queued is answered), and on
        PostgreSQL the database's processes too: a worker's warmer reading the workspace
        again waits on them, its own process idle for a while."""
        for _ in range(600):
            before = self.cpu() + self.database_cpu()
            time.sleep(0.5)
            if self.cpu() + self.database_cpu() - before < 0.05:
                return

    def database_cpu(self) -> float:
        """CPU seconds used so far by the local PostgreSQL's processes (0 on SQLite)."""
        if not self.postgres:
            return 0.0
        ticks = 0
        for comm in Path("/proc").glob("[0-9]*/comm"):
            try:
                if comm.read_text().strip() != "postgres":
                    continue
                fields = (comm.parent / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def cpu(self) -> float:
        """CPU seconds the server's processes have used so far."""
        ticks = 0
        for pid in self.pids():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=60)


def principals(settings: Settings) -> str:
    """An HR user (for the session) and an HR API token; the token."""
    store = open_store(settings)
    clock = SystemClock()
    try:
        with store.transaction() as ws:
            known = ws.users.find(EMAIL) is not None
        if not known:
            users_service.add_user(store, clock, EMAIL, role=UserRole.HR, password=PASSWORD)
        made = tokens_service.create_token(
            store, clock, "load test", role=UserRole.HR, created_by="serve_load"
        )
    finally:
        store.close()
    return made.secret


def session(base: str) -> str:
    """Logs in through the form, as a browser does; the session cookie's value."""
    with httpx.Client(base_url=base, timeout=60) as client:
        client.get("/login")
        token = client.cookies.get("skillgap_login_csrf") or ""
        form = {"email": EMAIL, "password": PASSWORD, "csrf_token": token}
        answer = client.post("/login", data=form)
        assert answer.status_code == 303, answer.text
        return client.cookies["skillgap_session"]


def timed(base: str, path: str, headers: dict[str, str], rounds: int = 1) -> list[float]:
    """Sequential requests: each one's time in ms (any answer but 200 is an error)."""
    out = []
    with httpx.Client(base_url=base, headers=headers, timeout=600) as client:
        for n in range(rounds):
            started = time.perf_counter()
            answer = client.get(path.replace("%s", f"E{(n * 7919 + 12345) % PEOPLE:06d}"))
            out.append(round((time.perf_counter() - started) * 1000, 1))
            if answer.status_code != 200:
                raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:300]}")
    return out


def wrk(
    server: Server,
    path: str,
    header: tuple[str, str],
    seconds: int,
    connections: int,
    think: int = 0,
) -> Any:
    """wrk on ``path`` (``%s``: a person id drawn at random each time): ``connections``
    clients, each sending its next request as soon as it has its answer (``think``: after
    a pause of about that many ms). ``split``: the connections each worker held, two
    seconds before the end (``skillgap serve --workers N`` evens them out)."""
    script = HERE / "load.lua"
    script.write_text(LUA)
    env = {**os.environ, "BENCH_PEOPLE": str(PEOPLE), "BENCH_PATH": path}
    env |= {"BENCH_HEADER": header[0], "BENCH_VALUE": header[1], "BENCH_THINK_MS": str(think)}
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s"]
    load_before = os.getloadavg()[0]
    with subprocess.Popen(
        [*command, "-s", str(script), server.base], env=env, stdout=subprocess.PIPE, text=True
    ) as done:
        time.sleep(max(seconds - 2, 0))
        split = server.connections()
        stdout, _ = done.communicate()
    found = re.search(r"^BENCH (.*)$", stdout, re.MULTILINE)
    if done.returncode != 0 or found is None:
        raise RuntimeError(f"wrk said ({done.returncode}): {stdout}")
    result: dict[str, Any] = json.loads(found.group(1))
    result["split"] = split
    result["rps"] = round(result["requests"] / result["seconds"], 1)
    result["load_before"], result["load_after"] = load_before, os.getloadavg()[0]
    return result


GAPS, PAGE = "/api/v1/people/%s/gaps", "/people/%s"


def timings(base: str, token: Headers, cookie: Headers, *rounds: int) -> dict[str, list[float]]:
    """Sequential timings of the gaps, the person page and the dashboard, ``rounds`` each."""
    asked = [
        ("gaps", GAPS, token),
        ("person_page", PAGE, cookie),
        ("dashboard", "/dashboard", cookie),
    ]
    return {name: timed(base, path, h, n) for (name, path, h), n in zip(asked, rounds, strict=True)}


def touch(settings: Settings) -> None:
    """A write to what the dashboard reads, by another process (as the command line would)."""
    store = open_store(settings)
    try:
        with store.transaction() as ws:
            ws.meta.set(META_ORGANISATION, f"Bench Org (100,000 people) {time.time():.0f}")
    finally:
        store.close()


def add_award(settings: Settings) -> None:
    """A credential for one person, by another process (as an import would): a copy of one
    of theirs under a new id (each run adds one to the workspace)."""
    store = open_store(settings)
    try:
        with store.transaction() as ws:
            held = ws.awards.for_person("E000001")[0]
            ws.awards.add_all([replace(held, id=f"{held.id}-bench-{time.time_ns()}")])
    finally:
        store.close()


def after_write(settings: Settings, server: Server, cookie: Headers) -> dict[str, Any]:
    """The dashboard right after a write by another process (the organisation's name; one
    person's new credential): how long it took, whether it showed the figures counted
    before the write (labelled: ``server/recount.py``), and how long after the write a
    dashboard first showed the current ones (asked every quarter second), the slowest
    answer meanwhile; then the dashboard once each worker's warmer has read the change."""
    found: dict[str, Any] = {}
    for name, write in (("name", touch), ("award", add_award)):
        server.settle()
        write(settings)
        written = time.perf_counter()
        time.sleep(0.5)
        first, previous = dashboard(server.base, cookie)
        shown_before, answers = previous, [(first, previous)]
        while previous:
            time.sleep(0.25)
            took, previous = dashboard(server.base, cookie)
            answers.append((took, previous))
        found[f"right_after_{name}"] = {
            "ms": first,
            "previous_figures": shown_before,
            "current_after_s": round(time.perf_counter() - written, 1),
            "slowest_ms": max(ms for ms, _ in answers),
            "answers": answers,  # each one's ms, and whether it showed previous figures
        }
    touch(settings)
    for _ in range(2):  # each worker's warmer has seen it, and read the model again; one
        time.sleep(INTERVAL + 1)  # still reading the credential's change reads this one
        server.settle()  # an interval later: the server is idle in between
    return found | {"once_warmed_ms": dashboard(server.base, cookie)[0]}


def first_dashboard(base: str, cookie: Headers) -> dict[str, Any]:
    """The first dashboard of a fresh server: each answer's time and status until one
    shows the figures (a 503 says they are being counted for the first time), and how
    long after the first request that was."""
    answers: list[tuple[float, int]] = []
    started = time.perf_counter()
    with httpx.Client(base_url=base, headers=cookie, timeout=600) as client:
        while not answers or answers[-1][1] == 503:
            if answers:
                time.sleep(1)
            asked = time.perf_counter()
            status = client.get("/dashboard").status_code
            answers.append((round((time.perf_counter() - asked) * 1000, 1), status))
    if answers[-1][1] != 200:
        raise RuntimeError(f"/dashboard: {answers[-1][1]}")
    return {"answers": answers, "figures_after_s": round(time.perf_counter() - started, 1)}


def dashboard(base: str, cookie: Headers) -> tuple[float, bool]:
    """The dashboard's time in ms, and whether it showed figures counted before a change."""
    with httpx.Client(base_url=base, headers=cookie, timeout=600) as client:
        started = time.perf_counter()
        answer = client.get("/dashboard")
        took = round((time.perf_counter() - started) * 1000, 1)
    if answer.status_code != 200:
        raise RuntimeError(f"/dashboard: {answer.status_code} {answer.text[:300]}")
    return took, 'id="recounting"' in answer.text


def machine_speed() -> float:
    """ns per ``sum(range(100))`` in this process (best of 5): how fast the machine runs
    plain Python now. Shared machines vary (seen here: 760 ns at one hour, 1,450 ns an
    hour later, nothing else running), so runs on different days compare only through it
    and the baseline request (``/api/v1/me``) of each run."""
    loops = 100_000
    return round(min(timeit.repeat("sum(range(100))", number=loops, repeat=5)) / loops * 1e9)


def run(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    token = {"Authorization": f"Bearer {principals(settings)}"}
    gaps, page = GAPS, PAGE
    report: dict[str, Any] = {"at": datetime.now(UTC).isoformat(timespec="seconds")}
    report |= {"cpus": os.cpu_count(), "load_at_start": os.getloadavg(), "args": vars(args)}
    report["machine_ns"] = {"at_start": machine_speed()}
    server = Server(settings, workers=args.workers)
    try:
        cookie = {"Cookie": f"skillgap_session={session(server.base)}"}
        # a fresh server: the first of each reads the workspace (cold), then warm
        report["cold_ms"] = timings(server.base, token, cookie, 1, 1, 0)
        report["cold_dashboard"] = first_dashboard(server.base, cookie)
        report["warm_ms"] = timings(server.base, token, cookie, 20, 20, 5)
        runs = [("me (baseline)", "/api/v1/me", token, 0), ("gaps", gaps, token, 0)]
        runs += [(f"gaps, paced {t} ms", gaps, token, t) for t in args.think_ms]
        runs += [("person page", page, cookie, 0)]
        runs += [(f"person page, paced {t} ms", page, cookie, t) for t in args.think_ms]
        for where, header in ((gaps, token), (page, cookie)):  # every worker warm
            wrk(server, where, next(iter(header.items())), 5, args.connections)
        report["wrk"] = {}
        for name, where, header, think in runs:
            server.settle()
            [(key, value)] = header.items()
            cpu = server.cpu()
            found = wrk(server, where, (key, value), args.seconds, args.connections, think)
            found["server_cpu_ms"] = round((server.cpu() - cpu) / found["requests"] * 1000, 2)
            report["wrk"][name] = found
            print(f"{name}: {found}", file=sys.stderr)
        report["rss_mb"] = server.rss_mb()
        report["machine_ns"]["after_load"] = machine_speed()
        report["after_write"] = after_write(settings, server, cookie)
    finally:
        server.stop()
    if args.uncached:
        server = Server(settings, cache=False, workers=args.workers)
        try:
            cookie = {"Cookie": f"skillgap_session={session(server.base)}"}
            report["uncached_ms"] = timings(server.base, token, cookie, 3, 3, 1)
        finally:
            server.stop()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=30, help="per wrk run (default 30)")
    parser.add_argument("--connections", type=int, default=50, help="wrk's (default 50)")
    parser.add_argument(
        "--think-ms",
        type=lambda text: [int(t) for t in text.split(",") if t.strip()],
        default=[1000, 500, 250],
        help="paced runs' mean pause per client, ms, comma-separated (default 1000,500,250; "
        "'' for none): 50 clients offer about 50, 100 and 200 requests a second",
    )
    parser.add_argument("--rebuild", action="store_true", help="build the workspace again")
    parser.add_argument("--uncached", action="store_true", help="also time READ_CACHE=off")
    parser.add_argument("--database-url", help="an empty PostgreSQL database instead")
    parser.add_argument("--workers", type=int, default=1, help="server processes (default 1)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("needs wrk: apt-get install -y wrk")
    report = run(workspace(args.rebuild, args.database_url), args)
    name = "serve-latest.json" if args.database_url is None else "serve-latest-postgres.json"
    (ROOT / ".benchmarks" / name).write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    speed = report["machine_ns"]
    print(
        f"machine: sum(range(100)) {speed['at_start']} ns at the start, "
        f"{speed['after_load']} ns after the load runs"
    )
    for label, found in report["wrk"].items():
        errors = sum(found["errors"].values())
        print(
            f"{label:20} p50 {found['p50_ms']:8.1f} ms  p99 {found['p99_ms']:8.1f} ms  "
            f"max {found['max_ms']:8.1f} ms  {found['rps']:7.1f}/s  errors {errors}  "
            f"server CPU {found['server_cpu_ms']:.2f} ms/request"
        )


if __name__ == "__main__":
    main()
