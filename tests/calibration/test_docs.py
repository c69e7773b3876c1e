"""The format example in docs/calibration.md is the bank's format file and is valid."""

from __future__ import annotations

import re

import yaml
from conftest import BANK_FORMAT, REPO

from calibration import load_log_format, log_format_from_dict
from sim.yamlio import StrictLoader


def yaml_blocks(text: str) -> list[str]:
    return re.findall(r"```yaml\n(.*?)```", text, flags=re.S)


def test_docs_format_example_matches_the_bank_format():
    text = (REPO / "docs" / "calibration.md").read_text(encoding="utf-8")
    examples = [b for b in yaml_blocks(text) if b.startswith("delimiter:")]
    assert len(examples) == 1
    documented = log_format_from_dict(yaml.load(examples[0], Loader=StrictLoader), "docs/calibration.md")
    assert documented == load_log_format(BANK_FORMAT)
