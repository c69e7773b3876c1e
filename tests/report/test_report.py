"""The HTML report: parses, is self-contained, names every zone, renders in a browser."""

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import sim.report

from .conftest import SMALL, SMALL_MORE

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "") if p and Path(p).exists()), None)


class Collector(HTMLParser):
    """Tags, resource references and text of a document; checks that tags are balanced."""

    VOID = {"meta", "img", "br", "hr", "link", "input", "source", "col", "area", "base", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack, self.refs, self.tags, self.text = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.refs += [(name, value) for name, value in attrs if name in ("src", "href") and value]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"unbalanced </{tag}> after {self.stack[-3:]}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(path: Path) -> Collector:
    doc = Collector()
    doc.feed(path.read_text(encoding="utf-8"))
    doc.close()
    assert doc.stack == []
    return doc


def assert_self_contained(doc: Collector):
    assert doc.refs, "expected embedded images"
    for name, value in doc.refs:
        assert not value.startswith(("http://", "https://", "//")), (name, value[:80])
        assert value.startswith("data:image/png;base64,"), (name, value[:80])
    assert "link" not in doc.tags and "script" not in doc.tags


@pytest.fixture(scope="module")
def report(results, tmp_path_factory):
    return sim.report.write_report(results, tmp_path_factory.mktemp("report") / "report.html")


def test_report_parses_is_self_contained_and_names_every_zone(report, results):
    doc = parse(report)
    assert_self_contained(doc)
    assert doc.tags.count("img") == 4
    text = " ".join(doc.text)
    for zone in results.scenario.zones:
        assert zone.name in text and zone.id in text
    for service in results.scenario.services:
        assert service.id in text
    assert "3 replications" in text and "seed 1" in text
    assert "Poisson" in text and "closing" in text.lower()  # the model's assumptions
    assert "08:30–17:30" in text and "lognormal: mean 8, cv 0.7" in text


def test_report_write_is_atomic(report):
    assert [p.name for p in report.parent.iterdir()] == ["report.html"]


def test_comparison_report_lists_changes_and_differences(comparison, tmp_path):
    path = sim.report.write_comparison_report(comparison, tmp_path / "cmp.html")
    doc = parse(path)
    assert_self_contained(doc)
    text = " ".join(doc.text)
    assert "zones.tax.staff" in text and "税务区" in text and "社保医保区" in text
    assert "B - A" in text and "common random numbers" in text


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
def test_report_renders_in_headless_chromium(report, tmp_path):
    shot = tmp_path / "shot.png"
    proc = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
         f"--screenshot={shot}", "--window-size=1280,2000", report.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert shot.exists(), proc.stderr[-2000:]
    from matplotlib import image

    pixels = image.imread(shot)
    assert pixels.shape[:2] == (2000, 1280)
    # Not a blank page: a fair share of the page is ink (text, tables, plots).
    ink = (pixels[..., :3].mean(axis=2) < 0.9).mean()
    assert ink > 0.03, ink


@pytest.mark.slow
def test_cli_simulate_and_compare_write_plots_and_reports(tmp_path, capsys):
    from servicehall.cli import main

    assert main(["simulate", str(SMALL), "-n", "2", "--workers", "1", "--plots", str(tmp_path / "plots"),
                 "--report", str(tmp_path / "run.html")]) == 0
    out = capsys.readouterr().out
    assert "税务区" in out and f"wrote {tmp_path / 'run.html'}" in out
    assert len(list((tmp_path / "plots").glob("*.png"))) == 4
    parse(tmp_path / "run.html")

    assert main(["compare", str(SMALL), str(SMALL_MORE), "-n", "2", "--workers", "1", "--json",
                 "--report", str(tmp_path / "cmp.html"), "--plots", str(tmp_path / "cmp")]) == 0
    captured = capsys.readouterr()
    assert captured.out.lstrip().startswith("{") and "wrote" in captured.err  # stdout stays pure JSON
    assert "zones.tax.staff" in (tmp_path / "cmp.html").read_text(encoding="utf-8")
    assert (tmp_path / "cmp" / "compare_mean_wait.png").exists()


def test_cli_unwritable_report_is_a_user_error(tmp_path, capsys):
    from servicehall.cli import main

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    status = main(["simulate", str(SMALL), "-n", "2", "--workers", "1", "--report", str(blocker / "r.html")])
    # Found before the run: the file cannot be created below a file.
    err = capsys.readouterr().err
    assert status == 2 and f"servicehall: error: --report {blocker / 'r.html'}: cannot create the file" in err
    assert "replications" not in err



@pytest.mark.slow
def test_report_in_chinese_translates_headings_and_keeps_zone_names(results, comparison):
    zh = sim.report.report_html(results, lang="zh")
    en = sim.report.report_html(results)
    assert '<html lang="zh-Hans">' in zh and '<html lang="en">' in en
    for text in ("各专区结果", "全大厅", "模型规则", "随机种子 1", "泊松"):
        assert text in zh and text not in en
    assert "Results per zone" in en and "Results per zone" not in zh
    for zone in results.scenario.zones:
        assert zone.label in zh
    cmp = sim.report.comparison_html(comparison, lang="zh")
    assert "配对对比" in cmp and "改动了什么" in cmp and "zones.tax.staff" in cmp


def test_every_kpi_has_a_chinese_header_and_meaning():
    from sim.i18n import KPI_ZH, catalog
    from sim.kpis import KPIS

    assert set(KPI_ZH) == set(KPIS)
    assert catalog("zh")["kpi.service_level"].format(t=15) == "15分钟内叫号"
    assert catalog("en")["kpi.service_level"].format(t=15) == "within 15 min"


@pytest.mark.parametrize("english, chinese", [
    ("required field missing", "缺少必填字段"),
    ("must be > 0, got -8", "必须大于 0，实际为 -8"),
    ("must be a whole number >= 0, got 'x'", "必须是大于或等于 0 的整数，实际为 'x'"),
    ("unknown key (did you mean 'windows'?), got 'windos'", "未知的键 'windos'（是否想写 'windows'？）"),
    ("unknown zone 'x'; known zones: a, b", "未知专区 'x'；已有专区：a, b"),
    ("exceeds the zone's 4 windows, got 5", "超过该专区的 4 个窗口，实际为 5"),
    ("must be 'all' or a list, got 3", "必须为 'all' 或 列表，实际为 3"),
    ("a wording no pattern knows", "a wording no pattern knows"),
])
def test_input_problems_read_in_chinese_and_fall_back_to_english(english, chinese):
    from sim.i18n import problem_rows, problem_text

    assert problem_text(english, "zh") == chinese
    assert problem_text(english, "en") == english
    assert problem_rows([("path.x", english)]) == [["path.x", english, chinese]]


def test_every_validation_wording_of_the_scenario_layer_has_a_chinese_pattern():
    """The pydantic messages of sim/scenario/errors.py, produced by real bad files, all translate."""
    import re

    from sim.i18n import problem_text

    bad = [{"zones": [{"id": "z", "windows": -1}]}, {"zones": [{"id": "z", "windows": "x"}]},
           {"zones": [{"id": "z", "windos": 1}]}, {"zones": [{"id": "z"}]}, {"period_minutes": 0},
           {"zones": [{"id": "bad id!", "windows": 1}]}, {"zones": []}, {"target_wait": "soon"}]
    for change in bad:
        data = {"name": "h", "hours": {"open": "08:00", "close": "09:00"},
                "zones": [{"id": "z", "windows": 1, "staff": 1}],
                "services": [{"id": "s", "zone": "z", "arrivals": {"rate_per_hour": 1},
                              "service_time": {"dist": "exponential", "mean": 5}}], **change}
        with pytest.raises(sim.ScenarioError) as info:
            sim.scenario_from_dict(data)
        for path, message in info.value.problems:
            assert re.search("[\u4e00-\u9fff]", problem_text(message, "zh")), (path, message)


@pytest.mark.slow
@pytest.mark.parametrize("method", ["calibrated", "simulation"])
def test_every_progress_line_the_optimizer_prints_has_its_chinese(method):
    """The lines come from a real run, so a change of wording in optimize/optimizer.py that the
    patterns of sim.i18n.PROGRESS_ZH no longer match fails here. The simulation method runs with
    shifts and enough loop steps to converge, so it prints its search, loop, descent (simulated
    or not, accepted or not) and verification lines; each reads wholly in Chinese, numbers aside."""
    import re

    import optimize
    from sim.i18n import progress_text

    data = Path(__file__).resolve().parents[1] / "data"
    hall = sim.load_scenario(data / "optimize_hall.yaml")
    shifts = optimize.load_shift_file(data / "optimize_shifts.yaml", zones=hall.zone_ids,
                                      grid=(hall.open_minute, hall.close_minute, 30))
    budget = dict(max_simulations=1, adaptive_rounds=1, shifts=shifts, master_iterations=2, master_rounds=1) \
        if method == "calibrated" else dict(shifts=shifts, max_evaluations=3, max_iterations=8, max_descent=8)
    lines: list[str] = []
    optimize.optimize_staffing(hall, "wait<=15@80%", method=method, seed=0, replications=3, verify_replications=3,
                               baselines=False, workers=1, progress=lines.append, **budget)
    kinds = {line.split()[0] for line in lines}
    assert kinds == ({"simulation", "adaptive", "zone", "verification"} if method == "calibrated" else
                     {"search", "loop", "descent", "verification"}), kinds
    if method == "calibrated":     # the masters' rounds: simulated, then the last answer as it stands
        masters = [line for line in lines if line.startswith("zone")]
        assert "simulated:" in masters[0] and "simulated:" not in masters[-1], masters
    if method == "simulation":
        descent = [line for line in lines if line.startswith("descent")]
        for wording in ("failing", "not simulated", "accepted", "rejected"):
            assert any(wording in line for line in descent), wording
    for line in lines:
        assert not re.search(r"[A-Za-z]", progress_text(line, "zh")), line
        assert progress_text(line, "en") == line
