"""Text input files: regular files only, bounded in size, their encoding detected.

Every text a user gives - scenario and ``extends`` YAML, shift files, staffing and
roster CSVs, the staff CSV, calendar and requirements of rosters, logs and log
formats, scenarios uploaded to the web app - is decoded by :func:`decode_text`, so
every kind accepts the same encodings:

- UTF-8, with or without a byte-order mark;
- UTF-16 with a byte-order mark (Excel's "Unicode text");
- GB18030, which contains GBK: what Excel and Notepad save on a Chinese Windows
  ("CSV", "ANSI"). Taken when the bytes are not UTF-8, decode as GB18030 without an
  error, and read as Chinese text (every non-ASCII character in GBK, at least half of
  them in the common GB2312 set): Latin-1 text that happens to decode is refused so,
  since an accented letter followed by a plain one maps to a rare character.

Anything else (Latin-1, UTF-16 without a mark, UTF-32, binary data) is an error that
names the file and the encodings tried.
"""

from __future__ import annotations

import codecs
import gzip
import os
import re
import stat
import zlib
from pathlib import Path

from .errors import InputError, ScenarioError

TRIED = "UTF-8, UTF-16 with a byte-order mark, GB18030/GBK"
"""The encodings :func:`decode_text` recognises, as messages name them."""

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Largest input file read by default, a YAML file (5 MB, about 5 s of reading; the reference hall is about 20 kB)."""
MAX_CSV_BYTES = 50 * 1024 * 1024
"""Largest CSV file of a plan, roster or staff list read (a year of a large hall is about 5 MB)."""

_ASCII = re.compile(r"[\x00-\x7f]+")
_SAMPLE = 200_000  # non-ASCII characters looked at to decide whether GB18030 text is Chinese


def check_regular_file(path: str | Path, error: type[InputError] = ScenarioError, what: str = "a file") -> os.stat_result:
    """``os.stat`` of *path*, raising *error* unless it is a regular file (a FIFO or device
    would block or never end when read)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise error(str(path), "", "file not found") from None
    except (OSError, ValueError) as exc:
        raise error(str(path), "", f"cannot read file: {getattr(exc, 'strerror', None) or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise error(str(path), "", f"is a directory, expected {what}")
    if not stat.S_ISREG(info.st_mode):
        raise error(str(path), "", f"is not a regular file (a pipe or device), expected {what}")
    return info


def read_bytes(path: str | Path, error: type[InputError] = ScenarioError, what: str = "a file",
               max_bytes: int = MAX_FILE_BYTES, limit_hint: str = "") -> bytes:
    """The bytes of the regular file *path*, decompressed when its name ends in ``.gz``.

    Raises *error* for a missing file, a folder, a FIFO or device (never opened, so
    never a hang), or more than *max_bytes* (after decompression: a small ``.gz`` can
    hold gigabytes); *limit_hint* says how to raise the limit.
    """
    path = Path(path)
    info = check_regular_file(path, error, what)
    compressed = path.name.lower().endswith(".gz")
    too_large = f"file too large ({{}} bytes, at most {max_bytes:,}){limit_hint}, expected {what}"
    if info.st_size > max_bytes and not compressed:
        raise error(str(path), "", too_large.format(f"{info.st_size:,}"))
    try:
        with (gzip.open if compressed else open)(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
    except OSError as exc:  # includes gzip.BadGzipFile
        reason = exc.strerror or (f"not a gzip file ({exc})" if compressed else str(exc))
        raise error(str(path), "", f"cannot read file: {reason}") from None
    except (EOFError, zlib.error) as exc:
        raise error(str(path), "", f"cannot read file: a damaged or truncated gzip file ({exc})") from None
    if len(raw) > max_bytes:
        raise error(str(path), "", too_large.format(f"more than {max_bytes:,}"))
    return raw


def read_text(path: str | Path, error: type[InputError] = ScenarioError, what: str = "a YAML file",
              max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of the regular file *path* in any encoding :func:`decode_text` recognises.

    Raises *error* as :func:`read_bytes` and :func:`decode_text` do.
    """
    return decode_text(read_bytes(path, error, what, max_bytes), str(path), error)


SAVE_AS_UTF8 = "save the file as UTF-8 (Excel: 'CSV UTF-8')"


def decode_text(raw: bytes, label: str, error: type[InputError] = ScenarioError, encoding: str | None = None,
                fix: str = SAVE_AS_UTF8) -> str:
    """*raw* decoded: by *encoding* when given, else as the module docstring says.

    Raises *error* naming *label*, the encodings tried and a likely one, for binary
    data (NUL bytes) and for text in another encoding; *fix* says what to do.
    """
    if encoding is not None:
        return _decode_as(raw, label, error, encoding)
    if raw.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise error(label, "", f"UTF-32 text (read: {TRIED}); save it as UTF-8")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = raw.decode("utf-16")
        except UnicodeDecodeError:
            raise error(label, "", "not valid UTF-16 text although it starts with a UTF-16 mark; "
                                   "save it as UTF-8") from None
        return _no_nul(text, label, error)
    if b"\x00" in raw:  # binary, or UTF-16 without a mark (text in UTF-8 or GB18030 has no NUL)
        even, odd = raw[0:400:2].count(0), raw[1:400:2].count(0)
        utf16 = max(even, odd) > 0.3 * min(len(raw), 400) / 2 and min(even, odd) == 0
        raise error(label, "", "UTF-16 text without a byte-order mark; save it as UTF-8" if utf16
                    else "binary data (NUL bytes), expected text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    chinese = _as_chinese(raw)
    if chinese is not None:
        return chinese
    line = raw.count(b"\n", 0, first_bad) + 1
    raise error(label, "", f"unknown text encoding: not {TRIED} (byte 0x{raw[first_bad]:02x} on line {line}"
                           f"{_guess(raw)}); {fix}")


def _decode_as(raw: bytes, label: str, error: type[InputError], encoding: str) -> str:
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise error(label, "", f"unknown encoding {encoding!r}") from None
    try:
        text = raw.decode("utf-8-sig" if name == "utf-8" else encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise error(label, "", f"not {encoding} text (byte 0x{raw[exc.start]:02x} on line {line}); give the right "
                               f"encoding, or leave it out to detect {TRIED}") from None
    return _no_nul(text, label, error)


def _no_nul(text: str, label: str, error: type[InputError]) -> str:
    if "\x00" in text:
        raise error(label, "", "binary data (NUL bytes), expected text")
    return text


def _as_chinese(raw: bytes) -> str | None:
    """*raw* decoded as GB18030 if it reads as Chinese text (see the module docstring), else None."""
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = _ASCII.sub("", text[: _SAMPLE * 4])[:_SAMPLE]
    if not wide:
        return None
    try:
        wide.encode("gbk")  # no four-byte GB18030 sequence: a GBK file never has one
    except UnicodeEncodeError:
        return None
    uncommon = wide.encode("gb2312", errors="replace").count(b"?")  # wide holds no "?" of its own
    return text if uncommon * 2 <= len(wide) else None


def _guess(raw: bytes) -> str:
    for name, guess in (("big5", "Big5"), ("gb18030", "Latin-1, or GBK with mostly rare characters")):
        try:
            raw.decode(name)
            return f", perhaps {guess}"
        except UnicodeDecodeError:
            continue
    return ", perhaps Latin-1 or Windows-1252"
