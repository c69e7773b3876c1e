"""The Python examples in docs/whatif.md run, and the error messages it quotes are the real ones."""

from __future__ import annotations

import re

import pytest

import sim
from sim import whatif

from .conftest import ROOT

DOC = (ROOT / "docs" / "whatif.md").read_text(encoding="utf-8")


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOC, flags=re.S)


@pytest.mark.slow
def test_python_examples_run_in_order(tmp_path, monkeypatch):
    # The examples read scenarios/ from the repository root and write files in the
    # working directory; run them in a scratch folder that sees the scenarios.
    (tmp_path / "scenarios").symlink_to(ROOT / "scenarios")
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    for block in python_blocks():
        # Fewer days than the 30 a reader should use: the point here is that the code runs.
        exec(compile(block.replace("replications=30", "replications=3"), "docs/whatif.md", "exec"), namespace)
    assert whatif.differences(namespace["base"], namespace["busier"]) == [("demand_scale", 1.0, 1.2)]
    assert (tmp_path / "tax-sweep.png").exists() and (tmp_path / "lanling.html").exists()
    assert (tmp_path / "busier.html").exists()


def test_quoted_errors_are_the_real_messages():
    base = sim.load_scenario(ROOT / "scenarios" / "lanling.yaml")
    quoted = re.search(r"```text\n(what-if: .*?)```", DOC, flags=re.S).group(1).splitlines()
    attempts = [("zones.taxx.staff", 3), ("zones.tax.staf", 3), ("zones.tax.staff", 20)]
    for line, (path, value) in zip(quoted, attempts):
        with pytest.raises(sim.ScenarioError) as info:
            whatif.vary(base, path, value)
        expected = line.split("...")[0].rstrip()
        assert str(info.value).startswith(expected), (str(info.value), line)
