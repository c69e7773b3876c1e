"""Progress bars that stay quiet when output is not a terminal."""

from __future__ import annotations

import sys
from typing import Optional

from tqdm.auto import tqdm


def progress_bar(total: int, desc: str, enabled: Optional[bool] = None):
    """A tqdm bar on stderr; *enabled* None shows it only when stderr is a terminal."""
    if enabled is None:
        enabled = sys.stderr.isatty()
    return tqdm(total=total, desc=desc, disable=not enabled, leave=False, file=sys.stderr)
