"""Subcommands of ``werkplaats``: one module each, with ``register(subparsers)``."""

from pathlib import Path

from werkplaats_data.errors import UserError, message


def output_folder(path: str) -> Path:
    """The ``--out`` folder of a command that writes files; a plain message when it is a file."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise UserError(message("commands.error.file_not_folder", path=out))
    return out
