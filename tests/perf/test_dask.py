"""Replications on a Dask cluster give exactly the serial numbers (API, streaming and CLI)."""

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import sim
from sim.output import write_results
from sim.stream import simulate_to_dir

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small.yaml"


def local_cluster(processes: bool):
    """Two single-threaded workers and a scheduler on a free TCP port of 127.0.0.1.

    TCP even for in-process workers, so that tasks are serialised as on a real
    cluster and other processes (the CLI) can connect. No dashboard; the scheduler's
    small HTTP server (health, metrics) takes a free port too instead of 8787, which
    another cluster on the machine (a parallel test) may hold.
    """
    return distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=processes, dashboard_address=None,
        protocol="tcp", host="127.0.0.1", scheduler_port=0, silence_logs=50,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    )


@pytest.fixture(scope="module")
def cluster():
    # In-process (threaded) workers start in a second and do not depend on how the
    # CI machine spawns processes; the slow test below covers worker processes.
    with local_cluster(processes=False) as c:
        yield c


@pytest.fixture()
def client(cluster):
    with distributed.Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def small():
    return sim.load_scenario(SMALL)


def assert_same_results(a: sim.Results, b: sim.Results) -> None:
    pd.testing.assert_frame_equal(a.visits, b.visits, check_exact=True)
    pd.testing.assert_frame_equal(a.levels, b.levels, check_exact=True)
    for by in ("overall", "zone", "zone_period"):
        pd.testing.assert_frame_equal(a.summary(by), b.summary(by), check_exact=True)


def test_dask_executor_gives_the_serial_results(small, client):
    serial = sim.simulate(small, replications=6, seed=5, workers=1)
    on_dask = sim.simulate(small, replications=6, seed=5, executor=client.get_executor())
    assert_same_results(serial, on_dask)


def test_dask_executor_streams_the_serial_files(small, client, tmp_path):
    write_results(sim.simulate(small, replications=5, seed=3, workers=1), tmp_path / "serial")
    simulate_to_dir(small, tmp_path / "dask", replications=5, seed=3, executor=client.get_executor(), chunk_visits=1)
    for name in ("visits.csv", "summary.csv", "levels.csv", "summary.json"):
        assert (tmp_path / "serial" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


def cli_json(*args) -> dict:
    proc = subprocess.run([sys.executable, "-m", "servicehall", "simulate", str(SMALL), "-n", "4", "--seed", "9",
                           "--json", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_cli_executor_option_against_a_scheduler(cluster):
    address = cluster.scheduler_address  # tcp://127.0.0.1:PORT
    assert address.startswith("tcp://127.0.0.1:")
    on_dask = cli_json("--executor", "dask://" + address[len("tcp://"):])
    assert on_dask == cli_json("--workers", "1")


@pytest.mark.slow  # the client retries for its 10-second timeout
def test_cli_reports_an_unreachable_scheduler():
    proc = subprocess.run([sys.executable, "-m", "servicehall", "simulate", str(SMALL), "-n", "2",
                           "--executor", "dask://127.0.0.1:9"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 2 and "cannot reach the Dask scheduler" in proc.stderr


@pytest.mark.slow
def test_worker_processes_give_the_serial_results(small):
    with local_cluster(processes=True) as cluster, distributed.Client(cluster) as client:
        on_dask = sim.simulate(small, replications=5, seed=7, executor=client.get_executor())
    assert_same_results(sim.simulate(small, replications=5, seed=7, workers=1), on_dask)
