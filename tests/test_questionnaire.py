"""The printed questionnaire, the answer template and ``werkplaats survey``."""

import datetime as dt
from html import escape

import pytest
from openpyxl import load_workbook

from werkplaats_data import questionnaire as q
from werkplaats_data.cli import main
from werkplaats_data.motivation import survey_items
from werkplaats_data.read import read_register


@pytest.mark.parametrize("lang, column", [("nl", "text_nl"), ("en", "text_en")])
def test_questionnaire_has_every_item_with_its_code(lang, column):
    page = q.questionnaire_html(lang)
    items = survey_items()
    assert all(escape(text) in page for text in items[column])
    assert all(f">{code}<" in page or f"({code})" in page for code in items["item"])
    assert f'<html lang="{lang}"' in page


def test_questionnaire_is_self_contained_a4_and_says_adapted():
    page = q.questionnaire_html("nl")
    for external in ("http://", "https://", "<link", "<script", "src=", "@import"):
        assert external not in page
    assert "size: A4" in page
    assert "Aangepaste versie – niet gevalideerd" in page
    assert "Clary" in page and "Chavis" in page and "Niebuur" in page
    with pytest.raises(ValueError):
        q.questionnaire_html("fr")


def test_template_headers_are_the_register_headers(tmp_path):
    path = q.write_answer_template(tmp_path / "a.xlsx", lang="en")
    sheet = load_workbook(path).worksheets[0]
    headers = [c.value for c in sheet[1]]
    assert headers[:3] == ["Naam", "Datum", "Taal"]
    assert headers[3:6] == ["vfi_1", "vfi_2", "vfi_3"]
    assert sorted(headers[3:]) == sorted(survey_items()["item"])
    assert headers == q.template_headers()


def test_template_validates_answer_ranges(tmp_path):
    sheet = load_workbook(q.write_answer_template(tmp_path / "a.xlsx")).worksheets[0]
    column = {c.value: c.column_letter for c in sheet[1]}
    ranges = {}
    for check in sheet.data_validations.dataValidation:
        for cells in str(check.sqref).split():
            ranges[cells.split(":")[0].rstrip("0123456789")] = (check.type, check.formula1, check.formula2)
    assert ranges[column["vfi_30"]] == ("whole", "1", "7")
    assert ranges[column["sci_1"]] == ("whole", "0", "3")
    assert ranges[column["local_saving_money"]] == ("whole", "1", "5")
    assert ranges[column["Datum"]][0] == "date"
    assert column["open_why"] not in ranges and column["Naam"] not in ranges


def test_filled_in_template_is_read_as_a_survey_register(tmp_path):
    path = q.write_answer_template(tmp_path / "antwoorden.xlsx")
    book = load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    row = {"Naam": "Fatima", "Datum": dt.datetime(2024, 3, 12), "Taal": "nl", "vfi_3": 6, "sci_1": 2, "open_why": "Gezellig"}
    for col, header in enumerate(headers, start=1):
        sheet.cell(row=2, column=col, value=row.get(header))
    book.save(path)
    sheets = read_register(path)
    assert [s.kind for s in sheets] == ["survey"]
    frame = sheets[0].frame
    assert {"vfi_3", "sci_1", "open_why"} <= set(frame.columns)
    assert len(frame) == 1 and frame["vfi_3"].iloc[0] == 6


def test_survey_command_writes_files_and_refuses_a_file_as_folder(tmp_path, capsys):
    assert main(["survey", "--out", str(tmp_path / "forms"), "--lang", "en"]) == 0
    assert sorted(p.name for p in (tmp_path / "forms").iterdir()) == ["antwoorden-en.xlsx", "vragenlijst-en.html"]
    (tmp_path / "file.txt").write_text("x")
    assert main(["survey", "--out", str(tmp_path / "file.txt")]) == 2
    assert "geen map" in capsys.readouterr().err


def test_write_survey_writes_a_page_and_a_template_per_language(tmp_path):
    out = tmp_path / "new" / "forms"  # made when missing
    paths = q.write_survey(out)
    assert [p.name for p in paths] == ["vragenlijst-nl.html", "antwoorden-nl.xlsx", "vragenlijst-en.html", "antwoorden-en.xlsx"]
    assert all(p.parent == out and p.stat().st_size > 0 for p in paths)
    assert '<html lang="nl"' in paths[0].read_text(encoding="utf-8")
    assert '<html lang="en"' in paths[2].read_text(encoding="utf-8")
    assert load_workbook(paths[3]).worksheets[1].title == "Items"  # English sheet names in the English template
    assert load_workbook(paths[1]).worksheets[1].title == "Vragen"
    again = q.write_survey(out, langs=("en",))  # writing again replaces, and only what is asked
    assert [p.name for p in again] == ["vragenlijst-en.html", "antwoorden-en.xlsx"]
    assert again[0].read_text(encoding="utf-8") == q.questionnaire_html("en")
