"""Fuzz tier, generated: hypothesis builds hostile scenarios and command lines and runs
them through the CLI in-process; every run succeeds or exits 2 with a message, never a
traceback (any other exception fails the test). Example counts are bounded so the tier
stays well under a minute."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicehall.cli import main
from tests.property.strategies import scenarios

ROOT = Path(__file__).resolve().parents[2]
SMALL = ROOT / "scenarios" / "examples" / "small_hall.yaml"

HOSTILE = st.sampled_from([
    float("inf"), float("-inf"), float("nan"), 1e300, -1e300, 1e-300, -1, 0, 2**63, 10**30, True, False, None,
    "", "20", "x" * 300, "08:00", [], [1, 2, 3], {}, {"dist": "normal"}, "\n", "all", 0.5,
])
FUZZ = settings(max_examples=40, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def leaves(value, path=()):
    """Every (path, value) of a nested dict/list."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, path + (k,))
    elif isinstance(value, list) and value:
        for i, v in enumerate(value):
            yield from leaves(v, path + (i,))
    yield path, value


def replace(data, path, new):
    if not path:
        return new
    node = data
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = new
    return data


def run(argv, capsys):
    status = main(argv)
    captured = capsys.readouterr()
    assert status in (0, 2), (argv, captured.err)
    if status == 2:
        assert "error" in captured.err, captured.err
    return status, captured


@FUZZ
@given(data=scenarios(), choice=st.integers(0, 10**6), value=HOSTILE)
def test_hostile_scenarios_exit_0_or_2(data, choice, value, capsys):
    paths = [p for p, _ in leaves(data) if p]
    path = paths[choice % len(paths)]
    data = replace(data, path, value)
    with tempfile.TemporaryDirectory() as tmp:
        file = Path(tmp) / "s.yaml"
        file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        status, captured = run(["simulate", str(file), "-n", "2", "--workers", "1", "--json"], capsys)
        if status == 2:
            assert f"servicehall: error: {file}: " in captured.err, captured.err
        else:
            assert json.loads(captured.out)["replications"] == 2


WHOLE = st.sampled_from(["0", "1", "2", "-1", "1_0", "1e3", "99999999999999999999999999999999", "abc", "", " 2", "٣"])
NUMBER = st.sampled_from(["5", "0", "-1", "inf", "nan", "-inf", "1e400", "1_0", "0x10", "15.5", ""])


@st.composite
def simulate_argv(draw, folder: Path):
    argv = ["simulate", str(SMALL), "--workers", draw(st.sampled_from(["1", "0", "x", "-3"]))]
    argv += ["-n", draw(st.sampled_from(["1", "2", "0", "-1", "1_0", "abc", "99999999999999999999"]))]
    if draw(st.booleans()):
        argv += ["--seed", draw(WHOLE)]
    if draw(st.booleans()):
        argv += ["--target", draw(NUMBER)]
    if draw(st.booleans()):
        kind = draw(st.sampled_from(["new", "file", "under_file", "existing", "trailing_slash"]))
        out = {"new": folder / "out", "file": folder / "a_file", "under_file": folder / "a_file" / "x",
               "existing": folder, "trailing_slash": f"{folder}/o/"}[kind]
        argv += ["--out", str(out)]
        if draw(st.booleans()):
            argv.append(draw(st.sampled_from(["--stream", "--no-stream"])))
        if draw(st.booleans()):
            argv += ["--visits-format", draw(st.sampled_from(["csv", "parquet", "xml"]))]
    elif draw(st.booleans()):
        argv.append("--stream")
    if draw(st.booleans()):
        argv += ["--staffing", draw(st.sampled_from([str(folder), str(folder / "missing.csv"), str(folder / "a_file")]))]
    if draw(st.booleans()):
        argv.append("--json")
    return argv


@FUZZ
@given(data=st.data())
def test_generated_command_lines_exit_0_or_2(data, capsys):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "a_file").write_text("not a folder")
        argv = data.draw(simulate_argv(folder))
        run(argv, capsys)
        assert not [p.name for p in folder.iterdir() if ".staging-" in p.name]
