"""The research notebooks on bad input and in public mode.

Bad input: a release without survey answers, a period without data, no CBS. Each notebook is run
from a clean kernel with its parameters overridden in a cell right after the ``parameters`` cell
(as papermill does). A cell error fails the test; the notebook must also say in a sentence why a
part is empty.

Public mode: notebooks 01–03 as ``werkplaats report`` runs them (``notebook_runs.public_notebook``,
each run once per session); the executed outputs hold no pseudonym and the tables of people show
the small-cell numbers, not the exact ones.
"""

import nbformat
import pytest
from nbclient import NotebookClient

import werkplaats_data as wd
from werkplaats_data import motivation, participation, report
from werkplaats_data.i18n import t
from werkplaats_data.notebook import small_cell_rule
from werkplaats_data.release import write_release

from notebook_runs import NOTEBOOKS, PSEUDONYM, shown, shown_text

pytestmark = pytest.mark.slow

NO_DAYS = ("1990-01-01", "1990-12-31")  # long before the Werkplaats existed
#: Run in the kernel before the notebook: a cbsodata that fails like a machine without internet.
NO_INTERNET = '''import sys, types
_fake = types.ModuleType("cbsodata")
def _no_internet(*args, **kwargs):
    raise ConnectionError("simulated: opendata.cbs.nl could not be reached")
_fake.get_data = _fake.get_meta = _no_internet
sys.modules["cbsodata"] = _fake'''


def execute(name: str, *, code: str = "", **parameters) -> nbformat.NotebookNode:
    """The notebook executed with ``code`` and ``parameters`` injected right after its parameters cell."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    at = next(i for i, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", []))
    injected = "\n".join([code, *(f"{key} = {value!r}" for key, value in parameters.items())])
    notebook.cells.insert(at + 1, nbformat.v4.new_code_cell(injected))
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return notebook


def run_notebook(name: str, **parameters) -> str:
    """Run the notebook with ``parameters`` injected; all text it shows, joined."""
    return shown_text(execute(name, **parameters))


@pytest.fixture(scope="module")
def without_survey(tmp_path_factory) -> str:
    """The demo release written again without its survey_responses table."""
    demo = wd.load_release()
    tables = {name: table for name, table in demo.tables.items() if name != "survey_responses"}
    return str(write_release(tables, tmp_path_factory.mktemp("release") / "no-survey", demo=True))


def test_motivation_without_survey_says_so(without_survey):
    assert t("notebooks.no_survey", "nl") in run_notebook("03_motivatie.ipynb", release_path=without_survey)


def test_stories_without_survey_say_there_is_nothing_to_compare(without_survey):
    text = run_notebook("08_verhalen.ipynb", release_path=without_survey)
    assert t("notebooks.no_survey_or_stories", "nl") in text


@pytest.mark.parametrize(("notebook", "message"), [
    ("01_participatie.ipynb", "participation.no_data"),
    ("04_repair_cafe.ipynb", "repair.no_data"),
    ("05_ruilpunt.ipynb", "ruilpunt.no_data"),
    ("06_energie.ipynb", "energy.no_data"),
    ("07_groen.ipynb", "greening.no_data"),
    ("08_verhalen.ipynb", "stories.no_data"),
])
def test_a_period_without_data_is_said_and_skipped(notebook, message):
    assert t(message, "nl") in run_notebook(notebook, period=NO_DAYS)


def test_motivation_in_a_period_without_forms_says_so():
    text = run_notebook("03_motivatie.ipynb", start=NO_DAYS[0], end=NO_DAYS[1])
    assert t("notebooks.no_survey", "nl") in text
    assert t("motivation.sentence.stories_none", "nl") in text


def test_context_when_cbs_fails_for_2024_says_which_years_it_shows():
    """cbsodata raises as without internet: the snapshot and the shipped 2024 figures are shown, and said."""
    text = run_notebook("02_armoede_en_context.ipynb", code=NO_INTERNET, lang="en")
    assert t("context.series.from_snapshot", "en", years="2014–2018") in text
    assert t("context.reason.offline", "en", detail="ConnectionError") in text
    assert "2024: only the shipped single figures" in text
    assert "Households with a low income in 2017: 24.5% in Oude Westen" in text  # the snapshot's newest year
    assert "51.8% (2024)" in text and "24.5% (2017)" in text  # the newest-figures table says the year of each


def test_context_for_years_without_a_statline_table_says_so():
    text = run_notebook("02_armoede_en_context.ipynb", code=NO_INTERNET, first_year=2017, last_year=2031)
    assert t("context.reason.no_table", "nl") in text
    assert "2026–2031" in text


# --- public mode -------------------------------------------------------------------------------------

def test_the_pseudonym_pattern_covers_every_id_of_the_release(public_release):
    ids = report.person_ids(wd.load_release(public_release))
    assert {i[:2] for i in ids} == {"p_", "h_", "T-", "V-"}  # people, households, tellers, collectors and coders
    assert all(PSEUDONYM.fullmatch(i) for i in ids)


@pytest.mark.parametrize("name", ["01_participatie.ipynb", "02_armoede_en_context.ipynb", "03_motivatie.ipynb"])
def test_public_notebooks_show_no_pseudonym(public_notebook, name):
    everything = nbformat.writes(public_notebook(name))  # outputs, SVG charts and their data included
    assert "<svg" in everything
    assert not PSEUDONYM.search(everything)


def test_public_participation_shows_small_cell_counts(public_notebook):
    text = shown_text(public_notebook("01_participatie.ipynb"))
    release = wd.load_release()
    life = participation.person_lifecycle(release.attendance, release.sessions, release.people)
    assert shown(participation.status_counts(life, public=True)) in text
    assert shown(participation.status_counts(life)) not in text
    conversions = participation.conversions(release.attendance, release.sessions)
    assert shown(participation.conversion_summary(conversions, public=True)) in text
    assert shown(participation.conversion_summary(conversions)) not in text
    assert "fewer than 10 volunteers a month" in text  # the main finding, energy coaches
    coordinators = participation.key_person_table(release.attendance, release.sessions, roles=("coordinator",))
    assert shown(coordinators) not in text
    assert small_cell_rule("nl").data in text  # the rule, said once from privacy's numbers


def test_public_motivation_shows_small_cell_counts(public_notebook):
    text = shown_text(public_notebook("03_motivatie.ipynb"))
    responses = wd.load_release().survey_responses
    assert shown(motivation.survey_overview(responses, public=True)) in text
    assert "minder dan 10" in text
    vfi = motivation.vfi_scores(responses)
    assert shown(motivation.scale_summary(vfi, by="language", public=True).round(2)) in text
    assert shown(motivation.scale_summary(vfi, by="language").round(2)) not in text
