"""Subcommands of ``werkplaats``: one module each, with ``register(subparsers)``."""

from pathlib import Path

from werkplaats_data.errors import UserError


def output_folder(path: str) -> Path:
    """The ``--out`` folder of a command that writes files; a plain message when it is a file."""
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise UserError(f"{out} is een bestand, geen map; kies met --out een (nieuwe) map. / "
                        f"{out} is a file, not a folder; give a (new) folder with --out.")
    return out
