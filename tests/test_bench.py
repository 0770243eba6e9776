"""The benchmark's own arithmetic and data (scripts/bench/): no server and no wrk here."""

import importlib.util
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from events.models import Meeting
from themes.models import Finding

BENCH = Path(__file__).resolve().parent.parent / "scripts" / "bench"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


run = load("run")

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8611/fr/
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    40.12ms   10.01ms 120.00ms   70.00%
    Req/Sec   200.00     20.00   250.00     70.00%
  Latency Distribution
     50%  812.00us
     75%   45.00ms
     90%   60.00ms
     99%    1.25s
  4000 requests in 10.00s, 80.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 3
Requests/sec:    399.80
Transfer/sec:      8.00MB
"""


def test_wrk_report_read_in_milliseconds():
    measure = run.parse_wrk(WRK_OUTPUT)
    assert measure.rps == pytest.approx(399.8)
    assert measure.p50 == pytest.approx(0.812)
    assert measure.p99 == pytest.approx(1250)
    assert measure.requests == 4000
    assert measure.errors == 6  # 3 non-2xx, 1 read error, 2 timeouts
    assert run.duration_ms("1.50m") == pytest.approx(90_000)
    with pytest.raises(ValueError):
        run.duration_ms("12 parsecs")


def row(rps, p50, p99, *, target=0.30, bare=1000.0, errors=0):
    measure = run.Measure(rps=rps, p50=p50, p99=p99, requests=100, errors=errors)
    return run.Row("page", "/fr/", target, measure, bare)


def test_ratio_tail_and_targets():
    assert row(300, 10, 40).ratio == pytest.approx(0.30)
    assert row(300, 10, 40).tail == pytest.approx(4.0)
    assert row(300, 10, 40).met  # both limits are inclusive
    assert not row(299, 10, 40).met  # ratio under 0.30
    assert not row(300, 10, 41).met  # p99 over 4 × p50
    assert not row(300, 10, 40, errors=1).met
    assert row(150, 10, 20, target=0.15).met  # search's target
    assert row(1, 10, 20, target=None).met  # a feed: no ratio target
    failed = run.Row("themes", "/fr/themes/", 0.30, None, 1000.0, "HTTP 500 after 30 s")
    assert not failed.met


def test_each_page_is_compared_with_the_bare_measures_around_it():
    bare = [1000.0, 800.0, 600.0]
    assert run.bare_around(bare, 0) == pytest.approx(900)
    assert run.bare_around(bare, 1) == pytest.approx(700)
    assert run.bare_around(bare, 2) == pytest.approx(600)  # a page failed after the last
    text = run.table([row(450, 10, 20), row(100, 10, 80)], bare)
    assert "| page | 450.0 | 10 | 20 | 0.450 | 2.0 | none | yes" in text
    assert "| page | 100.0 | 10 | 80 | 0.100 | 8.0 | none | **no**" in text
    assert "median of 3, 600–1000) | 800 |" in text


@pytest.mark.django_db
def test_data_generator_makes_the_counts_asked_for():
    data = load("data")
    size = data.Size(meetings=6, findings=40, registrations=12)
    data.fill(size)
    assert data.counts() == size
    assert data.has_bench_rows()
    meetings = Meeting.objects.all()
    assert meetings.filter(status=Meeting.Status.PUBLISHED).count() == 4
    assert meetings.filter(end__gte=timezone.now()).exists()  # some upcoming
    assert meetings.filter(end__lt=timezone.now()).exists()  # most past
    finding = Finding.objects.exclude(title_en="").first()
    assert finding.title_fr and finding.title_en and finding.themes.exists()
    data.fill(size)  # a second fill adds nothing
    assert data.counts() == size


def test_database_names_take_a_prefix_from_the_environment(monkeypatch):
    monkeypatch.setenv("BENCH_DATABASE_PREFIX", "h_bench_")
    named = load("run")
    assert (named.PREFIX, named.BARE_DATABASE) == ("h_bench_", "h_bench_bare")
    monkeypatch.setenv("BENCH_DATABASE_PREFIX", "x; DROP DATABASE y")
    with pytest.raises(SystemExit, match="BENCH_DATABASE_PREFIX"):
        load("run")
    monkeypatch.delenv("BENCH_DATABASE_PREFIX")
    assert load("run").PREFIX == "bench_"
