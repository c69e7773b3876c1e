"""``servicehall roster`` in-process: outputs complete or absent, bad input exits 2."""

from __future__ import annotations

import pytest

from servicehall.cli import main

from .conftest import STAFF, write_case


@pytest.mark.slow
def test_roster_command_writes_every_output(tmp_path, capsys):
    paths = write_case(tmp_path, bom=True)
    out = tmp_path / "out"
    status = main(["roster", str(paths["hall.yaml"]), "--staff", str(paths["staff.csv"]), "--week",
                   str(paths["week.yaml"]), "--target", "wait<=15@80%", "-n", "3", "--workers", "1",
                   "--out", str(out)])
    assert status == 0
    text = capsys.readouterr().out
    assert "rule check: 0 violation(s)" in text and "fairness" in text and "gap" in text
    names = {p.name for p in out.iterdir()}
    assert {"roster.csv", "assignments.csv", "verification.csv", "verification_days.csv", "fairness.csv",
            "fairness_stats.csv", "summary.json", "week_2026-12-07.html", "coverage_2026-12-07.png"} <= names
    html = (out / "week_2026-12-07.html").read_text(encoding="utf-8")
    assert "王芳" in html and "Noto Sans CJK SC" in html and "税务区" in html
    assert "王芳" in (out / "roster.csv").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.")]   # no staging left


def test_bad_staff_file_exits_2_and_writes_nothing(tmp_path, capsys):
    lines = list(STAFF)
    lines[3] = lines[3].replace("tax;social:1.1", "tax;socail:1.1")
    paths = write_case(tmp_path, staff_lines=lines)
    out = tmp_path / "out"
    status = main(["roster", str(paths["hall.yaml"]), "--staff", str(paths["staff.csv"]), "--week",
                   str(paths["week.yaml"]), "--out", str(out)])
    assert status == 2
    err = capsys.readouterr().err
    assert "staff.csv: row 5: skills: unknown zone or category 'socail' (did you mean 'social'?)" in err
    assert not out.exists()


def test_failure_while_writing_keeps_the_old_folder(tmp_path):
    import pytest

    from rosters.report import staged_dir

    target = tmp_path / "out"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(RuntimeError):
        with staged_dir(target) as stage:
            (stage / "new.txt").write_text("new")
            raise RuntimeError("disk full")
    assert [p.name for p in target.iterdir()] == ["old.txt"]
    with staged_dir(target) as stage:
        (stage / "new.txt").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_requirements_round_trip_and_their_errors(tmp_path, capsys):
    import json

    paths = write_case(tmp_path)
    common = ["roster", str(paths["hall.yaml"]), "--staff", str(paths["staff.csv"]), "--week", str(paths["week.yaml"]),
              "--no-verify", "--no-plots"]
    assert main(common + ["--out", str(tmp_path / "a")]) == 0
    first = json.loads((tmp_path / "a" / "summary.json").read_text(encoding="utf-8"))
    assert main(common + ["--requirements", str(tmp_path / "a" / "requirements.csv"), "--out", str(tmp_path / "b")]) == 0
    second = json.loads((tmp_path / "b" / "summary.json").read_text(encoding="utf-8"))
    assert second["paid_hours"] == first["paid_hours"] and second["unmet"] == first["unmet"]
    bad = tmp_path / "bad.csv"
    text = (tmp_path / "a" / "requirements.csv").read_text(encoding="utf-8").splitlines()
    text[3] = text[3].replace(",tax,", ",taks,")
    bad.write_text("\n".join(text) + "\n", encoding="utf-8")
    capsys.readouterr()
    assert main(common + ["--requirements", str(bad)]) == 2
    assert "bad.csv: row 4: zone: unknown zone on 2026-12-07, got 'taks'" in capsys.readouterr().err
