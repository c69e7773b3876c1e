"""Outputs written completely or not at all, and never over an input.

A folder (``--out``, ``--plots``, ``--stream``) is written into a hidden staging folder
beside it and swapped in as a whole (:func:`atomic_dir`); a file goes through a temporary
file (:func:`atomic_write_text`); :func:`check_output_dir`, :func:`check_output_file`
and :func:`check_distinct_outputs` find a target that cannot or must not be written before
a long run. Inside :func:`commit_together` (a command's whole run) the swaps wait for the
end of the block, so a command that writes several outputs commits all of them or none.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

from .errors import InputError
from .stop_request import raise_if_stop_requested


class OutputError(InputError):
    """An output folder or file cannot be written (exists as a file, no permission, disk full)."""


STAGING = ".staging-"
OLD = ".old-"


def _aside(target: Path, kind: str) -> Path:
    """A hidden sibling of *target* named after this process: ``.NAME.staging-PID-XXXX``."""
    return Path(tempfile.mkdtemp(prefix=f".{target.name}{kind}{os.getpid()}-", dir=target.parent))


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(target: str | Path) -> None:
    """Remove what killed runs left beside *target*: their staging folders and temporary
    files, and an old folder set aside for a swap that never finished (put back when
    *target* is missing)."""
    target = Path(target)
    parent = target.parent
    if not parent.is_dir():
        return
    for kind in (OLD, STAGING):
        prefix = f".{target.name}{kind}"
        for path in sorted(parent.glob(glob_escape(prefix) + "*")):
            pid_text = path.name[len(prefix):].split("-", 1)[0]
            if not pid_text.isdigit() or (int(pid_text) != os.getpid() and _pid_alive(int(pid_text))):
                continue
            if kind == OLD and not target.exists():
                with contextlib.suppress(OSError):
                    os.rename(path, target)  # the previous content, intact
                    continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    path.unlink()  # a temporary file of atomic_write_text


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def check_output_dir(target: str | Path, option: str = "--out") -> Path:
    """Check before a long run that folder *target* can be written; raise OutputError if not.

    *target* must be a folder or not exist; the nearest existing parent must be a
    writable folder. Stale staging folders of killed runs are removed on the way.
    """
    if not str(target).strip():
        raise OutputError(option or "<output>", "", "an empty path; give a folder")
    target = Path(target)
    label = f"{option} {target}" if option else str(target)
    if target.exists() and not target.is_dir():
        raise OutputError(label, "", "exists and is not a folder; give a folder path (or remove the file)")
    here = Path.cwd().resolve()
    if target.resolve() in (here, *here.parents):
        raise OutputError(label, "", "is the current folder or one above it, which would be replaced as a whole; "
                                     "give a new folder, e.g. out")
    if _writable_ancestor(target, label, "folder") == target.parent:
        clean_stale(target)
    return target


def _writable_ancestor(target: Path, label: str, what: str) -> Path:
    """The nearest existing folder above *target*; OutputError unless *what* can be created in it."""
    ancestor = target.parent
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError(label, "", f"cannot create the {what}: {ancestor} is not a folder")
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise OutputError(label, "", f"cannot create the {what}: no permission to write in {ancestor}")
    try:  # access() does not know every file system (/proc, some network mounts): try for real
        os.rmdir(tempfile.mkdtemp(prefix=".servicehall-probe.", dir=ancestor))
    except OSError as exc:
        reason = _os_problem(exc).removeprefix("cannot write: ")
        raise OutputError(label, "", f"cannot create the {what} in {ancestor}: {reason}") from None
    return ancestor


def check_output_file(target: str | Path, option: str = "--out") -> Path:
    """Check before a long run that file *target* can be written; raise OutputError if not."""
    if not str(target).strip():
        raise OutputError(option or "<output>", "", "an empty path; give a file")
    target = Path(target)
    label = f"{option} {target}" if option else str(target)
    if target.is_dir():
        raise OutputError(label, "", "is a folder; give a file path")
    _writable_ancestor(target, label, "file")
    return target


def check_distinct_outputs(outputs: list[tuple[str, str, bool]], inputs: list[tuple[str, str]]) -> None:
    """Raise OutputError when an output would overwrite an input, or replace another output.

    *outputs*: ``(option, path, is_folder)`` in the order they are written; *inputs*:
    ``(name, path)`` of the files read. A folder is replaced as a whole, so it may hold
    neither an input nor an output written before it (one written after it lands inside).
    """
    def within(path: Path, folder: Path) -> bool:
        return path == folder or folder in path.parents

    written = [(option, raw, Path(raw).resolve(), is_folder) for option, raw, is_folder in outputs]
    for option, raw, path, is_folder in written:
        for name, source in inputs:
            if Path(source).resolve() == path:
                raise OutputError(f"{option} {raw}", "", f"is the input {source} ({name}), which writing would "
                                                         "destroy; give another path")
            if is_folder and within(Path(source).resolve(), path):
                raise OutputError(f"{option} {raw}", "", f"holds the input {source} ({name}), which replacing the "
                                                         "folder as a whole would delete; give another folder")
    for i, (first, first_raw, first_path, _) in enumerate(written):
        for option, raw, path, is_folder in written[i + 1:]:
            if within(first_path, path) if is_folder else first_path == path:
                raise OutputError(f"{option} {raw}", "", f"would replace what {first} writes ({first_raw}): each folder "
                                                         "is written whole; give a path outside it")


def _os_problem(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "cannot write: no space left on the disk (free some space and run again)"
    if exc.errno == errno.EDQUOT:
        return "cannot write: disk quota exceeded"
    return f"cannot write: {exc.strerror or exc}"


@contextlib.contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """Yield a hidden staging folder beside *target*; on success swap it in as a whole.

    The swap renames the old *target* aside, renames the staging folder in and then
    deletes the old one, so *target* holds either the previous run's files or this
    run's, never a mix; on any error or interruption (Ctrl-C, SIGTERM) the staging
    folder is removed and *target* is left as it was. Folders left by killed runs
    are cleaned by the next run (:func:`clean_stale`). An OSError while writing
    (e.g. a full disk) is raised as OutputError. Inside :func:`commit_together` the
    swap waits for the end of its block.
    """
    target, defer = _staged_home(Path(target))
    check_output_dir(target, option="")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging: Path | None = _aside(target, STAGING)
    except OSError as exc:
        raise OutputError(str(target), "", _os_problem(exc)) from None
    assert staging is not None
    try:
        try:
            yield staging
        except OSError as exc:
            raise OutputError(str(target), "", _os_problem(exc)) from None
        os.chmod(staging, 0o777 & ~_umask())  # mkdtemp makes the folder private
        queue = _pending()
        if defer and queue is not None:
            queue.append(_Commit(target, staging, is_folder=True))
            staging = None  # commit_together owns it now
            return
        raise_if_stop_requested()  # a signal whose exception was lost must not commit
        _swap_in(staging, target)
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)


def _swap_in(staging: Path, target: Path) -> None:
    old = None
    if target.exists():
        old = Path(tempfile.mktemp(prefix=f".{target.name}{OLD}{os.getpid()}-", dir=target.parent))
        os.rename(target, old)
    try:
        os.rename(staging, target)
    except BaseException:
        if old is not None:
            with contextlib.suppress(OSError):
                os.rename(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write *text* to *path* through a temporary file in the same folder (renamed over
    *path* at once, or at the end of :func:`commit_together`)."""
    path, defer = _staged_home(Path(path))
    check_output_file(path, option="")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}{STAGING}{os.getpid()}-", dir=path.parent)
    except OSError as exc:
        raise OutputError(str(path), "", _os_problem(exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        # mkstemp makes the file private (0600); a report is an ordinary file.
        os.chmod(tmp, 0o666 & ~_umask())
        queue = _pending()
        if defer and queue is not None:
            queue.append(_Commit(path, Path(tmp), is_folder=False))
            return
        raise_if_stop_requested()
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(str(path), "", _os_problem(exc)) from None
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class _Commit:
    """An output staged and waiting for the end of :func:`commit_together`."""

    def __init__(self, target: Path, staged: Path, is_folder: bool):
        self.target, self.staged, self.is_folder = target, staged, is_folder

    def commit(self) -> None:
        if self.is_folder:
            _swap_in(self.staged, self.target)
        else:
            os.replace(self.staged, self.target)

    def discard(self) -> None:
        if self.is_folder:
            shutil.rmtree(self.staged, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                os.unlink(self.staged)


_deferred: list[_Commit] | None = None
_owner: int | None = None  # the thread whose outputs wait (a web app's job threads write at once)


def _pending() -> list[_Commit] | None:
    return _deferred if _owner == threading.get_ident() else None


@contextlib.contextmanager
def commit_together() -> Iterator[None]:
    """Hold the final swap of every output written in the block until it ends, then make them
    all: an error or a stop in a later output (the plots after the tables) leaves every
    earlier one as it was, not half of the command's outputs new. An output inside a folder
    staged earlier in the block (``--out o --plots o/plots``) is written into its staging."""
    global _deferred, _owner
    if _deferred is not None:  # already inside one
        yield
        return
    pending: list[_Commit] = []
    _deferred = pending
    _owner = threading.get_ident()
    try:
        yield
        raise_if_stop_requested()  # a stop whose exception a finalizer swallowed commits nothing
        while pending:
            step = pending.pop(0)
            try:
                step.commit()
            except OSError as exc:
                pending.insert(0, step)
                raise OutputError(str(step.target), "", _os_problem(exc)) from None
    finally:
        _deferred = _owner = None
        for step in pending:
            step.discard()


def _staged_home(target: Path) -> tuple[Path, bool]:
    """Where *target* is written, and whether its commit waits for :func:`commit_together`:
    inside a folder staged earlier in the block, it is written there now (and committed with it)."""
    for step in _pending() or ():
        folder = step.target.resolve()
        if step.is_folder and folder in target.resolve().parents:
            return step.staged / target.resolve().relative_to(folder), False
    return target, True
