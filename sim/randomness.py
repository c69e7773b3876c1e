"""Independent random streams, spawned from one seed.

A stream is named by (replication, purpose, key), e.g. (3, "service", "invoice").
Names, not positions, make the streams: adding a service or a zone leaves every
other stream untouched, so two scenarios see the same visitors (common random
numbers) and a seed repeats exactly whatever process computes the replication.
"""

from __future__ import annotations

import zlib

import numpy as np


def _word(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def stream(seed: int, replication: int, purpose: str, key: str = "") -> np.random.Generator:
    """A fresh generator for one (replication, purpose, key) under *seed*."""
    seq = np.random.SeedSequence(entropy=int(seed), spawn_key=(int(replication), _word(purpose), _word(key)))
    return np.random.Generator(np.random.PCG64(seq))
