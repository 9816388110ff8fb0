"""Subcommands of ``werkplaats``: one module each, with ``register(subparsers)``."""
