"""Atomic file output: write to a temporary file beside the target, then `os.replace`,
so that an interrupted run never leaves a half-written result.

The temporary file is created by `tempfile.mkstemp`, which makes it private (mode 0600)
whatever the umask; the finished file gets the mode an ordinary `open(path, "w")` would
give it (0666 less the umask: 0644 under the usual umask 022)."""

import contextlib
import json
import os
import pathlib
import tempfile
import threading
from collections.abc import Iterator
from typing import Any


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process's umask (read by setting and restoring it, under a lock)."""
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[str]:
    """Yield a temporary path in `path`'s folder; on success it replaces `path`, with
    the permissions of a file created normally (0666 less the umask)."""
    path = pathlib.Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_json(path: str | os.PathLike, obj: Any) -> None:
    """Write `obj` as JSON to `path`, atomically."""
    with atomic_path(path) as tmp, open(tmp, "w") as f:
        json.dump(obj, f)
