"""Writing a command's ``--output`` file without ever clobbering what is not ours.

A report written onto the database, the config or a connection's source export would destroy
data with exit 0. So the target is compared with every file deskmetrics reads (by real path and
by inode, which catches symlinks and hard links), an existing file needs ``--force``, and the
text goes to a temporary file in the same folder first: a failed write leaves the old file whole.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from deskmetrics.config.loading import Config

_DATABASE_COMPANIONS = ("-wal", "-shm", "-journal")


def protected_paths(config: Config) -> Iterator[tuple[Path, str]]:
    """Every path an output must not land on (or under, for folders), with what it is."""
    yield config.database, "the configured database"
    for suffix in _DATABASE_COMPANIONS:
        yield config.database.with_name(config.database.name + suffix), "the database journal"
    if config.path is not None:
        yield config.path, "the config file"
    for name, connection in config.connections.items():
        # Connectors name their inputs in different options (path, folder, files…): any
        # string option that names an existing file or folder is treated as a source.
        for key, value in connection.options.items():
            for text in value if isinstance(value, list) else [value]:
                for candidate in _named_paths(config, text):
                    yield candidate, f"the source of connection {name!r} ({key} = {text!r})"


def _named_paths(config: Config, value: object) -> Iterator[Path]:
    if not isinstance(value, str) or not value or "\n" in value or "://" in value:
        return
    name = Path(value).expanduser()
    for candidate in {config.base_dir / name, name}:
        try:
            if candidate.exists():
                yield candidate
        except (OSError, ValueError):
            continue


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


def _clash(target: Path, config: Config) -> str | None:
    real = Path(os.path.realpath(target))
    for path, what in protected_paths(config):
        protected = Path(os.path.realpath(path))
        if real == protected or _same_file(target, path):
            return what
        if protected.is_dir() and protected in real.parents:
            return f"a file inside {what}"
    return None


class OutputError(click.ClickException):
    """A refused ``--output``: one line, exit 2 like other usage errors."""

    exit_code = 2


def check_output(target: Path, config: Config | None, *, force: bool) -> None:
    """Raise a one-line error when ``target`` must not be written."""
    if target.is_dir():
        raise OutputError(f"--output {target}: is a folder; name a file in it")
    if not target.parent.is_dir():
        raise OutputError(f"--output {target}: folder {target.parent} does not exist")
    if config is not None:
        what = _clash(target, config)
        if what is not None:
            raise OutputError(
                f"--output {target}: refusing to write over {what}; choose another file"
            )
    if (target.exists() or target.is_symlink()) and not force:
        raise OutputError(f"--output {target}: file exists; add --force to replace it")


def write_output(target: Path, text: str) -> None:
    """Write ``text`` to ``target`` atomically: a temporary sibling, then rename over it."""
    mode = None
    if target.exists():
        mode = target.stat().st_mode & 0o777
    try:
        handle, temp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as exc:
        raise click.ClickException(f"--output {target}: cannot write ({exc.strerror})") from None
    temp = Path(temp_name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.chmod(temp, mode if mode is not None else 0o666 & ~_umask())
        os.replace(temp, target)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise click.ClickException(f"--output {target}: cannot write ({exc.strerror})") from None
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
