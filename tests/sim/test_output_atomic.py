"""Whole-folder atomic outputs: staged beside the target, swapped in as a whole."""

from __future__ import annotations

import errno
import os
import sys

import pytest

from servicehall.cli import main
from sim.atomic import OutputError, atomic_dir, atomic_write_text, check_output_dir, clean_stale

SMALL = "scenarios/examples/small_hall.yaml"


def names(folder):
    return sorted(p.name for p in folder.iterdir())


def test_a_new_run_replaces_the_folder_whole_without_stale_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "stale.csv").write_text("from an earlier run")
    with atomic_dir(out) as stage:
        (stage / "new.csv").write_text("new")
    assert names(out) == ["new.csv"]
    assert names(tmp_path) == ["out"]


@pytest.mark.parametrize("error", [RuntimeError("boom"), KeyboardInterrupt(), OSError(errno.ENOSPC, "No space left on device")])
def test_a_failure_leaves_the_previous_folder_intact_and_no_staging(tmp_path, error):
    out = tmp_path / "out"
    out.mkdir()
    (out / "previous.csv").write_text("previous")
    with pytest.raises((type(error), OutputError)) as info:
        with atomic_dir(out) as stage:
            (stage / "half.csv").write_text("half")
            raise error
    if isinstance(error, OSError):
        assert "no space left" in str(info.value)
    assert names(out) == ["previous.csv"]
    assert names(tmp_path) == ["out"]


def test_staging_of_a_killed_run_is_cleaned_and_an_unfinished_swap_is_undone(tmp_path):
    dead = 2**22 + 12345  # above any pid_max default: no such process
    out = tmp_path / "out"
    (tmp_path / f".out.staging-{dead}-abc").mkdir()
    old = tmp_path / f".out.old-{dead}-xyz"
    old.mkdir()
    (old / "previous.csv").write_text("previous")  # killed between the two renames
    clean_stale(out)
    assert names(tmp_path) == ["out"] and names(out) == ["previous.csv"]
    # A staging folder of a live process (ours) is a run in progress elsewhere: kept.
    live = tmp_path / f".out.staging-{os.getppid()}-abc"
    live.mkdir()
    clean_stale(out)
    assert live.exists()


def test_out_naming_a_file_is_an_error_before_the_run(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["simulate", SMALL, "-n", "2", "--workers", "1", "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert f"--out {target}: exists and is not a folder" in err
    assert "replications" not in capsys.readouterr().out


def test_out_below_a_file_and_plots_and_report_are_checked_before_the_run(tmp_path, capsys):
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["simulate", SMALL, "-n", "2", "--out", str(target / "sub")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert main(["simulate", SMALL, "-n", "2", "--report", str(tmp_path)]) == 2
    assert "is a folder; give a file path" in capsys.readouterr().err
    assert main(["compare", SMALL, SMALL, "-n", "2", "--plots", str(target)]) == 2
    assert "--plots" in capsys.readouterr().err


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="no /proc")
def test_a_folder_where_nothing_can_be_created_is_found_before_the_run(capsys):
    # access() says /proc is writable (for root), mkdir says otherwise: a real try decides
    assert main(["simulate", SMALL, "-n", "2", "--workers", "1", "--out", "/proc/servicehall/out"]) == 2
    captured = capsys.readouterr()
    assert "--out /proc/servicehall/out: cannot create the folder" in captured.err and "in /proc" in captured.err
    assert "replications" not in captured.out


def test_a_full_disk_is_a_clear_error(tmp_path, monkeypatch, capsys):
    import sim.output as output

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output, "write_tables", full)
    out = tmp_path / "out"
    assert main(["simulate", SMALL, "-n", "2", "--workers", "1", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "no space left on the disk" in err and "Traceback" not in err
    assert names(tmp_path) == []


def test_atomic_write_text_to_a_folder_is_an_error(tmp_path):
    with pytest.raises(OutputError, match="is a folder"):
        atomic_write_text(tmp_path, "x")
    check_output_dir(tmp_path / "new")  # does not create anything
    assert names(tmp_path) == []


def test_ctrl_c_while_matplotlib_loads_exits_130_without_traceback(tmp_path, monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def interrupted(name, *args, **kwargs):
        if name.startswith("sim.plots") or name == "matplotlib" or (name == "plots" and args and args[2]):
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", interrupted)
    monkeypatch.delitem(__import__("sys").modules, "sim.plots", raising=False)
    status = main(["simulate", SMALL, "-n", "2", "--workers", "1", "--plots", str(tmp_path / "plots")])
    assert status == 130
    assert "interrupted" in capsys.readouterr().err
    assert not (tmp_path / "plots").exists()


def test_a_temporary_file_of_a_killed_write_is_cleaned(tmp_path):
    dead = 2**22 + 12345
    (tmp_path / f".report.html.staging-{dead}-abc").write_text("half")
    atomic_write_text(tmp_path / "report.html", "<html></html>")
    assert names(tmp_path) == ["report.html"]


def test_interrupts_during_imports_are_held_until_the_block_ends():
    import signal

    from servicehall.cli import Terminated, deferred_interrupts

    done = []
    # Ctrl-C's own handler, whatever this test process inherited (a worker may ignore SIGINT,
    # and an ignored Ctrl-C is rightly not raised).
    inherited = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            with deferred_interrupts():
                os.kill(os.getpid(), signal.SIGINT)
                done.append(1)  # the block runs to its end first
    finally:
        signal.signal(signal.SIGINT, inherited)
    assert done == [1]
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        with pytest.raises(Terminated):
            with deferred_interrupts():
                os.kill(os.getpid(), signal.SIGTERM)
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_a_stop_whose_exception_was_lost_commits_nothing(tmp_path):
    """A signal handled inside a finalizer has its exception printed and dropped; the
    recorded request still stops the commit of a folder and of a file, and the run."""
    import signal

    from sim import load_scenario, simulate
    from sim.stop_request import Terminated, clear_stop_request, request_stop

    target = tmp_path / "out"
    target.mkdir()
    (target / "previous.txt").write_text("previous")
    request_stop(signal.SIGTERM)
    try:
        with pytest.raises(Terminated):
            with atomic_dir(target) as staging:
                (staging / "new.csv").write_text("x")
        with pytest.raises(Terminated):
            atomic_write_text(tmp_path / "report.html", "<html></html>")
        with pytest.raises(Terminated):
            simulate(load_scenario(SMALL), replications=2, seed=1, workers=1, progress=False)
    finally:
        clear_stop_request()
    assert names(target) == ["previous.txt"]
    assert names(tmp_path) == ["out"]


def test_a_command_ends_with_the_stop_a_finalizer_swallowed(tmp_path, monkeypatch, capsys):
    import signal

    from servicehall.cli import _terminate
    from servicehall.cli import simulate as simulate_command
    from sim.stop_request import stop_requested

    class Finalized:
        def __del__(self):  # a SIGTERM handled here: Python prints the exception and drops it
            _terminate(signal.SIGTERM, None)

    def swallowed(args):
        Finalized()
        return 0

    monkeypatch.setattr(simulate_command, "run", swallowed)
    printed = []  # what Python would print as "Exception ignored ... Traceback"
    monkeypatch.setattr(sys, "unraisablehook", printed.append)
    assert main(["simulate", SMALL, "-n", "1", "--no-progress"]) == 143
    err = capsys.readouterr().err
    assert "terminated by SIGTERM" in err
    assert "Exception ignored" not in err and "Traceback" not in err, err
    assert printed == []
    assert stop_requested() is None  # the next command starts afresh


LOG_FORMAT = os.path.abspath("tests/fuzz/corpus/logformat/ok_format.yaml")


@pytest.mark.parametrize("args,message", [
    (["simulate", "hall.yaml", "--out", "."], "--out .: is the current folder or one above it"),
    (["simulate", "hall.yaml", "--out", ".."], "--out ..: is the current folder or one above it"),
    (["simulate", "hall.yaml", "--out", ""], "--out: an empty path; give a folder"),
    (["simulate", "hall.yaml", "--report", "hall.yaml"], "--report hall.yaml: is the input hall.yaml (scenario)"),
    (["simulate", "in/hall.yaml", "--out", "in"], "--out in: holds the input in/hall.yaml (scenario)"),
    (["calibrate", "log.csv", "--format", LOG_FORMAT, "--out", "log.csv"], "--out log.csv: is the input log.csv (log)"),
    (["simulate", "hall.yaml", "--out", "o", "--plots", "o"], "--plots o: would replace what --out writes (o)"),
    (["simulate", "hall.yaml", "--out", "o/tables", "--plots", "o"], "--plots o: would replace what --out writes"),
    (["simulate", "hall.yaml", "--out", "o", "--report", "o"], "--report o: would replace what --out writes (o)"),
    (["sweep", "hall.yaml", "--vary", "demand_scale=1,2", "--out", "p/x.csv", "--plots", "p"], "--plots p: would replace"),
], ids=lambda x: " ".join(x) if isinstance(x, list) else None)
def test_an_output_never_replaces_an_input_the_current_folder_or_another_output(args, message, tmp_path, monkeypatch,
                                                                                capsys):
    (tmp_path / "in").mkdir()
    for name in ("hall.yaml", "in/hall.yaml", "log.csv"):
        (tmp_path / name).write_text("kept\n")
    monkeypatch.chdir(tmp_path)
    assert main([*args, "-n", "2"] if args[0] != "calibrate" else args) == 2
    assert message in capsys.readouterr().err
    assert all((tmp_path / name).read_text() == "kept\n" for name in ("hall.yaml", "in/hall.yaml", "log.csv"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hall.yaml", "in", "log.csv"]


def test_a_later_output_may_go_inside_an_earlier_folder(tmp_path, capsys):
    out = tmp_path / "o"
    assert main(["simulate", SMALL, "-n", "2", "--workers", "1", "--out", str(out), "--plots", str(out / "plots")]) == 0
    assert {"visits.csv", "plots"} <= set(names(out)) and "wait_heatmap.png" in names(out / "plots")


@pytest.mark.parametrize("failure", [KeyboardInterrupt, lambda: OSError(errno.ENOSPC, "No space left on device")])
def test_a_failure_in_a_later_output_commits_none_of_the_command_s_outputs(failure, tmp_path, monkeypatch, capsys):
    import sim.report

    out, plots = tmp_path / "out", tmp_path / "plots"
    for folder in (out, plots):
        folder.mkdir()
        (folder / "previous.txt").write_text("previous run")

    def broken(*args, **kwargs):
        raise failure()

    monkeypatch.setattr(sim.report, "write_report", broken)  # the report is written last, after --out and --plots
    status = main(["simulate", SMALL, "-n", "2", "--workers", "1", "--out", str(out), "--plots", str(plots),
                   "--report", str(tmp_path / "report.html")])
    assert status == (130 if failure is KeyboardInterrupt else 2)
    assert names(out) == ["previous.txt"] and names(plots) == ["previous.txt"]
    assert names(tmp_path) == ["out", "plots"]  # no staging left
