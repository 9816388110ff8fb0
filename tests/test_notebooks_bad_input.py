"""The research notebooks on bad input: a release without survey answers, a period without data, no CBS.

Each notebook is run from a clean kernel with its parameters overridden in a cell right after the
``parameters`` cell (as papermill does). A cell error fails the test; the notebook must also say
in a sentence why a part is empty.
"""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

import werkplaats_data as wd
from werkplaats_data.i18n import t
from werkplaats_data.release import write_release

pytestmark = pytest.mark.slow

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
NO_DAYS = ("1990-01-01", "1990-12-31")  # long before the Werkplaats existed


def run_notebook(name: str, **parameters) -> str:
    """Run the notebook with ``parameters`` injected; all text it shows, joined."""
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    at = next(i for i, cell in enumerate(notebook.cells) if "parameters" in cell.metadata.get("tags", []))
    injected = "\n".join(f"{key} = {value!r}" for key, value in parameters.items())
    notebook.cells.insert(at + 1, nbformat.v4.new_code_cell(injected))
    NotebookClient(notebook, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    texts = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            for kind in ("text/plain", "text/markdown"):
                texts.append(output.get("data", {}).get(kind, ""))
    return "\n".join(texts)


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


def test_context_without_cbs_says_which_snapshot_year_it_shows():
    """2031 has no known StatLine table, so the snapshot is used with or without internet."""
    text = run_notebook("02_armoede_en_context.ipynb", newest_year=2031)
    assert t("context.live.snapshot", "nl", year=2018) in text
