"""Register templates: every kind in both formats, recognised by the reader, drop-downs that clean,
and a filled template that goes through the cleaning without quarantine."""

from __future__ import annotations

import datetime as dt
import zipfile
from xml.etree import ElementTree

import pandas as pd
import pytest
from odf import table, text
from odf.namespaces import TABLENS
from odf.opendocument import load as load_ods
from openpyxl import load_workbook

from werkplaats_data import clean, templates
from werkplaats_data.cli import main
from werkplaats_data.i18n import t
from werkplaats_data.pipeline import clean_registers
from werkplaats_data.read import read_register
from werkplaats_data.registers import ACTIVITY_SYNONYMS, BUILT_IN_ACTIVITIES, KINDS, activity_id
from werkplaats_data.repair import categorise_items, category_label

KEY = b"x" * 32
TABLE = f"{{{TABLENS}}}"


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("templates")
    return out, templates.write_templates(out)


def test_every_kind_gets_an_xlsx_and_an_ods(written):
    out, paths = written
    assert len(paths) == 2 * len(KINDS) == 24
    for kind in KINDS:
        for fmt in ("xlsx", "ods"):
            assert (out / f"{templates.file_stem(kind)}.{fmt}").stat().st_size > 0
    assert templates.file_stem("attendance") == "presentielijst"
    assert templates.file_stem("repairs") == "reparaties_repair_cafe"


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_reader_recognises_each_blank_template(written, kind, fmt):
    out, _ = written
    sheets = read_register(out / f"{templates.file_stem(kind)}.{fmt}")
    assert [s.kind for s in sheets] == [kind]  # instructions and lists sheets are skipped
    assert len(sheets[0].frame) == 0
    assert sheets[0].ignored_columns == []  # every header is one the reader knows


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "survey"])
def test_headers_are_the_first_synonym_below_a_title_row(written, kind):
    out, _ = written
    sheet = load_workbook(out / f"{templates.file_stem(kind)}.xlsx").worksheets[0]
    assert "Werkplaats Duurzaam" in sheet.cell(templates.TITLE_ROW, 1).value
    headers = [c.value for c in sheet[templates.HEADER_ROW]]
    assert headers == [f.headers[0] for f in KINDS[kind].fields]


def test_survey_template_reuses_the_answer_template_headers(written):
    from werkplaats_data.questionnaire import template_headers

    out, _ = written
    xlsx = load_workbook(out / "vragenlijst_motivatie.xlsx")
    assert [c.value for c in xlsx.worksheets[0][1]] == template_headers()
    assert t("templates.sheet.instructions") in xlsx.sheetnames
    assert [c.header for c in templates.columns("survey")] == template_headers()
    vfi = next(c for c in templates.columns("survey") if c.header == "vfi_1")
    assert (vfi.low, vfi.high) == (1, 7)


# --- drop-down values clean to the right canonical value -----------------------------------------

EXPECTED = {
    "role": ["visitor", "volunteer", "coordinator", "expert"],
    "repair_status": ["Fixed", "Repairable", "Repairable", "End of life", "Unknown"],
    "repair_barrier": ["Spare parts not available", "Spare parts too expensive", "No way to open the product",
                       "Repair information not available", "Lack of equipment", "Item too worn out"],
    "swap_kind": ["good", "service"],
    "greening_kind": ["facade_garden", "tiles_removed", "tree_pit", "rain_barrel", "maintenance"],
    "theme": ["circular", "energy", "greening", "culture", "learning"],
    "purpose": ["research", "exhibition_anonymous", "exhibition_first_name", "online"],
    "consent_method": ["paper", "verbal_interpreter", "digital"],
}


@pytest.mark.parametrize("field_type", list(EXPECTED))
def test_every_choice_cleans_to_its_canonical_value(field_type):
    cleaned = [clean.parse_category(v, field_type) for v in templates.CHOICES[field_type]]
    assert cleaned == EXPECTED[field_type]


def test_yes_no_and_activity_choices_clean():
    assert [clean.parse_bool(v) for v in templates.CHOICES["bool"]] == [True, False]
    codes = [activity_id(name) for name in templates.ACTIVITY_NAMES]
    assert set(codes) <= set(ACTIVITY_SYNONYMS.values()) and len(set(codes)) == len(codes)
    assert codes == list(BUILT_IN_ACTIVITIES)  # each name in the drop-down cleans to its own built-in activity


def test_category_choices_map_back_to_their_category():
    offered = templates.category_choices()
    assert {"Waterkoker", "Stofzuiger", "Fiets", "Kleding en textiel", "Koffiezetapparaat"} <= set(offered)
    mapped = categorise_items(pd.Series(offered))
    assert [category_label(c, "nl") for c in mapped] == list(offered)


# --- drop-downs are in the files ------------------------------------------------------------------

def _xlsx_lists(path):
    book = load_workbook(path)
    sheet, lists = book.worksheets[0], book[t("templates.sheet.lists")]
    assert lists.sheet_state == "hidden"
    column = {c.value: c.column_letter for c in sheet[templates.HEADER_ROW]}
    found = {}
    for check in sheet.data_validations.dataValidation:
        letter = str(check.sqref).split(":")[0].rstrip("0123456789")
        header = next(h for h, col in column.items() if col == letter)
        values = None
        if check.type == "list":
            cells = check.formula1.split("!")[1].replace("$", "")
            values = [c.value for row in lists[cells] for c in row]
        found[header] = (check.type, values, check.prompt)
    return sheet, found


def test_xlsx_has_drop_downs_date_formats_and_hints(written):
    out, _ = written
    sheet, found = _xlsx_lists(out / "reparaties_repair_cafe.xlsx")
    assert found["Resultaat"][:2] == ("list", ["Gerepareerd", "Half gerepareerd", "Advies gegeven", "Niet gerepareerd", "Onbekend"])
    assert found["Waarom niet gelukt?"][1] == list(templates.CHOICES["repair_barrier"])
    assert found["Categorie"][1] == list(templates.category_choices())
    assert found["Datum"][0] == "date" and "dag-maand-jaar" in found["Datum"][2]
    assert sheet.cell(templates.HEADER_ROW + 1, 1).number_format == "DD-MM-YYYY"
    assert found["Apparaat"][0] is None and "telefoonnummers" in found["Apparaat"][2]
    _, found = _xlsx_lists(out / "presentielijst.xlsx")
    assert found["Rol"][1] == list(templates.CHOICES["role"])
    assert found["Activiteit"][1] == list(templates.ACTIVITY_NAMES)
    _, found = _xlsx_lists(out / "toestemmingen.xlsx")
    assert found["Toestemming"][1] == ["Ja", "Nee"]
    assert found["Doel"][1] == list(templates.CHOICES["purpose"])
    assert found["Hoe gegeven"][1] == list(templates.CHOICES["consent_method"])
    _, found = _xlsx_lists(out / "ruilpunt.xlsx")
    assert found["Soort"][1] == ["Spullen", "Dienst"]
    _, found = _xlsx_lists(out / "vergroening.xlsx")
    assert found["Soort actie"][1] == list(templates.CHOICES["greening_kind"])
    _, found = _xlsx_lists(out / "activiteiten.xlsx")
    assert found["Thema"][1] == list(templates.CHOICES["theme"])


def _ods_validations(path):
    """{header: condition} of the first sheet's blank data row, read from content.xml."""
    with zipfile.ZipFile(path) as zf:
        root = ElementTree.fromstring(zf.read("content.xml"))
    conditions = {v.get(TABLE + "name"): (v.get(TABLE + "condition"), v.find(TABLE + "help-message"))
                  for v in root.iter(TABLE + "content-validation")}
    sheet = next(root.iter(TABLE + "table"))
    rows = list(sheet.iter(TABLE + "table-row"))
    headers = ["".join(c.itertext()) for c in rows[templates.HEADER_ROW - 1]]
    blank = rows[templates.HEADER_ROW]
    assert blank.get(TABLE + "number-rows-repeated") == str(templates.TEMPLATE_ROWS)
    names = [c.get(TABLE + "content-validation-name") for c in blank.iter(TABLE + "table-cell")]
    return {h: conditions[n] for h, n in zip(headers, names)}


def test_ods_has_drop_downs_and_hints(written):
    out, _ = written
    found = _ods_validations(out / "reparaties_repair_cafe.ods")
    condition, help_message = found["Resultaat"]
    assert condition == ('of:cell-content-is-in-list("Gerepareerd";"Half gerepareerd";"Advies gegeven";'
                         '"Niet gerepareerd";"Onbekend")')
    assert found["Datum"][0].startswith("of:cell-content-is-date()")
    assert "dag-maand-jaar" in "".join(found["Datum"][1].itertext())
    assert found["Apparaat"][0] is None
    assert '"Kleding en textiel"' in found["Categorie"][0]
    found = _ods_validations(out / "toestemmingen.ods")
    assert found["Toestemming"][0] == 'of:cell-content-is-in-list("Ja";"Nee")'
    found = _ods_validations(out / "vragenlijst_motivatie.ods")
    assert found["sci_1"][0] == "of:cell-content-is-whole-number() and cell-content-is-between(0,3)"


def test_instructions_explain_every_column_in_dutch_and_english():
    for kind, register in KINDS.items():
        rows = templates.instructions(kind)
        assert "Werkplaats Duurzaam" in rows[0][0]
        explained = {row[0]: row for row in rows if len(row) == 6}
        for f in register.fields:
            header, nl, en, how_nl, how_en, required = explained[f.headers[0]]
            assert nl and en and nl != en and how_nl and how_en
            assert required == ("ja" if f.required else "nee")
        flat = " ".join(" ".join(r) for r in rows)
        assert "werkplaats clean" in flat and "pseudoniem" in flat and "telefoonnummers" in flat
    assert templates.meaning("repairs", "brand", "en") == "Brand of the item."  # from the data dictionary


# --- a filled template goes through the cleaning ---------------------------------------------------

D1, D2 = dt.datetime(2024, 3, 2), dt.datetime(2024, 3, 6)
NOON, TWO, FOUR = dt.time(12, 0), dt.time(14, 0), dt.time(16, 0)
FILLED = {
    "activities": [
        ["Repair Café", "Repair Café", "Circulair", dt.datetime(2023, 2, 18), None, 0],
        ["Ruilpunt", "Swap shop", "Circulair", dt.datetime(2021, 11, 1), None, 8],
        ["Wij(k) Vergroenen", "Greening team", "Groen", dt.datetime(2021, 3, 1), None, 2.5],
    ],
    "sessions": [
        ["Repair Café", D1, NOON, TWO, "Werkplaats", 11],
        ["Ruilpunt", D2, NOON, FOUR, "Werkplaats", 9],
    ],
    "attendance": [
        ["Repair Café", D1, NOON, "Fatima El Amrani", "Vrijwilliger", 1978, "3014 AB", None, None],
        ["Repair Café", D1, None, "Jan de Vries", "Bezoeker", None, "3015 CD", None, None],
        ["Repair Café", D1, NOON, "Priya Ramdin", "Coördinator", 1969, None, None, None],
        ["Ruilpunt", D2, None, "Fatima El Amrani", "Deskundige", 1978, "3014 AB", None, None],
    ],
    "repairs": [
        [D1, "Jan de Vries", "waterkoker", "Waterkoker", "Philips", 2015, "gaat niet aan", "Gerepareerd", None, "Fatima El Amrani"],
        [D1, None, "stofzuiger", None, "Miele", None, "zuigt slecht", "Half gerepareerd", None, None],
        [D1, None, "spijkerbroek", "Kleding en textiel", None, None, "rits kapot", "Advies gegeven", None, None],
        [D1, None, "föhn", "Föhn", None, None, "ruikt verbrand", "Niet gerepareerd", "Onderdelen niet beschikbaar", None],
    ],
    "swaps": [
        [D2, "Fatima El Amrani", "Jan de Vries", "Spullen", "servies", 5],
        [D2, "Jan de Vries", "Ruilpunt", "Dienst", "fiets plakken", 3],
    ],
    "greening": [[D2, "Geveltuin", "Gaffelstraat 12", 2, "stuks"], [D2, "Tegels eruit", "Josephstraat", 14, "tegels"]],
    "consents": [["Fatima El Amrani", "data", "Onderzoek", "Ja", D1, "Papier"],
                 ["Jan de Vries", "data", "Expositie anoniem", "Nee", D1, "Mondeling met tolk"]],
    "paid_support": [["Ruilpunt", dt.datetime(2023, 1, 1), None, 8, "Rotterdam Circulair"],
                     ["Wij(k) Vergroenen", dt.datetime(2021, 3, 1), dt.datetime(2024, 12, 31), 2.5, None]],
    "energy_visits": [[D2, "Gaffelstraat 12", "Priya Ramdin", "Ledlampen, tochtstrips", 164, 50],
                      [D2, "Josephstraat 3a", "Priya Ramdin", None, None, None]],
    "solar": [["Jan de Vries", "Zonnedak Batavierenstraat", 2024, 2, 490.5],
              ["Fatima El Amrani", "Zonnedak Batavierenstraat", 2024, 1, 245]],
    "people": [["Fatima El Amrani", 1978, "3014 AB", "Ja", "06-12345678", "fatima@voorbeeld.invalid", D1],
               ["Jan de Vries", None, None, None, None, None, None]],
}


def _survey_answers(name: str, score: int) -> list:
    """One filled survey form: name, date, language, then every item (the lowest score + ``score``,
    within the scale; open questions in words)."""
    from werkplaats_data.motivation import survey_items

    answers = [min(int(row.min) + score, int(row.max)) if row.instrument != "open" else "Omdat het gezellig is."
               for row in survey_items().itertuples()]
    return [name, D1, "nl", *answers]


FILLED["survey"] = [_survey_answers("Fatima El Amrani", 1), _survey_answers("Jan de Vries", 2)]


def test_every_kind_of_register_is_filled_in_the_round_trip():
    assert set(FILLED) == set(KINDS)


def fill_xlsx(path, rows):
    """Type rows under the header, as a volunteer does in Excel (dates and times as cell values)."""
    book = load_workbook(path)
    sheet = book.worksheets[0]
    for r, values in enumerate(rows, start=templates.HEADER_ROW + 1):
        for c, value in enumerate(values, start=1):
            sheet.cell(r, c, value)
    book.save(path)


def _ods_cell(value) -> table.TableCell:
    if value is None:
        return table.TableCell()
    if isinstance(value, dt.datetime):
        cell = table.TableCell(valuetype="date", datevalue=value.strftime("%Y-%m-%d"))
        shown = value.strftime("%d-%m-%Y")
    elif isinstance(value, dt.time):
        cell = table.TableCell(valuetype="time", timevalue=value.strftime("PT%HH%MM00S"))
        shown = value.strftime("%H:%M")
    elif isinstance(value, int | float):
        cell = table.TableCell(valuetype="float", value=str(value))
        shown = str(value)
    else:
        cell = table.TableCell(valuetype="string")
        shown = value
    cell.addElement(text.P(text=shown))
    return cell


def fill_ods(path, rows):
    """Insert rows between the header and the blank rows, as LibreOffice stores typed cells."""
    doc = load_ods(str(path))
    sheet = doc.spreadsheet.getElementsByType(table.Table)[0]
    blank = sheet.getElementsByType(table.TableRow)[templates.HEADER_ROW]
    for values in rows:
        row = table.TableRow()
        for value in values:
            row.addElement(_ods_cell(value))
        sheet.insertBefore(row, blank)
    doc.save(str(path))


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_filled_templates_clean_without_quarantine(tmp_path, fmt):
    written = templates.write_templates(tmp_path, kinds=tuple(FILLED), formats=(fmt,))
    fill = fill_xlsx if fmt == "xlsx" else fill_ods
    for kind, path in zip(FILLED, written):
        fill(path, FILLED[kind])
    result = clean_registers(tmp_path, key=KEY)
    assert result.skipped == []
    assert result.quarantine.empty, result.quarantine.to_string()
    assert (result.counts["unaccounted"] == 0).all()
    assert dict(zip(result.counts["kind"], result.counts["rows_released"])) == {k: len(v) for k, v in FILLED.items()}
    tables = result.tables
    assert sorted(tables["activities"]["activity_id"]) == ["greening", "repair_cafe", "ruilpunt"]
    assert list(tables["repairs"]["repair_status"]) == ["Fixed", "Repairable", "Repairable", "End of life"]
    assert tables["repairs"]["repair_barrier"].iloc[3] == "Spare parts not available"
    assert sorted(tables["attendance"]["role"]) == ["coordinator", "expert", "visitor", "volunteer"]
    assert list(tables["sessions"]["start_time"]) == ["12:00", "12:00"]
    assert list(tables["swaps"]["kind"]) == ["good", "service"]
    assert list(tables["greening"]["kind"]) == ["facade_garden", "tiles_removed"]
    assert list(tables["consents"]["purpose"]) == ["research", "exhibition_anonymous"]
    assert list(tables["consents"]["granted"]) == [True, False]
    assert list(tables["paid_support"]["hours_per_week"]) == [8.0, 2.5]
    assert list(tables["energy_visits"]["measures"].astype(object).fillna("")) == ["led_lamps;draught_strips", ""]
    assert tables["energy_visits"]["household_id"].nunique() == 2 and tables["energy_visits"]["coach_id"].nunique() == 1
    assert list(tables["solar"]["kwh_allocated"]) == [490.5, 245.0]
    assert tables["survey_responses"]["response_id"].nunique() == 2
    assert tables["survey_responses"].groupby("response_id").size().eq(len(FILLED["survey"][0]) - 3).all()
    fatima = tables["people"].set_index("person_id").loc[tables["solar"]["person_id"].iloc[1]]
    assert fatima["birth_year_band"] == "1970-1979" and bool(fatima["lives_in_neighbourhood"])
    for table in tables.values():  # names became pseudonyms
        assert "Fatima El Amrani" not in table.to_string() and "06-12345678" not in table.to_string()


# --- the command ----------------------------------------------------------------------------------

def test_templates_command_writes_files_and_refuses_a_file_as_folder(tmp_path, capsys):
    assert main(["templates", "--out", str(tmp_path / "forms"), "--kind", "repairs", "--format", "ods"]) == 0
    assert [p.name for p in (tmp_path / "forms").iterdir()] == ["reparaties_repair_cafe.ods"]
    (tmp_path / "file.txt").write_text("x")
    assert main(["templates", "--out", str(tmp_path / "file.txt")]) == 2
    assert "geen map" in capsys.readouterr().err


def test_dutch_category_from_the_drop_down_is_released_as_the_ords_category(tmp_path):
    path = templates.write_xlsx("repairs", tmp_path / "reparaties.xlsx")
    fill_xlsx(path, FILLED["repairs"])
    fill_xlsx(templates.write_xlsx("activities", tmp_path / "activiteiten.xlsx"), FILLED["activities"])
    result = clean_registers(tmp_path, key=KEY)
    assert list(result.tables["repairs"]["product_category"]) == ["Kettle", "Vacuum", "Unpowered - Textile", "Hair dryer"]


def test_the_command_offers_the_formats_the_module_writes():
    from werkplaats_data.commands import templates as command

    assert command.FORMATS == templates.FORMATS
