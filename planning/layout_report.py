"""The layout search as an HTML report (English or Chinese), one self-contained file."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.atomic import atomic_write_text
from sim.i18n import t
from sim.report.html import esc, facts, figure, page, table

__all__ = ["layout_html", "write_layout_report"]

SCREEN_ROWS = 15


def _rows(search, lang: str):
    headers = [""] + [t(f"layout.col.{k}", lang) for k in
                      ("layout", "windows", "staff_hours", "lower_bound", "mean_wait", "within", "missed")]
    return headers, search.table().to_numpy().tolist()


def layout_html(search, lang: str = "en", speed: float | None = None) -> str:
    """The report of a :class:`planning.LayoutSearch`: the recommendation, the optimized candidates,
    the Pareto plot and the screen's best layouts, in *lang* (``en`` or ``zh``)."""
    from planning.layout_plot import pareto_plot
    from sim.plots import png_bytes

    s = search.scenario
    best = search.simulated[search.simulated["recommended"]].iloc[0]
    pools = [p for layout in search.layouts.values() for p in layout.pools]
    speed = speed if speed is not None else (pools[0].speed if pools else 1.0)
    meta = t("layout.meta", lang, targets=", ".join(map(str, search.targets)), replications=search.replications,
             seed=search.seed, speed=speed)
    how = "" if search.exact else t("layout.greedy", lang)
    screened = t("layout.screened", lang, covered=search.covered, blocks=search.blocks_scored, how=how,
                 simulated=len(search.simulated))
    headers, rows = _rows(search, lang)
    top = search.screened.head(SCREEN_ROWS)
    screen_rows = [[r.candidate, r.layout, int(r.windows), f"{r.staff_hours:.1f}",
                    f"{r.wait_per_visit:.2f}"] for r in top.itertuples()]
    budget = (f"<p>{esc(t('layout.budget', lang, budget=search.budget_windows))}</p>"
              if search.budget_windows is not None else "")
    body = (
        f"<h1>{esc(t('layout.title', lang, name=s.name))}</h1>"
        f'<p class="meta">{esc(meta)}</p><p>{esc(screened)}</p>{budget}'
        f"<h2>{esc(t('layout.recommended', lang))}</h2>"
        f"<p>{esc(t('layout.recommended_text', lang, layout=best['layout'], windows=int(best['windows_used']), hours=best['staff_hours'], wait=best['mean_wait'], missed=int(best['missed'])))}</p>"
        + facts([(t("layout.col.lower_bound", lang),
                  f"{best['lower_bound']:.1f}" if np.isfinite(best["lower_bound"]) else "-")])
        + f"<h2>{esc(t('layout.optimized', lang))}</h2>" + table(headers, rows, text_columns=2)
        + f'<p class="muted">{esc(t("layout.optimized_note", lang))}</p>'
        + figure(png_bytes(pareto_plot(search)), "pareto", t("layout.plot_caption", lang))
        + f"<h2>{esc(t('layout.screen_table', lang))}</h2>"
        + table(["", t("layout.col.layout", lang), t("layout.col.windows", lang),
                 t("layout.col.screen_hours", lang), t("layout.col.mean_wait", lang)], screen_rows, text_columns=2)
    )
    return page(t("layout.title", lang, name=s.name), body, lang)


def write_layout_report(search, path, lang: str = "en") -> Path:
    """Write :func:`layout_html` to *path* atomically; returns the path."""
    path = Path(path)
    atomic_write_text(path, layout_html(search, lang))
    return path
