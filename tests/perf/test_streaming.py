"""Streaming long runs to disk: same files as in memory, flat memory, all or nothing."""

import argparse
import filecmp
import gc
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

import sim
import sim.runner
from servicehall.cli import main
from servicehall.cli.simulate import streaming
from sim.flows import expected_visits
from sim.model.compiled import compile_hall
from sim.output import write_results
from sim.results import GROUPINGS
from sim.runner import run_records
from sim.stream import simulate_to_dir

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small.yaml"
FILES = ("visits.csv", "summary.csv", "levels.csv", "summary.json")


@pytest.fixture(scope="module")
def small():
    return sim.load_scenario(SMALL)


def same_files(a: Path, b: Path, names=FILES) -> None:
    for name in names:
        assert filecmp.cmp(a / name, b / name, shallow=False), name


@pytest.mark.parametrize("workers, chunk_visits", [(1, 1), (1, 2000), (2, 1), (2, 10**9)])
def test_streamed_files_are_the_in_memory_files(small, tmp_path, workers, chunk_visits):
    results = sim.simulate(small, replications=6, seed=4, workers=1)
    write_results(results, tmp_path / "memory")
    streamed = simulate_to_dir(small, tmp_path / "stream", replications=6, seed=4, workers=workers,
                               chunk_visits=chunk_visits)
    same_files(tmp_path / "memory", tmp_path / "stream")
    assert streamed.visits_path == tmp_path / "stream" / "visits.csv"
    for by in GROUPINGS:
        pd.testing.assert_frame_equal(streamed.kpis(by), results.kpis(by), check_exact=True)
        pd.testing.assert_frame_equal(streamed.summary(by), results.summary(by), check_exact=True)
    pd.testing.assert_frame_equal(streamed.levels, results.levels, check_exact=True)


def test_streamed_visits_read_back_equal_results_visits(small, tmp_path):
    results = sim.simulate(small, replications=5, seed=8, workers=1)
    simulate_to_dir(small, tmp_path / "csv", replications=5, seed=8, workers=1, chunk_visits=1)
    back = pd.read_csv(tmp_path / "csv" / "visits.csv")
    expected = results.visits
    assert list(back.columns) == list(expected.columns)
    assert len(back) == len(expected)
    for col in ("replication", "visitor", "step"):
        assert (back[col].to_numpy() == expected[col].to_numpy()).all()
    for col in ("arrival", "start", "end", "wait"):  # written to 4 decimals
        pd.testing.assert_series_equal(back[col], expected[col].astype(float), check_exact=False, atol=6e-5, rtol=0)
    for col in ("service", "zone", "window", "outcome", "queue"):
        assert (back[col].fillna("") == expected[col].astype(object).fillna("")).all()


def test_parquet_stream_equals_in_memory_parquet(small, tmp_path):
    results = sim.simulate(small, replications=5, seed=2, workers=1)
    write_results(results, tmp_path / "memory", visits_format="parquet")
    simulate_to_dir(small, tmp_path / "stream", replications=5, seed=2, workers=1, chunk_visits=1,
                    visits_format="parquet")
    streamed = pd.read_parquet(tmp_path / "stream" / "visits.parquet")
    pd.testing.assert_frame_equal(streamed, pd.read_parquet(tmp_path / "memory" / "visits.parquet"), check_exact=True)
    same_files(tmp_path / "memory", tmp_path / "stream", FILES[1:])
    # Parquet keeps the numbers exactly; a categorical without categories comes back as object.
    pd.testing.assert_frame_equal(streamed, results.visits, check_exact=True, check_dtype=False, check_categorical=False)


def test_any_executor_streams_the_same_files(small, tmp_path):
    write_results(sim.simulate(small, replications=5, seed=6, workers=1), tmp_path / "memory")
    with ThreadPoolExecutor(3) as pool:
        simulate_to_dir(small, tmp_path / "stream", replications=5, seed=6, executor=pool, chunk_visits=1)
    same_files(tmp_path / "memory", tmp_path / "stream")


def traced_peak(fn) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_peak_memory_stays_flat_as_replications_grow(small, tmp_path):
    sim.simulate(small, replications=2, seed=0, workers=1).summary()  # imports and caches out of the way

    def streamed(n):
        return traced_peak(lambda: simulate_to_dir(small, tmp_path / f"s{n}", replications=n, seed=0, workers=1,
                                                   chunk_visits=1))

    def in_memory(n):
        return traced_peak(lambda: write_results(sim.simulate(small, replications=n, seed=0, workers=1), tmp_path / f"m{n}"))

    s_few, s_many, m_few, m_many = streamed(5), streamed(20), in_memory(5), in_memory(20)  # 4x the days
    # Holding the visits grows with every day (about 4x the memory for 4x the days, less a
    # fixed part); streaming keeps only a few hundred KPI values per day.
    assert m_many - m_few > 0.5 * m_few
    assert s_many - s_few < 0.4 * (m_many - m_few), (s_few, s_many, m_few, m_many)
    assert s_many < 0.6 * m_many, (s_many, m_many)


def test_a_failure_mid_run_leaves_no_output(small, tmp_path, monkeypatch):
    real = sim.runner.run_replication

    def failing(plan, seed, replication):
        if replication == 4:
            raise RuntimeError("disk on fire")
        return real(plan, seed, replication)

    monkeypatch.setattr(sim.runner, "run_replication", failing)
    with pytest.raises(RuntimeError, match="disk on fire"):
        simulate_to_dir(small, tmp_path / "run", replications=8, seed=0, workers=1, chunk_visits=1)
    assert list(tmp_path.iterdir()) == []  # no output, no staging folder left behind

    # An existing output folder is left exactly as it was.
    old = tmp_path / "old"
    old.mkdir()
    (old / "visits.csv").write_text("previous run\n")
    with pytest.raises(RuntimeError):
        simulate_to_dir(small, old, replications=8, seed=0, workers=1, chunk_visits=1)
    assert [p.name for p in tmp_path.iterdir()] == ["old"]
    assert [p.name for p in old.iterdir()] == ["visits.csv"] and (old / "visits.csv").read_text() == "previous run\n"


def test_records_not_kept_still_reach_on_record_in_order(small):
    plan = compile_hall(small)
    seen = []
    kept = run_records(plan, 7, seed=1, workers=2, on_record=lambda r, rec: seen.append((r, len(rec.visitor))),
                       keep=False)
    assert kept == []
    assert seen == [(r, len(rec.visitor)) for r, rec in enumerate(run_records(plan, 7, seed=1, workers=1))]


def test_expected_visits_is_the_mean_arrivals(small):
    # 40 + 25 an hour for 9 hours
    assert expected_visits(small) == pytest.approx(585)
    assert expected_visits(small, 10) == pytest.approx(5850)
    measured = sim.simulate(small, replications=20, seed=0, workers=1).summary("overall").set_index("kpi")
    assert measured.loc["visitors", "low"] < 585 < measured.loc["visitors", "high"]


def test_cli_streams_large_runs_to_out_by_default(small):
    def args(**kw):
        base = dict(stream=None, out="somewhere", replications=10)
        return argparse.Namespace(**{**base, **kw})

    assert not streaming(args(), small)  # 5,850 visits: in memory
    assert streaming(args(replications=2000), small)  # 1.17 million: streamed
    assert not streaming(args(replications=2000, out=None), small)  # nowhere to stream to
    assert streaming(args(stream=True), small) and not streaming(args(stream=False, replications=2000), small)


def test_cli_stream_option(tmp_path, capsys):
    assert main(["simulate", str(SMALL), "-n", "3", "--workers", "1", "--out", str(tmp_path / "a"), "--stream"]) == 0
    assert main(["simulate", str(SMALL), "-n", "3", "--workers", "1", "--out", str(tmp_path / "b"), "--no-stream"]) == 0
    same_files(tmp_path / "a", tmp_path / "b")
    assert main(["simulate", str(SMALL), "-n", "3", "--stream"]) == 2
    assert "--stream: needs --out" in capsys.readouterr().err
