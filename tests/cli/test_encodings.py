"""Encodings of input files: one detection (``sim.textfile``) for every kind of input.

Chinese users save files from Excel or Notepad in GBK; every kind of text input must read
them as it reads UTF-8, and refuse Latin-1 with the file and the encodings tried.
"""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
import yaml

import optimize
import rosters
import sim
from rosters.requirements_file import read_requirements_csv
from servicehall.cli import main
from sim.textfile import decode_text
from tests.roster.conftest import CALENDAR, HALL, HEADER, SHIFTS, STAFF

FUZZ_CORPUS = Path(__file__).resolve().parents[1] / "fuzz" / "corpus"
TEXT = "name: 兰陵县政务服务中心\nzones: [税务综合窗口, 不动产登记, 社保医保, 公积金]\n"


@pytest.mark.parametrize("raw", [
    TEXT.encode(), codecs.BOM_UTF8 + TEXT.encode(), TEXT.encode("utf-16"), codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
    TEXT.encode("gbk"), TEXT.encode("gb18030"),
], ids=["utf8", "utf8-bom", "utf16", "utf16be", "gbk", "gb18030"])
def test_recognised_encodings_decode_to_the_same_text(raw):
    assert decode_text(raw, "f.txt") == TEXT


def test_gbk_with_a_few_rare_characters_and_utf16_without_a_mark():
    assert decode_text("王喆,李堃,张三\n".encode("gbk"), "f.txt") == "王喆,李堃,张三\n"  # half outside GB2312
    with pytest.raises(sim.InputError, match="f.txt: UTF-16 text without a byte-order mark; save it as UTF-8"):
        decode_text(TEXT.encode("utf-16-le"), "f.txt")


@pytest.mark.parametrize("raw,guess", [
    ("name: café\n".encode("latin-1"), "byte 0xe9 on line 1, perhaps Latin-1 or Windows-1252"),
    # decodes as GB18030, but into rare characters: Latin-1, not GBK
    ("name: Müller\n".encode("latin-1"), "byte 0xfc on line 1, perhaps Latin-1, or GBK with mostly rare"),
    ("name: \u201cA\u201d\n".encode("cp1252"), "byte 0x93 on line 1"),
    ("name: 臺北市\n".encode("big5"), "perhaps Big5"),
])
def test_other_encodings_name_the_file_and_the_encodings_tried(raw, guess):
    with pytest.raises(sim.InputError) as info:
        decode_text(raw, "hall.yaml")
    assert str(info.value).startswith("hall.yaml: unknown text encoding: not UTF-8, UTF-16 with a byte-order mark, "
                                      "GB18030/GBK (")
    assert guess in str(info.value) and "save the file as UTF-8" in str(info.value)
    with pytest.raises(sim.InputError, match="UTF-32"):
        decode_text("x".encode("utf-32"), "hall.yaml")
    with pytest.raises(sim.InputError, match="binary data"):
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "hall.yaml")


def test_every_input_kind_reads_gbk_as_utf8(tmp_path):
    """Scenario and its extends parent, shift file, calendar, staff CSV and requirements CSV of
    rosters, saved in GBK with Chinese names, give what the UTF-8 files give."""
    loaded = {}
    for encoding in ("utf-8", "gbk"):
        folder = tmp_path / encoding
        folder.mkdir()

        def write(name, text, folder=folder, encoding=encoding):
            (folder / name).write_bytes(text.encode(encoding))
            return folder / name

        write("base.yaml", "# 基础大厅\n" + yaml.safe_dump(HALL, allow_unicode=True))
        hall_path = write("hall.yaml", "# 周一加人\nextends: base.yaml\nzones: [{id: social, name: 社保医保区, staff: 2}]\n")
        write("shifts.yaml", "# 早班、晚班\n" + yaml.safe_dump(SHIFTS))
        week_path = write("week.yaml", yaml.safe_dump({**CALENDAR, "name": "元旦周"}, allow_unicode=True))
        staff_path = write("staff.csv", "\n".join([HEADER, *STAFF]) + "\n")
        hall = sim.load_scenario(hall_path)
        week = rosters.load_calendar(week_path, hall)
        shifts = optimize.load_shift_file(week.shifts, grid=week.union_grid(), zones=hall.zone_ids)
        staff = rosters.read_staff_csv(staff_path, zones=hall.zone_ids, shifts=[p.id for p in shifts.patterns])
        days = [d.date.isoformat() for d in week.open_days]
        need = write("need.csv", "date,zone,start,required\n" + f"{days[0]},tax,08:00,2\n")
        loaded[encoding] = (sim.scenario_to_dict(hall), week.name, shifts.patterns, staff,
                            read_requirements_csv(need, week)[week.open_days[0].date].loc["tax", "08:00"])
    assert loaded["gbk"] == loaded["utf-8"]
    hall, name, _, staff, _ = loaded["gbk"]
    assert [z["name"] for z in hall["zones"]] == ["税务区", "不动产", "社保医保区"] and name == "元旦周"
    assert [m.name for m in staff][:3] == ["王芳", "李娜", "张伟"]


def test_gbk_files_through_the_commands(tmp_path, capsys):
    """simulate a GBK scenario with a GBK staffing CSV; calibrate a GBK log (Chinese window names,
    Chinese service types mapped in a GBK format file)."""
    scenario = FUZZ_CORPUS / "scenario" / "ok_gbk.yaml"
    (tmp_path / "plan.csv").write_bytes("zone,start,staff\ntax,08:00,2\ntax,08:30,1\n".encode("gbk"))
    assert main(["simulate", str(scenario), "--staffing", str(tmp_path / "plan.csv"), "-n", "2", "--workers", "1",
                 "--json"]) == 0
    assert "兰陵县政务服务中心" in capsys.readouterr().out
    log = (FUZZ_CORPUS / "log" / "ok_gbk.csv").read_bytes().decode("gbk").replace(";general", ";综合业务")
    (tmp_path / "log.csv").write_bytes(log.encode("gbk"))
    fmt = (FUZZ_CORPUS / "logformat" / "ok_gbk.yaml").read_bytes().decode("gbk")
    (tmp_path / "fmt.yaml").write_bytes((fmt + "services: {map: {综合业务: general}}\n").encode("gbk"))
    status = main(["calibrate", str(tmp_path / "log.csv"), "--format", str(tmp_path / "fmt.yaml"),
                   "--out", str(tmp_path / "out.yaml")])
    assert status == 0, capsys.readouterr().err
    assert [s.id for s in sim.load_scenario(tmp_path / "out.yaml").services] == ["general"]
    (tmp_path / "fmt.yaml").write_bytes(fmt.encode("gbk"))  # no map: the Chinese type is not an id
    status = main(["calibrate", str(tmp_path / "log.csv"), "--format", str(tmp_path / "fmt.yaml"),
                   "--out", str(tmp_path / "out2.yaml")])
    err = capsys.readouterr().err
    assert status == 2 and "fmt.yaml: services.map: service '综合业务' of the log is not a scenario id" in err
    assert "map: {'综合业务': s1}" in err and not (tmp_path / "out2.yaml").exists()
