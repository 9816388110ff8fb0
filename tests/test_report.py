"""Tests for werkplaats_data.report: offline HTML, no pseudonym or name, a PDF with pages."""

from __future__ import annotations

import nbformat
import pandas as pd
import pytest

from werkplaats_data import report
from werkplaats_data.errors import UserError
from werkplaats_data.release import write_release

PEOPLE = [f"p_{i:016x}" for i in range(1, 31)]


def test_strip_outside_references_leaves_nothing_to_fetch():
    page = ('<link rel="stylesheet" href="https://cdn.example.org/x.css">'
            '<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>'
            '<script type="text/javascript" src="https://cdn.jsdelivr.net/npm/mathjax@2/MathJax.js"></script>'
            "<style>@import url('https://fonts.example.org/a.css'); body{background:url(https://x.org/b.png)}</style>"
            '<img src="http://x.org/c.png"><a href="https://www.cbs.nl/">CBS</a> <a href="#local">here</a>'
            '<script src="http://localhost:8888/ok.js"></script>')
    assert len(report.outside_references(page)) == 7  # the CBS link counts too
    clean = report.strip_outside_references(page)
    assert report.outside_references(clean) == []
    assert "CBS (https://www.cbs.nl/)" in clean  # the link stays readable as text
    assert 'href="#local"' in clean and "localhost:8888" in clean


def test_find_in_files_is_case_insensitive_and_names_the_file(tmp_path):
    (tmp_path / "a.html").write_text("<p>P_ABC and amina</p>", encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>nothing</p>", encoding="utf-8")
    assert report.find_in_files(tmp_path, {"p_abc", "Amina", "Karim"}) == {"a.html": ["amina", "p_abc"]}


def small_release(path):
    """Two activities, 2024–2025, 30 pseudonymised people; textiel has paid support, repair_cafe none."""
    activities = pd.DataFrame({
        "activity_id": ["repair_cafe", "textiel"], "name_nl": ["Repair Café", "Werkplaats Textiel"],
        "name_en": ["Repair Café", "Textile workshop"], "theme": ["circular", "circular"],
        "started": pd.to_datetime(["2023-01-01", "2023-09-01"]), "ended": pd.NaT,
        "paid_support_hours_per_week": [0.0, 4.0]})
    sessions, attendance = [], []
    for i, date in enumerate(pd.date_range("2024-01-05", "2025-05-30", freq="14D")):
        for activity in ("repair_cafe", "textiel"):
            sid = f"{activity}_{i}"
            sessions.append((sid, activity, date, "10:00", "12:00", None, 12))
            for person in PEOPLE[i % 5: i % 5 + 3]:
                attendance.append((sid, person, "volunteer"))
            for person in PEOPLE[10 + i % 15: 10 + i % 15 + 4]:
                attendance.append((sid, person, "visitor"))
    sessions = pd.DataFrame(sessions, columns=["session_id", "activity_id", "date", "start_time", "end_time",
                                               "location", "visitors_count"]).astype({"visitors_count": "Int64"})
    attendance = pd.DataFrame(attendance, columns=["session_id", "person_id", "role"])
    paid = pd.DataFrame({"activity_id": ["textiel"], "start": pd.to_datetime(["2023-09-01"]), "end": pd.NaT,
                         "hours_per_week": [4.0], "funder": ["gemeente"]})
    people = pd.DataFrame({"person_id": PEOPLE, "birth_year_band": None, "lives_in_neighbourhood": True,
                           "first_seen": pd.NaT})
    return write_release({"activities": activities, "sessions": sessions, "attendance": attendance,
                          "paid_support": paid, "people": people}, path, demo=True)


def notebook(path, *, leak: bool = False):
    """A small research notebook: a chart through charts.show and a table; with ``leak`` it prints pseudonyms."""
    code = ("import werkplaats_data as wd\nfrom werkplaats_data import charts\nimport altair as alt\n"
            "r = wd.load_release(release_path)\ncounts = r.sessions.groupby('activity_id').size().rename('n').reset_index()\n"
            "charts.show(alt.Chart(counts).mark_bar().encode(x='n:Q', y='activity_id:N'))")
    cells = [nbformat.v4.new_markdown_cell("# Bijeenkomsten per activiteit\nBron: [CBS](https://www.cbs.nl/)."),
             nbformat.v4.new_code_cell("release_path = None", metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell(code),
             nbformat.v4.new_code_cell("r.attendance.person_id.head(3).tolist()" if leak else "counts")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


@pytest.mark.slow
def test_report_is_offline_without_pseudonyms_and_prints(tmp_path):
    release = small_release(tmp_path / "release")
    plan = tmp_path / "plan.yaml"
    plan.write_text(
        "titel: Werkplan test\njaar: 2025\nprojectleider: {rol: projectleider, betaalde_uren_per_week: 16}\n"
        "activiteiten:\n"
        "  - {activiteit: repair_cafe, eigenaar: Karim, rol_eigenaar: vrijwilliger, status: loopt,\n"
        "     per_kwartaal: {Q1: {bijeenkomsten: 6, bereik: 60}, najaar: {bijeenkomsten: 2}}}\n"
        "  - {activiteit: textiel, eigenaar: Amina, status: loopt, betaalde_uren_per_week: 4,\n"
        "     per_kwartaal: {Q1: {bijeenkomsten: 7, bereik: 80}}}\n"
        "  - {activiteit: ruilpunt, eigenaar: Joost, status: loopt}\n", encoding="utf-8")
    out = tmp_path / "report"
    result = report.build_report(out, data=release, plan=plan, notebooks=[notebook(tmp_path / "nb.ipynb")],
                                 pdf=False)
    assert result.failed == []
    review = result.review.read_text(encoding="utf-8")
    page = result.notebooks[0].read_text(encoding="utf-8")
    for text in (review, page):
        assert report.outside_references(text) == []
        assert "<script" not in text
        assert "Voorbeelddata" in text  # demo banner
    assert "<svg" in review and "<svg" in page  # charts as inline SVG, not a widget
    # the to-fix box names the bad quarter and the unknown activity, and the rest is still reviewed
    assert "Te verbeteren in het plan" in review and "najaar" in review and "ruilpunt" in review
    assert "Repair Café" in review and "Werkplaats Textiel" in review
    # repair_cafe runs with volunteers only: flagged, and the missing project leader is named
    coordination = review.split('id="coordination"')[1].split('id="support"')[0]
    assert "Repair Café" in coordination and "Er is nu geen projectleider" in coordination
    # no pseudonym and no owner's name anywhere; owners as initials
    assert report.find_in_files(out, set(PEOPLE) | {"Karim", "Amina", "Joost"}) == {}
    assert "vrijwilliger (K.)" in review


@pytest.mark.slow
def test_a_pseudonym_in_a_notebook_stops_the_report(tmp_path):
    release = small_release(tmp_path / "release")
    with pytest.raises(UserError, match="pseudoniem"):
        report.build_report(tmp_path / "report", data=release, notebooks=[notebook(tmp_path / "nb.ipynb", leak=True)],
                            pdf=False)


@pytest.mark.slow
def test_the_review_pdf_has_pages(tmp_path, chromium, monkeypatch):
    monkeypatch.setenv("CHROMIUM", chromium)
    release = small_release(tmp_path / "release")
    result = report.build_report(tmp_path / "report", data=release, notebooks=[], pdf=True)
    assert result.pdf is not None and result.pdf.read_bytes().startswith(b"%PDF")
    assert report.pdf_page_count(result.pdf) >= 2
    assert 'href="werkplan_review.pdf"' in result.review.read_text(encoding="utf-8")
