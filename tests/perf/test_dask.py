"""Replications on a Dask cluster give exactly the serial numbers (API, streaming and CLI)."""

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import sim
from servicehall.cli.executors import SCHEDULER_TIMEOUT
from sim import runner
from sim.model.compiled import compile_hall
from sim.output import write_results
from sim.runner import dask_task_cancelled
from sim.stream import simulate_to_dir
from tests.cli.test_kill import alive, descendants
from tests.helpers import run_cli

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "tests" / "data" / "small.yaml"
LANLING = ROOT / "scenarios" / "lanling.yaml"


def local_cluster(processes: bool, threads: int = 1):
    """Two workers of *threads* threads and a scheduler on a free TCP port of 127.0.0.1.

    TCP even for in-process workers, so that tasks are serialised as on a real
    cluster and other processes (the CLI) can connect. No dashboard; the scheduler's
    small HTTP server (health, metrics) takes a free port too instead of 8787, which
    another cluster on the machine (a parallel test) may hold.
    """
    return distributed.LocalCluster(
        n_workers=2, threads_per_worker=threads, processes=processes, dashboard_address=None,
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


@pytest.mark.slow
def test_cli_executor_option_against_a_scheduler(cluster):
    address = cluster.scheduler_address  # tcp://127.0.0.1:PORT
    assert address.startswith("tcp://127.0.0.1:")
    on_dask = cli_json("--executor", "dask://" + address[len("tcp://"):])
    assert on_dask == cli_json("--workers", "1")


@pytest.mark.slow  # the client retries for its 10-second timeout
def test_cli_reports_an_unreachable_scheduler_at_once():
    # nothing listens on the discard port: refused at once, not after Dask's connect timeout
    started = time.perf_counter()
    run = run_cli("simulate", SMALL, "-n", "2", "--executor", "dask://127.0.0.1:9")
    assert run.returncode == 2 and "cannot reach the Dask scheduler at dask://127.0.0.1:9" in run.stderr
    assert "Traceback" not in run.stderr and time.perf_counter() - started < SCHEDULER_TIMEOUT


@pytest.mark.parametrize("address", ["dask://127.0.0.1", "dask://:8786", "dask://host:port", "tcp://127.0.0.1:8786"])
def test_cli_rejects_a_malformed_executor_address(address):
    run = run_cli("simulate", SMALL, "-n", "2", "--executor", address)
    assert run.returncode == 2 and "expected dask://HOST:PORT" in run.stderr and repr(address) in run.stderr


@pytest.mark.slow
def test_worker_processes_give_the_serial_results(small):
    with local_cluster(processes=True) as cluster, distributed.Client(cluster) as client:
        on_dask = sim.simulate(small, replications=5, seed=7, executor=client.get_executor())
    assert_same_results(sim.simulate(small, replications=5, seed=7, workers=1), on_dask)


@pytest.fixture(scope="module")
def process_cluster():
    with local_cluster(processes=True, threads=2) as c, distributed.Client(c) as client:
        yield c, client


def scheduler_tasks(dask_scheduler) -> int:
    return len(dask_scheduler.tasks)


def scheduler_clients(dask_scheduler) -> list[str]:
    return sorted(dask_scheduler.clients)


def executing(dask_worker) -> int:
    return dask_worker.state.executing_count


def stopped_when_cancelled(dask_worker) -> int:
    """Tasks of this worker that were cancelled while running and stopped with an error (a batch
    that saw its cancellation between two replications) rather than running to the end."""
    return sum(1 for entry in dask_worker.state.log if len(entry) > 3 and entry[1:3] == ("cancelled", "error"))


@pytest.mark.slow  # worker processes; 5-8 s a signal
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=lambda s: s.name)
def test_a_stopped_run_cancels_its_tasks_on_the_cluster(process_cluster, tmp_path, sig):
    """Ctrl-C, SIGTERM or SIGKILL of ``simulate --executor dask://...`` while its tasks run on a real
    scheduler and worker processes: the exit status, the previous folder intact, no staging left,
    the client and its tasks gone from the scheduler, no cancelled task left computing on a worker
    (a batch stops between replications), no process left behind."""
    cluster, client = process_cluster
    stopped = sum(client.run(stopped_when_cancelled).values())
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.txt").write_text("previous run")
    before = client.run_on_scheduler(scheduler_clients)
    proc = subprocess.Popen(
        [sys.executable, "-m", "servicehall", "simulate", str(LANLING), "-n", "400", "--no-progress",
         "--executor", "dask://" + cluster.scheduler_address[len("tcp://"):], "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.time() + 60
        while not sum(client.run(executing).values()) and time.time() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert sum(client.run(executing).values()) and client.run_on_scheduler(scheduler_tasks)
        time.sleep(0.5)
        kids = descendants(proc.pid)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == (-sig if sig == signal.SIGKILL else 128 + sig), err.decode()
    assert "Traceback" not in err.decode()
    assert sorted(p.name for p in out.iterdir()) == ["previous.txt"]
    if sig != signal.SIGKILL:  # a SIGKILL's staging folder goes at the next run (tests/cli/test_kill.py)
        assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]
    deadline = time.time() + 10  # a batch stops within one replication (about a second here)
    while time.time() < deadline and (client.run_on_scheduler(scheduler_tasks) or sum(client.run(executing).values())
                                      or client.run_on_scheduler(scheduler_clients) != before):
        time.sleep(0.1)
    assert client.run_on_scheduler(scheduler_tasks) == 0
    assert sum(client.run(executing).values()) == 0
    assert client.run_on_scheduler(scheduler_clients) == before
    # four tasks were running: one at least stopped early (it would not if its cancellation came
    # during its last replication, a chance of 1 in 10 each)
    assert sum(client.run(stopped_when_cancelled).values()) > stopped
    assert not [k for k in kids if alive(k)]


_seen: list[bool] = []
_go = threading.Event()


def _wait_and_look() -> None:
    _seen.append(dask_task_cancelled())
    _go.wait(30)
    deadline = time.time() + 30  # the cancellation reaches the worker a moment after the client's call
    while not dask_task_cancelled() and time.time() < deadline:
        time.sleep(0.01)
    _seen.append(dask_task_cancelled())


def test_a_task_sees_its_cancellation(client, small, monkeypatch):
    """A running task cannot be interrupted: it asks (the in-process workers share this module's state)."""
    assert not dask_task_cancelled()  # not in a task
    _seen.clear()
    _go.clear()
    future = client.submit(_wait_and_look, pure=False)
    deadline = time.time() + 30
    while not _seen and time.time() < deadline:
        time.sleep(0.02)
    future.cancel()
    _go.set()
    while len(_seen) < 2 and time.time() < deadline:
        time.sleep(0.02)
    assert _seen == [False, True]
    # and a batch stops between two replications once it is cancelled
    hall = compile_hall(small)
    monkeypatch.setattr(runner, "dask_task_cancelled", lambda: True)
    with pytest.raises(runner.TaskCancelled, match="replications 0-4"):
        runner.run_batch(hall, 0, [0, 1, 2, 3, 4])
