"""Public API hygiene."""

import subprocess
import sys

import optimize


def test_all_is_curated_and_importable():
    assert optimize.__all__ == sorted(optimize.__all__)
    assert len(set(optimize.__all__)) == len(optimize.__all__)
    for name in optimize.__all__:
        assert not name.startswith("_")
        assert getattr(optimize, name) is not None


def test_import_does_not_touch_the_cli():
    # optimize builds on sim's public API (clock times, scenarios), never on the command line.
    code = ("import sys, optimize; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'servicehall'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
