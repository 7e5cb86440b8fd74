"""Atomic file writing: a temporary file beside the target, then a rename.

A run killed mid-write leaves the previous file in place, never a truncated one.
"""

import contextlib
import json
import os
import pathlib
import tempfile

__all__ = ["atomic_path", "write_json", "write_bytes", "check_writable_dir", "remove_temporaries", "TEMP_PREFIX"]

#: Temporary files start with this, so a run killed mid-write can tidy up after itself later.
TEMP_PREFIX = ".tmp-"


@contextlib.contextmanager
def atomic_path(path, suffix=None):
    """Yield a temporary path in ``path``'s folder; on success rename it onto ``path``.

    ``suffix`` (default: ``path``'s own) matters to writers that check extensions, such as
    Keras's ``.weights.h5`` and ``.keras``.

    Example:
        >>> with atomic_path("grid.png") as tmp:   # doctest: +SKIP
        ...     image.save(tmp)
    """
    path = pathlib.Path(path)
    suffix = suffix if suffix is not None else "".join(path.suffixes)
    fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{path.stem.split('.')[0]}-", suffix=suffix, dir=path.parent)
    os.close(fd)
    os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600 files; give the result ordinary permissions
    try:
        yield tmp
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_bytes(path, data):
    """Write ``data`` to ``path`` atomically."""
    with atomic_path(path) as tmp:
        pathlib.Path(tmp).write_bytes(data)


def write_json(path, obj):
    """Write ``obj`` as indented JSON to ``path`` atomically."""
    write_bytes(path, (json.dumps(obj, indent=2, sort_keys=True) + "\n").encode())


def check_writable_dir(path):
    """Create folder ``path`` if needed and check that files can be written in it.

    Raises:
        ValueError: the folder cannot be created or written, naming it and the reason.
    """
    path = pathlib.Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as exc:
        raise ValueError(f"output folder {path} cannot be written ({exc.strerror or exc}); "
                         "choose another folder with --out") from exc
    return path


def remove_temporaries(folder):
    """Delete the temporary files that a killed run left in ``folder`` (and below); return how many."""
    removed = 0
    for path in pathlib.Path(folder).rglob(f"{TEMP_PREFIX}*"):
        if path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed
