"""Notebooks 04–08 as a public page, as `werkplaats report` runs them (``notebook_runs.public_notebook``:
public mode, charts as SVG with their data beside them, each notebook run once per session).

The release is the demo release with one broken swap added (a self-swap between two real
pseudonyms, so notebook 05 has a ledger problem to show). The executed outputs (text, tables,
Markdown) and the data of every chart must hold no pseudonym and no count of people below 10 or not
rounded to 5. The same notebooks as a research page show what the public page hides, so the checks
can fail.
"""

from __future__ import annotations

import json

import nbformat
import pandas as pd
import pytest
from bs4 import BeautifulSoup
from nbclient import NotebookClient

from werkplaats_data import charts, repair
from werkplaats_data.i18n import t
from werkplaats_data.privacy import PUBLIC_ENV

from notebook_runs import NOTEBOOKS, PSEUDONYM, chart_specs, outputs, shown_text

pytestmark = pytest.mark.slow

#: Columns and chart fields that count people (``shown`` is what ``activities.people_bars`` draws).
PEOPLE = {"members", "active_members", "households", "coaches", "active_coaches", "shown"}
#: Long-format chart rows whose ``count`` counts people (the coaches line).
PEOPLE_SERIES = {t("energy.active_coaches", lang) for lang in ("nl", "en")}
ACTIVITY_NOTEBOOKS = ["04_repair_cafe.ipynb", "05_ruilpunt.ipynb", "06_energie.ipynb", "07_groen.ipynb"]


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


def chart_counts(spec: dict) -> list[tuple[str, object]]:
    """(field, value) of every people count in the chart's data."""
    rows = [row for values in spec.get("datasets", {}).values() for row in values]
    found = [(key, row[key]) for row in rows for key in PEOPLE if key in row]
    found += [("count", row.get("count")) for row in rows if row.get("series") in PEOPLE_SERIES]
    return found


@pytest.mark.parametrize("name", ACTIVITY_NOTEBOOKS)
def test_public_notebook_shows_no_pseudonym_and_no_small_people_count(name, public_notebook):
    notebook = public_notebook(name)
    shown = shown_text(notebook)
    assert shown.count("*Main finding:*") == 1  # the English summary at the top, computed
    specs = chart_specs(notebook)
    assert specs, "the charts' data should be kept beside their SVG"
    assert not PSEUDONYM.search(shown), PSEUDONYM.search(shown).group(0)
    assert not PSEUDONYM.search(json.dumps(specs))
    small = [(c, v) for c, v in table_cells(notebook) if not publishable(v)]
    assert not small, f"people counts below 10 or not rounded in the tables: {small[:5]}"
    small = [(f, v) for spec in specs for f, v in chart_counts(spec) if not publishable(v)]
    assert not small, f"people counts below 10 or not rounded in the chart data: {small[:5]}"


def column_names(notebook) -> set[str]:
    """The column headers of every HTML table the notebook shows."""
    return {th.get_text(strip=True) for output in outputs(notebook)
            for th in BeautifulSoup(output.get("data", {}).get("text/html", ""), "html.parser").find_all("th")}


def test_public_repair_page_shows_no_typed_text(public_notebook, public_release, monkeypatch):
    public = column_names(public_notebook("04_repair_cafe.ipynb"))
    assert "event_date" in public  # the ORDS preview is there ...
    assert not public & {*repair.TYPED_ORDS_COLUMNS, "item", "where"}  # ... without what volunteers typed
    research = column_names(research_run("04_repair_cafe.ipynb", public_release, monkeypatch))
    assert set(repair.TYPED_ORDS_COLUMNS) <= research  # a research page keeps them


def test_public_stories_page_shows_counts_from_ten_and_the_rule(public_notebook):
    notebook = public_notebook("08_verhalen.ipynb")
    shown = shown_text(notebook)
    assert t("notebooks.stories.public_note", "nl", min_cell=10, round_to=5) in shown
    assert not PSEUDONYM.search(nbformat.writes(notebook))
    # the demo's 16 original stories: no theme in 10 of them, so the theme charts say why they are not there
    assert shown.count(t("notebooks.stories.too_few", "nl", min_cell=10, round_to=5)) == 2
    titles = [charts.title_text(spec["vconcat"][0].get("title", "")) for spec in chart_specs(notebook)]
    assert any(title.startswith("Overeenstemming tussen codeurs") for title in titles)  # agreement needs no count of people


def research_run(name: str, release_path, monkeypatch) -> nbformat.NotebookNode:
    """The notebook as a research page: not public, charts as SVG with their data, on ``release_path``."""
    monkeypatch.setenv(PUBLIC_ENV, "0")
    monkeypatch.setenv(charts.STATIC_ENV, "1")
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    at = next(i for i, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", []))
    notebook.cells.insert(at + 1, nbformat.v4.new_code_cell(f"release_path = {str(release_path)!r}"))
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return notebook


@pytest.mark.parametrize(("name", "shows"), [("05_ruilpunt.ipynb", "pseudonym"), ("06_energie.ipynb", "small counts")])
def test_the_checks_catch_what_a_research_page_shows(name, shows, public_release, monkeypatch):
    """Outside public mode the same notebooks show what the public page must hide, so the checks can fail."""
    notebook = research_run(name, public_release, monkeypatch)
    if shows == "pseudonym":
        assert PSEUDONYM.search(shown_text(notebook))  # the self-swap's account in the ledger problems
    else:
        counts = [v for spec in chart_specs(notebook) for _, v in chart_counts(spec)]
        assert any(not publishable(v) for v in counts)  # active coaches per month, 0–9
