"""Notebooks 04–07 as a public page (WERKPLAATS_PUBLIC=1, as `werkplaats report` runs them).

Each notebook runs from a clean kernel on the demo release, with one broken swap added (a self-swap
between two real pseudonyms, so notebook 05 has a ledger problem to show). The executed outputs
(text, tables, Markdown) and the data of every chart (the Vega-Lite specs in the widget state)
must hold no pseudonym and no count of people below 10 or not rounded to 5.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from nbclient import NotebookClient

import werkplaats_data as wd
from werkplaats_data.i18n import t
from werkplaats_data.release import write_release

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PSEUDONYM = re.compile(r"\b[ph]_[0-9a-f]{6,}")  # people (p_) and households (h_)
#: Columns and chart fields that count people.
PEOPLE = {"members", "active_members", "households", "coaches", "active_coaches"}
#: Long-format chart rows whose ``count`` counts people (the coaches line).
PEOPLE_SERIES = {t("energy.active_coaches", lang) for lang in ("nl", "en")}


def publishable(value) -> bool:
    """A people count fit for a public page: suppressed (empty), or at least 10 and a multiple of 5."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return True
    if isinstance(value, str):
        value = value.strip().replace(",", "").replace(".", "")
        if value in ("", "<NA>", "NaN", "None", "nan"):
            return True
        value = float(value)
    return value >= 10 and value % 5 == 0


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> str:
    """The demo release plus one self-swap between real pseudonyms (cleaning would quarantine it)."""
    demo = wd.load_release()
    swaps = demo.swaps
    member = swaps.loc[swaps["giver_id"].str.startswith("p_"), "giver_id"].iloc[0]
    broken = swaps.head(1).assign(swap_id="sw_99999999_01", giver_id=member, receiver_id=member)
    tables = dict(demo.tables, swaps=pd.concat([swaps, broken], ignore_index=True))
    return str(write_release(tables, tmp_path_factory.mktemp("release") / "public", demo=True))


def run(name: str, release_path: str, monkeypatch, *, public: bool = True) -> nbformat.NotebookNode:
    """Execute the notebook on ``release_path`` with WERKPLAATS_PUBLIC set (or not), keeping the charts' widget state."""
    monkeypatch.setenv("WERKPLAATS_PUBLIC", "1" if public else "0")
    monkeypatch.delenv("WERKPLAATS_STATIC", raising=False)
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    at = next(i for i, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", []))
    notebook.cells.insert(at + 1, nbformat.v4.new_code_cell(f"release_path = {release_path!r}"))
    NotebookClient(notebook, timeout=300, kernel_name="python3", store_widget_state=True,
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return notebook


def outputs(notebook) -> list[dict]:
    return [output for cell in notebook.cells for output in cell.get("outputs", [])]


def texts(notebook) -> str:
    parts = []
    for output in outputs(notebook):
        parts.append(output.get("text", ""))
        parts.extend(str(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def table_cells(notebook) -> list[tuple[str, str]]:
    """(column, cell text) of every people column in every HTML table shown."""
    found = []
    for output in outputs(notebook):
        html = output.get("data", {}).get("text/html")
        if not html:
            continue
        for table in BeautifulSoup(html, "html.parser").find_all("table"):
            header = table.find("thead")
            names = [th.get_text(strip=True) for th in (header.find_all("tr")[0].find_all("th") if header else [])]
            for row in table.find("tbody").find_all("tr") if table.find("tbody") else []:
                cells = [c.get_text(strip=True) for c in row.find_all(["th", "td"])]
                found += [(name, value) for name, value in zip(names, cells) if name in PEOPLE]
    return found


def chart_specs(notebook) -> list[dict]:
    state = notebook.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {}).get("state", {})
    return [model["state"]["spec"] for model in state.values() if "spec" in model.get("state", {})]


def chart_counts(spec: dict) -> list[tuple[str, object]]:
    """(field, value) of every people count in the chart's data."""
    rows = [row for values in spec.get("datasets", {}).values() for row in values]
    found = [(key, row[key]) for row in rows for key in PEOPLE if key in row]
    found += [("count", row.get("count")) for row in rows if row.get("series") in PEOPLE_SERIES]
    return found


@pytest.mark.parametrize("name", ["04_repair_cafe.ipynb", "05_ruilpunt.ipynb", "06_energie.ipynb", "07_groen.ipynb"])
def test_public_notebook_shows_no_pseudonym_and_no_small_people_count(name, release, monkeypatch):
    notebook = run(name, release, monkeypatch)
    shown = texts(notebook)
    assert shown.count("*Main finding:*") == 1  # the English summary at the top, computed
    specs = chart_specs(notebook)
    assert specs, "the charts' data should be in the widget state"
    assert not PSEUDONYM.search(shown), PSEUDONYM.search(shown).group(0)
    assert not PSEUDONYM.search(json.dumps(specs))
    small = [(c, v) for c, v in table_cells(notebook) if not publishable(v)]
    assert not small, f"people counts below 10 or not rounded in the tables: {small[:5]}"
    small = [(f, v) for spec in specs for f, v in chart_counts(spec) if not publishable(v)]
    assert not small, f"people counts below 10 or not rounded in the chart data: {small[:5]}"


@pytest.mark.parametrize(("name", "shows"), [("05_ruilpunt.ipynb", "pseudonym"), ("06_energie.ipynb", "small counts")])
def test_the_checks_catch_what_a_research_page_shows(name, shows, release, monkeypatch):
    """Outside public mode the same notebooks show what the public page must hide, so the checks can fail."""
    notebook = run(name, release, monkeypatch, public=False)
    if shows == "pseudonym":
        assert PSEUDONYM.search(texts(notebook))  # the self-swap's account in the ledger problems
    else:
        counts = [v for spec in chart_specs(notebook) for _, v in chart_counts(spec)]
        assert any(not publishable(v) for v in counts)  # active coaches per month, 0–9
