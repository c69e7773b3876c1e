"""Small HTML building blocks for self-contained reports (no external resources)."""

from __future__ import annotations

import base64
import html
from collections.abc import Iterable, Sequence
from typing import Optional

# Local fonts only: the report must open offline, so nothing is fetched.
CSS = """
:root { color-scheme: light; }
body { font-family: "Segoe UI", "Helvetica Neue", Arial, "Noto Sans CJK SC", "Source Han Sans SC",
       "Microsoft YaHei", "PingFang SC", "WenQuanYi Zen Hei", sans-serif;
       margin: 0 auto; max-width: 1180px; padding: 24px 32px 48px; color: #1f2328; line-height: 1.45;
       font-size: 14px; background: #ffffff; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 15px; margin: 20px 0 6px; }
p.meta { color: #57606a; margin: 0 0 16px; }
table { border-collapse: collapse; margin: 6px 0 14px; font-size: 13px; }
th, td { padding: 4px 10px; border-bottom: 1px solid #e5e8eb; text-align: right; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; border-bottom: 1px solid #d0d7de; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
tr:nth-child(even) td { background: #fbfcfd; }
td.num { font-variant-numeric: tabular-nums; white-space: nowrap; }
td.better { color: #116329; } td.worse { color: #a40e26; }
.muted { color: #57606a; }
figure { margin: 12px 0 24px; }
figure img { max-width: 100%; height: auto; border: 1px solid #eaeef2; }
figcaption { color: #57606a; font-size: 13px; margin-top: 4px; }
ul.rules li { margin: 3px 0; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 8px 32px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 6px 0 12px; }
dl.facts dt { color: #57606a; } dl.facts dd { margin: 0; }
"""


def esc(text: object) -> str:
    """HTML-escaped text."""
    return html.escape("" if text is None else str(text), quote=True)


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], text_columns: int = 1,
          text: Sequence[int] = (), cell_classes: Optional[Sequence[Sequence[str]]] = None) -> str:
    """A table of escaped cells; the first *text_columns* columns and those in *text* are
    left-aligned text, the rest right-aligned numbers. *cell_classes* (one list per
    row) adds CSS classes to cells.
    """
    is_text = [i < text_columns or i in text for i in range(len(headers))]
    head = "".join(f'<th class="{"text" if is_text[i] else "num"}">{esc(h)}</th>' for i, h in enumerate(headers))
    body = []
    for r, row in enumerate(rows):
        cells = []
        for i, cell in enumerate(row):
            cls = "text" if i < len(is_text) and is_text[i] else "num"
            if cell_classes is not None and cell_classes[r][i]:
                cls += " " + cell_classes[r][i]
            cells.append(f'<td class="{cls}">{esc(cell)}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def figure(png: bytes, alt: str, caption: str) -> str:
    """An embedded PNG (base64 data URI) with a caption."""
    data = base64.b64encode(png).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{esc(alt)}">'
            f"<figcaption>{esc(caption)}</figcaption></figure>")


def facts(pairs: Iterable[tuple[str, object]]) -> str:
    """A definition list of label/value pairs."""
    return '<dl class="facts">' + "".join(f"<dt>{esc(k)}</dt><dd>{esc(v)}</dd>" for k, v in pairs) + "</dl>"


def page(title: str, body: str, lang: str = "en") -> str:
    """A complete HTML document with the inline style sheet (*lang*: ``en`` or ``zh``)."""
    code = "zh-Hans" if lang == "zh" else "en"
    return (f"<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")
