"""The research notebooks run once each in public mode, as ``werkplaats report`` runs them, for every
test that checks what a public page shows (``tests/conftest.py`` makes the fixtures session-wide).

``public_notebook(name)`` executes ``notebooks/<name>`` with ``report.execute_notebook`` (public mode,
charts as SVG with their Vega-Lite spec beside it, the demo stories with their consent ledger) on
``public_release``: the demo release plus one self-swap between two real pseudonyms, so notebook 05
has a ledger problem to show (a research page names its accounts, a public one must not).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

import werkplaats_data as wd
from werkplaats_data import charts, report
from werkplaats_data.release import write_release
from werkplaats_data.stories import DEMO_STORIES_DIR

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
#: Every pseudonym form the release holds: people (p_) and households (h_) as ``privacy.pseudonym``
#: writes them, story tellers (T-001) and collectors and coders (V-11) as the story files have them.
PSEUDONYM = re.compile(r"\b(?:[ph]_[0-9a-f]{16}|[TV]-[0-9]{2,3})\b")


@pytest.fixture(scope="session")
def public_release(tmp_path_factory) -> Path:
    """The demo release plus one self-swap between real pseudonyms (cleaning would quarantine it)."""
    demo = wd.load_release()
    swaps = demo.swaps
    member = swaps.loc[swaps["giver_id"].str.startswith("p_"), "giver_id"].iloc[0]
    broken = swaps.head(1).assign(swap_id="sw_99999999_01", giver_id=member, receiver_id=member)
    tables = dict(demo.tables, swaps=pd.concat([swaps, broken], ignore_index=True))
    return write_release(tables, tmp_path_factory.mktemp("release") / "public", demo=True)


@pytest.fixture(scope="session")
def public_notebook(public_release):
    """name → that notebook executed in public mode on ``public_release``; each runs once per session."""
    done: dict[str, nbformat.NotebookNode] = {}

    def run(name: str) -> nbformat.NotebookNode:
        if name not in done:
            done[name] = report.execute_notebook(NOTEBOOKS / name, release_path=public_release, stories=DEMO_STORIES_DIR)
        return done[name]

    return run


def outputs(notebook) -> list[dict]:
    return [output for cell in notebook.cells for output in cell.get("outputs", [])]


def shown_text(notebook) -> str:
    """All text the executed notebook shows (printed text, text/plain, Markdown and HTML), joined."""
    parts = []
    for output in outputs(notebook):
        parts.append(output.get("text", ""))
        parts.extend(str(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def chart_specs(notebook) -> list[dict]:
    """The Vega-Lite spec of every chart the notebook showed (``charts.StaticChart`` keeps it beside the SVG)."""
    return [output["data"][charts.VEGA_LITE_MIME] for output in outputs(notebook)
            if charts.VEGA_LITE_MIME in output.get("data", {})]


def shown(table: pd.DataFrame) -> str:
    """A table as a kernel shows it (text/plain with pandas' defaults outside a terminal)."""
    with pd.option_context("display.width", 80, "display.max_columns", 20):
        return repr(table)
