"""`make bench`: the portal's public pages under load, next to a bare Django page (issue 10).

    .venv/bin/python scripts/bench/run.py --sizes demo 10k 100k

For each size it generates (or reuses) a PostgreSQL database of its own, bench_<size>
(scripts/bench/generate.py; BENCH_DATABASE_PREFIX=… in the environment replaces "bench_",
the bare page's database included), serves the portal under gunicorn with 2 sync workers
and production settings (DEBUG off, hashed static files, Redis), and the bare one-row page of
scripts/bench/bare/ the same way. wrk then measures, 16 connections each, bare page, page 1,
bare page, page 2, …, bare page: each page's ratio is its req/s over the mean of the two bare
measurements around it, which cancels out most of the drift of a shared machine.

The table is printed and appended to docs/performance.md with the machine it ran on.
"""

# A developer's tool: it runs fixed commands (wrk, gunicorn, git, redis-cli) and builds SQL
# from names read from its own benchmark databases.
# ruff: noqa: S603, S607, S608

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
PG = "postgres://cycle@127.0.0.1:5432"
PORTAL_PORT, BARE_PORT = 8611, 8612
REDIS_URL = "redis://127.0.0.1:6379/9"
# The databases' names: <prefix><size> and <prefix>bare; another prefix keeps two people's
# benchmarks on one PostgreSQL apart (letters, digits and underscores).
PREFIX = os.environ.get("BENCH_DATABASE_PREFIX", "").strip() or "bench_"
if not re.fullmatch(r"[a-z_][a-z0-9_]*", PREFIX):
    raise SystemExit(f"BENCH_DATABASE_PREFIX must be lowercase letters, digits and _: {PREFIX!r}")
BARE_DATABASE = f"{PREFIX}bare"
SECRET_KEY = "bench-only-Zq8v3Lr1Nw6Tk0Pd5Hs2Yc9Gf4Jx7Bm-aUoEiRtWpSl"  # noqa: S105
PAGE_RATIO, SEARCH_RATIO, TAIL = 0.30, 0.15, 4.0


# -- wrk's output and the arithmetic of the table -------------------------------------------

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def duration_ms(text: str) -> float:
    """wrk's '812.00us', '3.45ms', '1.02s' or '1.50m' in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text.strip())
    if not match:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(match[1]) * UNITS[match[2]]


@dataclass
class Measure:
    rps: float
    p50: float  # ms
    p99: float  # ms
    requests: int
    errors: int  # non-2xx/3xx responses and socket errors


def parse_wrk(output: str) -> Measure:
    """The figures of `wrk --latency`'s report."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])
    p50 = duration_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M)[1])
    p99 = duration_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M)[1])
    requests = int(re.search(r"(\d+) requests in", output)[1])
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return Measure(rps=rps, p50=p50, p99=p99, requests=requests, errors=errors)


@dataclass
class Row:
    page: str
    path: str
    target: float | None  # the ratio to reach; None: no target (feeds)
    measure: Measure | None  # None: the page failed before it could be measured
    bare_rps: float  # mean of the bare page's measurements around this one
    failure: str = ""
    cache: str = ""  # the X-Page-Cache header after the warm-up: hit, miss or none

    @property
    def ratio(self) -> float:
        return self.measure.rps / self.bare_rps if self.bare_rps else 0.0

    @property
    def tail(self) -> float:
        """p99 over p50: how far the slowest requests stray from the typical one."""
        return self.measure.p99 / self.measure.p50 if self.measure.p50 else float("inf")

    @property
    def met(self) -> bool:
        """The issue's targets: the ratio, p99 ≤ 4 × p50, and no error."""
        if self.measure is None:
            return False
        ratio_ok = self.target is None or self.ratio >= self.target
        return ratio_ok and self.tail <= TAIL and self.measure.errors == 0


def bare_around(bare: list[float], index: int) -> float:
    """The bare page's req/s measured just before and just after page `index`."""
    return statistics.mean(bare[index : index + 2])


def table(rows: list[Row], bare: list[float]) -> str:
    lines = [
        "| page | req/s | p50 ms | p99 ms | ratio to bare | p99/p50 | page cache | target met |",
        "|---|---:|---:|---:|---:|---:|---|---|",
        f"| bare Django page, one row (median of {len(bare)}, {min(bare):.0f}–{max(bare):.0f}) "
        f"| {statistics.median(bare):.0f} | | | 1 | | | |",
    ]
    for row in rows:
        m = row.measure
        if m is None:
            lines.append(f"| {row.page} | 0 | | | 0 | | | **no** ({row.failure}) |")
            continue
        target = f"ratio ≥ {row.target:.2f}" if row.target else "no ratio target"
        verdict = "yes" if row.met else "**no**"
        errors = f", {m.errors} errors" if m.errors else ""
        lines.append(
            f"| {row.page} | {m.rps:.1f} | {m.p50:.0f} | {m.p99:.0f} | {row.ratio:.3f} "
            f"| {row.tail:.1f} | {row.cache or 'none'} "
            f"| {verdict} ({target}, p99 ≤ 4×p50{errors}) |"
        )
    return "\n".join(lines)


# -- databases, servers and wrk ---------------------------------------------------------------


def psql(database: str, sql: str) -> list[tuple]:
    import psycopg

    with psycopg.connect(f"{PG}/{database}", autocommit=True) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchall() if cursor.description else []


def database_exists(name: str) -> bool:
    return bool(psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))


def ensure_database(size: str) -> float:
    """Generate (or reuse) <prefix><size>; the seconds it took."""
    name = f"{PREFIX}{size}"
    started = time.monotonic()
    env = portal_env(name, static_root="")
    for attempt in range(2):
        if not database_exists(name):
            psql("postgres", f"CREATE DATABASE {name}")
        done = subprocess.run(
            [PYTHON, str(HERE / "generate.py"), size], cwd=ROOT, env=env, check=False
        )
        if done.returncode == 0:
            return time.monotonic() - started
        if done.returncode != 3 or attempt:
            raise SystemExit(f"generating {name} failed")
        psql("postgres", f"DROP DATABASE {name} WITH (FORCE)")
    return time.monotonic() - started


def ensure_bare_database() -> None:
    if not database_exists(BARE_DATABASE):
        psql("postgres", f"CREATE DATABASE {BARE_DATABASE}")
    psql(
        BARE_DATABASE,
        "CREATE TABLE IF NOT EXISTS bench_row (id integer PRIMARY KEY, title text, body text);"
        "INSERT INTO bench_row VALUES (1, 'Une rencontre', 'Un texte de quelques mots.') "
        "ON CONFLICT DO NOTHING",
    )


def portal_env(database: str, *, static_root: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"{PG}/{database}",
        REDIS_URL=REDIS_URL,
        STATIC_MANIFEST="1",
        LOG_LEVEL="WARNING",
    )
    if static_root:
        env["STATIC_ROOT"] = static_root
    return env


def serve(args: list[str], *, env, port: int, log: Path, cwd: Path) -> subprocess.Popen:
    """gunicorn with 2 sync workers on 127.0.0.1:port, up once it answers."""
    command = [GUNICORN, *args, "--workers", "2", "--bind", f"127.0.0.1:{port}"]
    command += ["--access-logfile", str(log.with_suffix(".access")), "--error-logfile", str(log)]
    with socket.socket() as probe:  # another server there would be measured instead
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is already in use")
    server = subprocess.Popen(command, cwd=cwd, env=env)
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn on port {port} stopped; see {log}")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5)  # noqa: S310
            return server
        except urllib.error.HTTPError:
            return server  # it answers (the portal redirects / to /fr/)
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn on port {port} did not start; see {log}")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


def wrk(url: str, seconds: int, connections: int) -> Measure:
    command = ["wrk", "--latency", "--timeout", "30s", "-t", "2", "-c", str(connections)]
    done = subprocess.run(
        [*command, "-d", f"{seconds}s", url], capture_output=True, text=True, check=True
    )
    return parse_wrk(done.stdout)


def pages(database: str) -> list[tuple[str, str, float | None]]:
    """(name, path, ratio target) of every public page, the heaviest of each kind."""

    def one(sql: str) -> str:
        rows = psql(database, sql)
        return str(rows[0][0]) if rows else ""

    public = "status IN ('published', 'cancelled')"
    meeting = one(
        "SELECT e.slug FROM events_event e JOIN themes_finding f ON f.meeting_id = e.id "
        f"WHERE e.{public} GROUP BY e.id ORDER BY count(*) DESC, e.id LIMIT 1"
    )
    findings = one(
        "SELECT count(*) FROM themes_finding f JOIN events_event e ON e.id = f.meeting_id "
        f"WHERE e.slug = '{meeting}'"
    )
    theme = one(
        "SELECT t.slug FROM themes_theme t JOIN themes_finding_themes l ON l.theme_id = t.id "
        "GROUP BY t.id ORDER BY count(*) DESC LIMIT 1"
    )
    # A recommendation's page is its own (a finding page of one redirects there): one of each.
    finding, recommendation = (
        one(
            "SELECT f.id FROM themes_finding f JOIN events_event e ON e.id = f.meeting_id "
            f"WHERE e.slug = '{meeting}' AND f.kind {condition} ORDER BY f.id LIMIT 1"
        )
        for condition in ["<> 'recommendation'", "= 'recommendation'"]
    )
    organisation = one(
        "SELECT o.slug FROM events_organisation o JOIN events_eventorganiser l "
        "ON l.organisation_id = o.id GROUP BY o.id ORDER BY count(*) DESC, o.id LIMIT 1"
    )
    return [
        ("home", "/fr/", PAGE_RATIO),
        ("meetings list", "/fr/rencontres/", PAGE_RATIO),
        (f"meeting page ({findings} findings)", f"/fr/rencontres/{meeting}/", PAGE_RATIO),
        ("findings explorer", "/fr/constats/", PAGE_RATIO),
        ("themes", "/fr/themes/", PAGE_RATIO),
        ("theme page (most findings)", f"/fr/themes/{theme}/", PAGE_RATIO),
        ("finding page", f"/fr/constats/{finding}/", PAGE_RATIO),
        ("recommendations", "/fr/recommandations/", PAGE_RATIO),
        ("recommendation page", f"/fr/recommandations/{recommendation}/", PAGE_RATIO),
        ("organisation page (most meetings)", f"/fr/organisations/{organisation}/", PAGE_RATIO),
        ("search « sécurité »", "/fr/recherche/?q=s%C3%A9curit%C3%A9", SEARCH_RATIO),
        ("meetings feed", "/fr/rencontres/flux/", None),
        ("findings feed", "/fr/constats/flux/", None),
        ("recommendations feed", "/fr/recommandations/flux/", None),
    ]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is reported, not followed


def failure(url: str) -> str:
    """Why this page cannot be measured ("" when it answers 200): a 404 or a 500 would be
    measured as fast, and so would a redirect (wrk does not follow it); a page slower than
    gunicorn's timeout (30 s) is a 500."""
    started = time.monotonic()
    try:
        urllib.request.build_opener(NoRedirect).open(url, timeout=60)
    except urllib.error.HTTPError as error:
        return f"HTTP {error.code} after {time.monotonic() - started:.0f} s"
    except OSError as error:
        return f"{error} after {time.monotonic() - started:.0f} s"
    return ""


def run_size(size: str, *, static_root: str, seconds: int, warmup: int, connections: int):
    generation = ensure_database(size)
    database = f"{PREFIX}{size}"
    subprocess.run(["redis-cli", "-n", REDIS_URL.rsplit("/", 1)[1], "FLUSHDB"], check=False)
    logs = Path(tempfile.gettempdir()) / "cycle-bench-logs"  # kept after the run
    logs.mkdir(exist_ok=True)
    portal = serve(
        ["--config", "gunicorn.conf.py", "cycle_portal.wsgi:application"],
        env=portal_env(database, static_root=static_root),
        port=PORTAL_PORT,
        log=logs / f"portal-{size}.log",
        cwd=ROOT,
    )
    base = f"http://127.0.0.1:{PORTAL_PORT}"
    bare_url = f"http://127.0.0.1:{BARE_PORT}/"
    try:
        wrk(bare_url, warmup, connections)
        bare, measures = [wrk(bare_url, seconds, connections).rps], []
        for name, path, target in pages(database):
            problem = failure(base + path)
            print(f"{size}: {name} {path} {problem}", flush=True)
            before = len(bare) - 1  # the bare measurement just before this page's
            if problem:
                measures.append((name, path, target, None, problem, before, ""))
                continue
            wrk(base + path, warmup, connections)
            try:  # a page slower than its queue of warm-up requests may time out here
                answer = urllib.request.urlopen(base + path, timeout=60)  # noqa: S310
                cache = answer.headers.get("X-Page-Cache", "")
            except OSError:
                cache = "unknown"
            measure = wrk(base + path, seconds, connections)
            if not measure.requests:
                measure, problem = None, f"no request completed in {seconds} s"
            measures.append((name, path, target, measure, problem, before, cache))
            bare.append(wrk(bare_url, seconds, connections).rps)
        rows = [
            Row(name, path, target, measure, bare_around(bare, before), problem, cache)
            for name, path, target, measure, problem, before, cache in measures
        ]
    finally:
        stop(portal)
    return rows, bare, generation


# -- the machine and the report -----------------------------------------------------------


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())[1])
    postgres = psql("postgres", "SHOW server_version")[0][0]
    redis = subprocess.run(
        ["redis-cli", "INFO", "server"], capture_output=True, text=True, check=False
    ).stdout
    redis_version = re.search(r"redis_version:(\S+)", redis)
    return (
        f"{os.cpu_count()} CPUs ({cpu}), {memory_kb / 1024 / 1024:.1f} GiB RAM, "
        f"PostgreSQL {postgres}, Redis {redis_version[1] if redis_version else '?'}, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )


def load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["demo", "10k", "100k"])
    parser.add_argument("--seconds", type=int, default=10, help="measure of each page")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up of each page")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"))
    parser.add_argument("--note", default="", help="a line written above the results")
    options = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    started = dt.datetime.now(dt.UTC)
    report = [
        f"### {started:%Y-%m-%d %H:%M} UTC, commit {commit}"
        + (" (with uncommitted changes)" if dirty else ""),
        "",
        f'`make bench SIZES="{" ".join(options.sizes)}"` — wrk, {options.connections} '
        f"connections, {options.seconds} s a page after {options.warmup} s of warm-up; "
        "gunicorn, 2 sync workers, DEBUG off, hashed static files, Redis; page cache "
        + (
            f"PAGE_CACHE_SECONDS={os.environ['PAGE_CACHE_SECONDS']}"
            if os.environ.get("PAGE_CACHE_SECONDS", "").strip()
            else "at its default (on with Redis)"
        )
        + ".",
        "",
        f"Machine: {machine()}.",
        "",
    ]
    if options.note:
        report += [options.note, ""]
    ensure_bare_database()
    with tempfile.TemporaryDirectory(prefix="bench-") as temp:
        static_root = str(Path(temp) / "static")
        subprocess.run(
            [PYTHON, "manage.py", "collectstatic", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=portal_env(f"{PREFIX}demo", static_root=static_root),
            check=True,
        )
        bare_env = {
            **os.environ,
            "SECRET_KEY": SECRET_KEY,
            "BARE_DATABASE_URL": f"{PG}/{BARE_DATABASE}",
        }
        bare_env.pop("DJANGO_SETTINGS_MODULE", None)
        bare = serve(
            ["bare.wsgi:application"],
            env=bare_env,
            port=BARE_PORT,
            log=Path(temp) / "bare.log",
            cwd=HERE,
        )
        try:
            for size in options.sizes:
                load_before = load_average()
                rows, bare_rps, generation = run_size(
                    size,
                    static_root=static_root,
                    seconds=options.seconds,
                    warmup=options.warmup,
                    connections=options.connections,
                )
                section = [
                    f"#### {size}",
                    "",
                    f"Database {PREFIX}{size} ready in {generation:.0f} s; load average "
                    f"{load_before} before, {load_average()} after (1, 5, 15 min).",
                    "",
                    table(rows, bare_rps),
                    "",
                ]
                print("\n".join(section), flush=True)
                report += section
        finally:
            stop(bare)
    output = Path(options.output)
    with output.open("a", encoding="utf-8") as file:
        file.write("\n" + "\n".join(report))
    print(f"Appended to {output}")


if __name__ == "__main__":
    main()
