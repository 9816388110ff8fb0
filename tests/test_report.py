"""Tests for werkplaats_data.report: offline HTML, no pseudonym or name, a PDF with pages."""

from __future__ import annotations

import re

import nbformat
import pandas as pd
import pytest

from werkplaats_data import report
from werkplaats_data.errors import UserError
from werkplaats_data.release import load_release, write_release

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


def test_find_in_files_finds_ids_in_any_case_and_names_as_written_and_names_the_file(tmp_path):
    (tmp_path / "a.html").write_text("<p>P_ABC and Amina, KARIM de vries</p>", encoding="utf-8")
    (tmp_path / "b.html").write_text("<p>nothing</p>", encoding="utf-8")
    assert report.find_in_files(tmp_path, {"p_abc", "Amina", "Karim", "Karim de Vries"}) == {
        "a.html": ["amina", "karim de vries", "p_abc"]}
    (tmp_path / "c.html").write_text("<p>Ik ben er en ik wil helpen.</p>", encoding="utf-8")
    assert "c.html" not in report.find_in_files(tmp_path, {"Ben", "Wil"})  # verbs, not the names Ben and Wil


def test_find_in_files_matches_whole_words_only(tmp_path):
    # false positives: a name inside a longer word
    (tmp_path / "words.html").write_text("<p>Nieuwe modellen in januari, een banaan, Elsa en Janssen</p>", encoding="utf-8")
    assert report.find_in_files(tmp_path, {"Els", "Jan", "Ana"}) == {}
    # true positives: the name as a word, as names are written, also next to punctuation, tags and entities
    (tmp_path / "names.html").write_text("<td>ELS</td><p>(Jan),</p><p>O&#x27;Brien en Ana.</p><text>v-11</text>",
                                         encoding="utf-8")
    assert report.find_in_files(tmp_path, {"Els", "Jan", "Ana", "O'Brien", "V-11", "V-1"}) == {
        "names.html": ["ana", "els", "jan", "o'brien", "v-11"]}


def test_person_id_columns_come_from_the_schemas():
    columns = report.person_id_columns()
    assert columns["stories"] == ["teller", "collector"] and columns["story_codings"] == ["coder"]
    assert columns["swaps"] == ["giver_id", "receiver_id"] and columns["energy_visits"] == ["household_id", "coach_id"]
    assert {"people", "attendance", "solar", "survey_responses", "consents"} <= set(columns)
    assert "story_selections" not in columns  # its 'panel' is a group, not a person


def test_person_ids_include_story_tellers_collectors_and_coders(tmp_path):
    from werkplaats_data import schemas

    stories = schemas.empty_table("stories")
    stories.loc[0, ["story_id", "teller", "collector"]] = ["S-1", "T-001", "V-02"]
    codings = pd.DataFrame({"story_id": ["S-1", "S-1"], "coder": ["V-11", "V-12"]})
    swaps = pd.DataFrame({"swap_id": ["s1"], "giver_id": ["p_1"], "receiver_id": [schemas.ORGANISATION_ACCOUNT]})
    release = load_release(write_release({"stories": stories, "story_codings": codings, "swaps": swaps}, tmp_path / "r"))
    assert report.person_ids(release) == {"T-001", "V-02", "V-11", "V-12", "p_1"}  # the shop's own account is no person


def test_redaction_names_are_whole_names_and_their_words(tmp_path):
    (tmp_path / "redaction.csv").write_text("term,kind,replacement\nKarel de Kanarie,person,\nOBS De Piet,school,\n",
                                            encoding="utf-8")
    assert report.redaction_names(tmp_path) == {"Karel de Kanarie", "Karel", "Kanarie"}
    assert report.redaction_names(tmp_path / "redaction.csv") == report.redaction_names(tmp_path)
    assert report.redaction_names(tmp_path / "elders") == set() and report.redaction_names(None) == set()


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


def notebook(path, *, leak: str | None = None):
    """A small research notebook: a chart through charts.show, a table, and whether it ran in public mode.
    ``leak`` is a line of code whose output leaks something (pseudonyms)."""
    code = ("import werkplaats_data as wd\nfrom werkplaats_data import charts, privacy\nimport altair as alt\n"
            "r = wd.load_release(release_path)\ncounts = r.sessions.groupby('activity_id').size().rename('n').reset_index()\n"
            "charts.show(alt.Chart(counts).mark_bar().encode(x='n:Q', y='activity_id:N'))")
    cells = [nbformat.v4.new_markdown_cell("# Bijeenkomsten per activiteit\nBron: [CBS](https://www.cbs.nl/). "
                                           "Nieuwe modellen in januari; Elsa telde."),
             nbformat.v4.new_code_cell("release_path = None\npublic = None", metadata={"tags": ["parameters"]}),
             nbformat.v4.new_code_cell(code),
             nbformat.v4.new_code_cell("print('public mode:', privacy.public_mode(public))"),
             nbformat.v4.new_code_cell(leak or "counts")]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)
    return path


PLAN = """titel: Werkplan test
jaar: 2025
doelen: [Meer reparaties, "Karim leert nieuwe vrijwilligers repareren"]
projectleider: {rol: projectleider, betaalde_uren_per_week: 16}
activiteiten:
  - {activiteit: repair_cafe, eigenaar: Karim de Vries, rol_eigenaar: vrijwilliger Karim, status: loopt,
     risicos: [als Fatima stopt valt het textiel stil],
     per_kwartaal: {Q1: {bijeenkomsten: 6, bereik: 60}, najaar: {bijeenkomsten: 2, bereik: 10}}}
  - {activiteit: Textiel, eigenaar: Fatima, rol_eigenaar: coördinator, status: loopt, betaalde_uren_per_week: 4,
     per_kwartaal: {Q1: {bijeenkomsten: 7, bereik: 80}}}
  - {activiteit: ruilpunt, eigenaar: Joost, rol_eigenaar: vrijwilliger, status: loopt}
  - {activiteit: workshops, eigenaar: Els, rol_eigenaar: vrijwilliger, status: loopt}
"""


@pytest.mark.slow
def test_report_is_offline_without_pseudonyms_or_names_and_prints(tmp_path):
    release = small_release(tmp_path / "release")
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    out = tmp_path / "report"
    result = report.build_report(out, data=release, plan=plan, notebooks=[notebook(tmp_path / "nb.ipynb")], pdf=False)
    assert result.failed == []
    review = result.review.read_text(encoding="utf-8")
    page = result.notebooks[0].read_text(encoding="utf-8")
    for text in (review, page):
        assert report.outside_references(text) == []
        assert "<script" not in text
        assert "Voorbeelddata" in text  # demo banner
    assert "<svg" in review and "<svg" in page  # charts as inline SVG, not a widget
    assert "public mode: True" in page  # the notebook ran in public mode (WERKPLAATS_PUBLIC=1)
    # the to-fix box names the bad quarter and the unknown activities, and the rest is still reviewed
    assert "Te verbeteren in het plan" in review and "najaar" in review and "ruilpunt" in review
    assert "Repair Café" in review and "Werkplaats Textiel" in review  # 'Textiel' matched to textiel
    # repair_cafe runs with volunteers only: flagged, and the missing project leader is named
    coordination = review.split('id="coordination"')[1].split('id="support"')[0]
    assert "Repair Café" in coordination and "Er is nu geen projectleider" in coordination
    # no pseudonym and no name anywhere: not of owners (every word), not in roles, risks or goals
    names = {"Karim", "Vries", "Fatima", "Joost", "Els"}
    assert report.find_in_files(out, set(PEOPLE) | names) == {}
    plan_part = review.split('id="plan"')[1].split('id="progress"')[0]
    assert "<td>vrijwilliger</td>" in plan_part and "<td>coördinator</td>" in plan_part
    assert "als [naam] stopt" in review and "[naam] leert" in review  # owners' names left out of risks and goals
    # no invented initials and a footnote that matches what is shown
    assert "(K.)" not in review and "(F.)" not in review
    assert "geen telling van mensen" in review


@pytest.mark.slow
def test_a_pseudonym_in_a_notebook_stops_the_report(tmp_path):
    release = small_release(tmp_path / "release")
    with pytest.raises(UserError, match="pseudoniem"):
        report.build_report(tmp_path / "report", data=release, pdf=False,
                            notebooks=[notebook(tmp_path / "nb.ipynb", leak="r.attendance.person_id.head(3).tolist()")])
    # the page with the pseudonyms is not left behind; the review (clean) is
    assert not (tmp_path / "report" / "notebooks" / "nb.html").exists()
    assert (tmp_path / "report" / report.REVIEW_FILE).exists()


@pytest.mark.slow
def test_a_story_coder_pseudonym_stops_the_report(tmp_path):
    release = small_release(tmp_path / "release")  # demo: the notebooks see the demo stories' codings
    leak = "from werkplaats_data import stories\nsorted(stories.tables_for(r)['story_codings']['coder'].unique())"
    with pytest.raises(UserError, match=r"notebooks/nb\.html: .*v-11"):
        report.build_report(tmp_path / "report", data=release, pdf=False, notebooks=[notebook(tmp_path / "nb.ipynb", leak=leak)])


@pytest.mark.slow
def test_a_plan_without_a_year_still_gives_the_review(tmp_path, capsys):
    from werkplaats_data import cli

    release = small_release(tmp_path / "release")
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN.replace("jaar: 2025\n", ""), encoding="utf-8")
    out = tmp_path / "report"
    assert cli.main(["report", "--data", str(release), "--plan", str(plan), "--out", str(out), "--no-notebooks", "--no-pdf"]) == 0
    review = (out / report.REVIEW_FILE).read_text(encoding="utf-8")
    fix = review.split('id="fix"')[1].split('id="goals"')[0]
    assert "Het jaar ontbreekt" in fix and "Dit overzicht gebruikt daarom 2025, het jaar van de laatste gegevens." in fix
    assert "Werkplaats Textiel" in review.split('id="progress"')[1]  # and the rest is still there


def honours_public_mode(path) -> bool:
    """True when the notebook's parameters cell has ``public`` (``werkplaats report`` sets it through the environment)."""
    nb = nbformat.read(path, as_version=4)
    return any("parameters" in c.metadata.get("tags", []) and re.search(r"^public\s*=", c.source, re.M) for c in nb.cells)


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(report.NOTEBOOKS_DIR.glob("*.ipynb")), ids=lambda p: p.stem)
def test_every_research_notebook_passes_the_leak_scan_in_public_mode(path, public_notebook, public_release, tmp_path):
    """The real notebooks on the demo release (``notebook_runs.public_notebook``: run once, as ``werkplaats
    report`` runs them), each page scanned as the report scans it: no pseudonym (people, story tellers,
    collectors, coders …), no owner's name, no name from the stories' redaction list, nothing from outside."""
    from werkplaats_data import workplan
    from werkplaats_data.stories import DEMO_STORIES_DIR

    assert honours_public_mode(path), f"{path.name} has no `public = None` in its parameters cell"
    page = tmp_path / f"{path.stem}.html"
    page.write_text(report.notebook_html(public_notebook(path.name), title=path.stem, lang="nl", demo=True), encoding="utf-8")
    release = load_release(public_release)
    names = report.redaction_names(DEMO_STORIES_DIR)
    private = workplan.review(workplan.read_plan(workplan.demo_plan_path()), release, also_private=names).private_names
    assert report.find_in_files(tmp_path, report.person_ids(release) | private) == {}
    assert report.outside_references(page.read_text(encoding="utf-8")) == []
    assert "<svg" in page.read_text(encoding="utf-8") and "vega-lite/v5.json" not in page.read_text(encoding="utf-8")  # SVG only, no spec


@pytest.mark.slow
def test_the_review_pdf_has_pages(tmp_path, chromium, monkeypatch):
    """Needs Chromium: skipped without it, but a failure when WERKPLAATS_REQUIRE_BROWSER is set (CI)."""
    monkeypatch.setenv("CHROMIUM", chromium)
    release = small_release(tmp_path / "release")
    result = report.build_report(tmp_path / "report", data=release, notebooks=[], pdf=True)
    assert result.pdf is not None and result.pdf.read_bytes().startswith(b"%PDF")
    assert report.pdf_page_count(result.pdf) >= 2
    assert 'href="werkplan_review.pdf"' in result.review.read_text(encoding="utf-8")


@pytest.mark.slow
def test_notebooks_read_their_stories_from_the_folder_given(tmp_path):
    folder = tmp_path / "verhalen"
    folder.mkdir()
    notebook = tmp_path / "show.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import os; print(os.environ.get('WERKPLAATS_STORIES'), os.environ.get('WERKPLAATS_PUBLIC'))")]), notebook)
    done = report.execute_notebook(notebook, release_path=tmp_path, stories=folder)
    assert done.cells[0].outputs[0]["text"].split() == [str(folder), "1"]
