"""Fixtures shared by the notebook tests: each research notebook executed once in public mode."""

from notebook_runs import public_notebook, public_release  # noqa: F401  (session-wide fixtures)
