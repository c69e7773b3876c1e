"""Kill tests: SIGINT, SIGTERM or SIGKILL at several points of ``servicehall simulate --out``
leave the previous folder intact, no staging folder (the next run cleans after SIGKILL),
no orphan worker, no traceback and no hang at exit (a pool's manager thread left
blocked by a killed worker must not keep the process alive). These run real
subprocesses on purpose."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.atomic import check_output_dir

pytestmark = pytest.mark.slow  # each runs a real end-to-end case of several seconds

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = ROOT / "scenarios" / "lanling.yaml"


def descendants(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        p = todo.pop()
        try:
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        for c in map(int, children):
            if c not in found:
                found.add(c)
                todo.append(c)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig,delay", [
    (signal.SIGINT, 0.2),    # while importing numpy/pandas
    (signal.SIGINT, 3.0),    # while the workers simulate and results stream to disk
    (signal.SIGINT, 4.5),
    (signal.SIGTERM, 0.4),   # while pydantic builds the scenario validators
    (signal.SIGTERM, 1.0),
    (signal.SIGTERM, 3.5),
    (signal.SIGTERM, 5.0),
    (signal.SIGKILL, 2.5),
    (signal.SIGKILL, 4.0),
], ids=lambda x: getattr(x, "name", f"{x}s"))
def test_a_killed_run_leaves_the_previous_folder_and_no_orphans(tmp_path, sig, delay):
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.txt").write_text("previous run")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "servicehall", "simulate", str(SCENARIO), "-n", "200", "--workers", "2",
         "--out", str(out), "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path,
        # A runner may start us with SIGINT ignored (a background job); the program's own default.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    time.sleep(delay)
    kids = descendants(proc.pid)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    kids |= descendants(proc.pid)
    deadline = time.time() + 15
    while time.time() < deadline and any(alive(k) for k in kids):
        time.sleep(0.1)
    assert not [k for k in kids if alive(k)], "worker processes outlived their parent"
    assert sorted(p.name for p in out.iterdir()) == ["previous.txt"]
    assert (out / "previous.txt").read_text() == "previous run"
    text = err.decode()
    assert "Traceback" not in text, text
    if sig == signal.SIGKILL:
        assert proc.returncode == -signal.SIGKILL
        check_output_dir(out)  # what the next run does first: clean what the killed run left
    else:
        assert proc.returncode == 128 + sig, text
    assert leftovers(tmp_path, "out") == []


def test_an_interruption_exits_without_loading_more(tmp_path):
    """Ctrl-C in a command unwinds straight out: the handler of input errors, which loads the
    optimizer (a second or two), is not reached."""
    code = (
        "import sys\n"
        "import servicehall.cli.simulate as command\n"
        "add = command.add_parser\n"
        "def boom(args):\n"
        "    raise KeyboardInterrupt\n"
        "def add_parser(sub):\n"
        "    add(sub)\n"
        "    sub.choices['simulate'].set_defaults(func=boom)\n"
        "command.add_parser = add_parser\n"
        "from servicehall.cli import main\n"
        "print(main(['simulate', 'hall.yaml']), 'optimize' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.stdout.split() == ["130", "False"], proc.stderr


def test_once_a_stop_is_asked_a_failing_background_thread_prints_nothing():
    """Stopping kills the pool's workers and its manager thread may then fail on their pipes (a CI
    run printed "Exception in thread Thread-1" above "servicehall: interrupted"): the command
    line's thread hook stays quiet once a signal asked the run to stop, and reports otherwise."""
    import threading

    from servicehall.cli import _quiet_after_stop, main
    from sim.stop_request import clear_stop_request, request_stop

    reported = []
    hook = _quiet_after_stop(lambda args: reported.append(args.exc_value))

    def fail():
        raise OSError("handle is closed")

    previous = threading.excepthook
    try:
        threading.excepthook = hook
        for stopped in (False, True):
            clear_stop_request()
            if stopped:
                request_stop(signal.SIGINT)
            thread = threading.Thread(target=fail)
            thread.start()
            thread.join()
    finally:
        threading.excepthook = previous
        clear_stop_request()
    assert [str(e) for e in reported] == ["handle is closed"]      # before the stop only
    before = threading.excepthook
    assert main(["--version"]) == 0 and threading.excepthook is before   # main puts the hook back
