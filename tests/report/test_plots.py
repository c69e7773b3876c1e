"""Every plot renders from a small run; Chinese zone names draw without missing glyphs."""

import io
import warnings
from pathlib import Path

import numpy as np
import pytest
from matplotlib.figure import Figure

import sim
import sim.plots
from sim.plots import fonts


def render(fig) -> bytes:
    """Draw the figure to PNG, failing on any warning (a missing glyph is one)."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig.savefig(buffer, format="png", dpi=60)
    data = buffer.getvalue()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 2000
    return data


def texts(fig) -> list[str]:
    fig.canvas.draw()  # creates the tick labels
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")) if t.get_text()]


@pytest.fixture
def all_figures(results, comparison, sweep_frame):
    return {
        "wait_heatmap": lambda: sim.plots.wait_heatmap(results),
        "queue_over_day": lambda: sim.plots.queue_over_day(results, alarm=20),
        "utilization": lambda: sim.plots.utilization_bars(results),
        "staffing": lambda: sim.plots.staffing_vs_demand(results),
        "compare": lambda: sim.plots.compare_zones(comparison, "service_level"),
        "sweep": lambda: sim.plots.sweep_plot(sweep_frame, "mean_wait"),
    }


@pytest.mark.slow
def test_every_plot_renders_and_labels_zones_by_name(all_figures):
    for name, build in all_figures.items():
        fig = build()
        assert isinstance(fig, Figure), name
        render(fig)
        labels = " ".join(texts(fig))
        if sim.plots.cjk_font() is not None:
            assert "税务区" in labels and "社保医保区" in labels, name


def test_chinese_labels_draw_without_missing_glyph_warnings(results):
    if sim.plots.cjk_font() is None:
        pytest.skip("no CJK font installed; the fallback is tested below")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for fig in (sim.plots.wait_heatmap(results), sim.plots.utilization_bars(results)):
            fig.savefig(io.BytesIO(), format="png", dpi=60)
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_without_a_cjk_font_labels_fall_back_to_ids_after_one_warning(results, monkeypatch):
    monkeypatch.setattr(fonts, "find_cjk_font", lambda available=None: None)
    fonts.cjk_font.cache_clear()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            figs = [sim.plots.wait_heatmap(results), sim.plots.utilization_bars(results)]
            for fig in figs:
                fig.savefig(io.BytesIO(), format="png", dpi=60)
        assert [w.category for w in caught] == [sim.plots.MissingCJKFontWarning]
        labels = texts(figs[0])
        assert "tax" in labels and "social" in labels and "税务区" not in labels
    finally:
        fonts.cjk_font.cache_clear()


def _captions(fig) -> list[str]:
    """Titles, axis labels and legend entries of *fig* (what a reader reads besides ticks and cells)."""
    found = [fig._suptitle, fig._supylabel] + [leg for leg in fig.legends]
    out = [t.get_text() for t in found if t is not None and hasattr(t, "get_text")]
    for leg in fig.legends:
        out += [t.get_text() for t in leg.get_texts()]
    for ax in fig.axes:
        out += [ax.get_title(loc="left"), ax.get_xlabel(), ax.get_ylabel()]
        if ax.get_legend() is not None:
            out += [t.get_text() for t in ax.get_legend().get_texts()]
    return [t for t in out if t]


def test_plots_in_chinese_word_their_titles_axes_and_legends_in_chinese(results, comparison):
    """The Chinese report's plots (lang="zh"): every title, axis label and legend entry in Chinese
    (scenario and zone names as given); a Chinese text the fonts cannot draw falls back to English."""
    import re

    if sim.plots.cjk_font() is None:
        pytest.skip("no CJK font installed")
    figures = {
        "wait_heatmap": sim.plots.wait_heatmap(results, lang="zh"),
        "queue_over_day": sim.plots.queue_over_day(results, alarm=20, lang="zh"),
        "utilization": sim.plots.utilization_bars(results, lang="zh"),
        "staffing": sim.plots.staffing_vs_demand(results, lang="zh"),
        "compare": sim.plots.compare_zones(comparison, "service_level", lang="zh"),
    }
    for name, fig in figures.items():
        render(fig)
        captions = [c for c in _captions(fig) if not c.startswith(("A: ", "B: "))]  # the scenarios' own names
        assert captions, name
        for caption in captions:
            assert re.search(r"[\u4e00-\u9fff]", caption), (name, caption)
    assert "平均等候(分钟)" in _captions(figures["wait_heatmap"])
    assert not any(re.search(r"[\u4e00-\u9fff]", c) for c in _captions(sim.plots.utilization_bars(results)))


def test_font_search_prefers_simplified_chinese_and_accepts_any_cjk_family():
    assert fonts.find_cjk_font(["DejaVu Sans", "Noto Sans CJK JP", "Noto Sans CJK SC"]) == "Noto Sans CJK SC"
    assert fonts.find_cjk_font(["WenQuanYi Zen Hei"]) == "WenQuanYi Zen Hei"
    assert fonts.find_cjk_font(["Some CJK Sans", "Some Mono CJK"]) == "Some CJK Sans"
    assert fonts.find_cjk_font(["DejaVu Sans", "Last Resort High-Efficiency"]) is None


def test_heatmap_cells_are_mean_waits_by_zone_and_period_of_arrival(results):
    table = sim.plots.zone_period_means(results)
    assert list(table.index) == ["tax", "social"] and table.shape[1] == results.scenario.n_periods
    visits = results.visits
    v = visits[(visits.zone == "tax") & (visits.arrival >= 10 * 60) & (visits.arrival < 10 * 60 + 30)]
    per_rep = v.groupby("replication")["wait"].mean()
    assert table.loc["tax", "10:00"] == pytest.approx(per_rep.mean())


def test_queue_bands_cover_the_mean_and_never_go_below_zero(results):
    bands = sim.plots.queue_bands(results)
    assert set(bands["zone"]) == {"tax", "social"} and "after_close" not in set(bands["period"])
    assert (bands["low"] >= 0).all() and (bands["low"] <= bands["mean"] + 1e-12).all()
    assert (bands["mean"] <= bands["high"] + 1e-12).all() and (bands["n"] == 3).all()
    assert bands.loc[(bands.zone == "tax") & (bands.period == "08:30"), "start"].item() == 8 * 60 + 30


def test_offered_load_is_rate_times_mean_service_time(small):
    load = sim.plots.offered_load(sim.whatif.scale_demand(small, 1.5))
    tax = load[load.zone == "tax"]
    assert np.allclose(tax["load"], 40 * 1.5 * 8 / 60)  # invoices: 40/h x 1.5, 8 min each
    assert (tax["staff"] == 6).all() and (tax["windows"] == 8).all()
    assert len(load) == 2 * small.n_periods


@pytest.mark.slow
def test_save_plots_writes_every_png_together(results, comparison, sweep_frame, tmp_path):
    names = [p.name for p in sim.plots.save_plots(results, tmp_path / "run")]
    assert names == ["wait_heatmap.png", "queue_over_day.png", "utilization.png", "staffing_vs_demand.png"]
    names = [p.name for p in sim.plots.save_comparison_plots(comparison, tmp_path / "cmp")]
    assert "compare_mean_wait.png" in names and "compare_service_level.png" in names
    assert len(sim.plots.save_sweep_plots(sweep_frame, tmp_path / "sweep")) == 5
    for path in (tmp_path / "run").iterdir():
        assert path.read_bytes()[:4] == b"\x89PNG"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging left


def test_sweep_plot_rejects_an_unknown_kpi(sweep_frame):
    with pytest.raises(ValueError, match="no KPI 'waiting'"):
        sim.plots.sweep_plot(sweep_frame, "waiting")


def test_importing_sim_does_not_import_matplotlib():
    import subprocess
    import sys

    code = "import sys, sim; sim.simulate; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_offered_load_counts_bundles_kiosks_and_the_guide_desk():
    # The staffing plot's load comes from the flows of every mechanic, not only a zone's own services.
    from sim.plots.staffing import offered_load

    lanling = sim.load_scenario(Path(__file__).resolve().parents[2] / "scenarios" / "lanling.yaml")
    loads = offered_load(lanling).groupby("zone")["load"].sum()
    special = [z.id for z in lanling.zones if not any(s.zone == z.id for s in lanling.services)]
    assert special and all(loads[z] > 0 for z in special if z in loads.index and lanling.zone(z).windows > 0)
