"""The examples in docs/optimizer.md run and load."""

import doctest
import re
from pathlib import Path

import yaml

from optimize import parse_shift_spec, solve_roster

DOC = Path(__file__).resolve().parents[2] / "docs" / "optimizer.md"


def test_doc_examples_run():
    result = doctest.testfile(str(DOC), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


def test_doc_shift_file_example_loads_and_solves():
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"<!-- shift-file-example -->\s*```yaml\n(.*?)```", text, re.S)[1]
    spec = parse_shift_spec(yaml.safe_load(block), file="docs", grid=(480, 1050, 30),
                            zones=["realestate", "housing_fund", "tax"])
    assert [p.id for p in spec.patterns] == ["early", "late", "morning"]
    reqs = {"realestate": [2] * 19, "housing_fund": [1] * 19, "tax": [1] * 19}
    roster = solve_roster(reqs, spec, (480, 1050, 30))
    assert roster.status == "optimal"
