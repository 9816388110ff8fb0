"""The ``werkplaats`` command. Each subcommand lives in ``werkplaats_data/commands/<name>.py``.

A command module defines ``register(subparsers)`` which adds its parser and sets ``func``;
``func(args) -> int`` returns the exit status. A ``UserError`` is shown as one plain line.
"""

from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from werkplaats_data import commands
from werkplaats_data.errors import UserError, message


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="werkplaats",
        description="Werkplaats Duurzaam: registers → clean data release → notebooks and exhibition.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        importlib.import_module(f"{commands.__name__}.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except UserError as err:
        print(f"werkplaats {args.command}: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # a bug in the kit: one plain line for the volunteer, details on request
        if os.environ.get("WERKPLAATS_DEBUG"):
            raise
        print(f"werkplaats {args.command}: " + message("cli.error.bug", error=f"{type(err).__name__}: {err}"),
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
