"""Fonts that can draw Chinese zone names, found among the installed ones.

Matplotlib's default font (DejaVu Sans) has no Chinese glyphs, so names such as
税务区 would come out as boxes. We look for an installed CJK font once and use
it as a per-glyph fallback after DejaVu Sans (Latin text keeps its usual look).
Without one, labels that DejaVu Sans cannot draw fall back to their ids, after
a single warning, instead of drawing boxes.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Iterable
from typing import Optional

BASE_FONT = "DejaVu Sans"

# Preferred first: Simplified Chinese faces, then other CJK regions of the same
# families (they cover the same ideographs), then common system fonts.
CJK_FONTS = (
    "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei",
    "Microsoft YaHei", "PingFang SC", "Heiti SC", "Hiragino Sans GB", "SimHei", "Noto Sans SC",
    "Noto Sans CJK TC", "Noto Sans CJK JP", "Noto Sans CJK KR", "Noto Sans CJK HK", "Source Han Sans",
    "Noto Serif CJK SC", "Source Han Serif SC", "SimSun", "AR PL UMing CN", "Droid Sans Fallback",
)


class MissingCJKFontWarning(UserWarning):
    """No installed font can draw Chinese text; labels fall back to ids."""


def find_cjk_font(available: Optional[Iterable[str]] = None) -> Optional[str]:
    """The first CJK-capable font among *available* family names (default: installed ones).

    Known names are tried in order of preference, then any family whose name
    says CJK; None when there is none.
    """
    if available is None:
        from matplotlib import font_manager

        available = (f.name for f in font_manager.fontManager.ttflist)
    names = set(available)
    for name in CJK_FONTS:
        if name in names:
            return name
    others = sorted(n for n in names if "CJK" in n.upper() and "MONO" not in n.upper())
    return others[0] if others else None


@functools.lru_cache(maxsize=1)
def cjk_font() -> Optional[str]:
    """The installed CJK font used for plots, or None (warns once per process)."""
    name = find_cjk_font()
    if name is None:
        warnings.warn(
            "no installed font can draw Chinese text (tried Noto Sans CJK, Source Han Sans, WenQuanYi, "
            "Microsoft YaHei, SimHei, PingFang ...); plots label zones by id. "
            "Install one, e.g. `apt-get install fonts-noto-cjk`; if one was installed after matplotlib "
            "first ran, delete matplotlib's font list (fontlist-*.json in matplotlib.get_cachedir()).",
            MissingCJKFontWarning,
            stacklevel=3,
        )
    return name


def font_families(cjk: Optional[str] = None) -> list[str]:
    """Family list for matplotlib: DejaVu Sans first, the CJK font as glyph fallback."""
    cjk = cjk_font() if cjk is None else cjk
    return [BASE_FONT, cjk] if cjk else [BASE_FONT]


@functools.lru_cache(maxsize=1)
def _base_charmap() -> frozenset[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(font_manager.findfont(BASE_FONT)).get_charmap())


def drawable(text: str, cjk: Optional[str] = None) -> bool:
    """True when *text* can be drawn without missing glyphs."""
    if (cjk_font() if cjk is None else cjk):
        return True
    charmap = _base_charmap()
    return all(ord(ch) in charmap or ch.isspace() for ch in text)


def label(text: Optional[str], fallback: str) -> str:
    """*text* when it can be drawn with the fonts at hand, else *fallback* (e.g. the id)."""
    return text if text and drawable(text) else fallback
