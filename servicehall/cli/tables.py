"""Plain-text tables that line up with Chinese zone names (wide characters)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    """Terminal columns taken by *text* (East Asian wide characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None) -> str:
    """Left-align the first column, right-align the rest."""
    widths = [max(display_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = []
    if title:
        lines.append(title)
    lines.append("  ".join(_pad(str(h), w, i > 0) for i, (h, w) in enumerate(zip(headers, widths))))
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(_pad(str(c), w, i > 0) for i, (c, w) in enumerate(zip(r, widths))))
    return "\n".join(lines)
