"""The reader: formats, encodings, delimiters, header rows, merged cells, totals, kinds, bad files."""

import openpyxl
import pandas as pd
import pytest

from werkplaats_data import read
from werkplaats_data.read import ReadError, detect_kind, find_header_row, read_register, sniff_delimiter, sniff_encoding

REPAIR_HEADER = ["Datum", "Naam bezoeker", "Apparaat", "Merk", "Wat is er kapot?", "Resultaat"]
ROWS = [["3-2-2024", "Ria Demo", "Föhn", "Philips", "gaat niet aan", "Gerepareerd"],
        ["3 feb. 2024", "Olga Proef", "Lamp", "", "flikkert", "niet gerepareerd"]]


def _csv(path, rows, *, delimiter=",", encoding="utf-8"):
    text = "\n".join(delimiter.join(str(c) for c in r) for r in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding, delimiter", [("cp1252", ";"), ("utf-8-sig", ","), ("utf-8", "\t"), ("utf-8", "|")])
def test_csv_encoding_and_delimiter_are_sniffed(tmp_path, encoding, delimiter):
    path = _csv(tmp_path / "reparaties.csv", [REPAIR_HEADER] + ROWS, delimiter=delimiter, encoding=encoding)
    [sheet] = read_register(path)
    assert sheet.kind == "repairs"
    assert sheet.frame["item"].tolist() == ["Föhn", "Lamp"]  # ö survives cp1252 and the BOM is gone
    assert list(sheet.frame.columns[:2]) == ["date", "visitor_name"]


def test_header_found_below_title_rows_and_row_numbers_match_the_spreadsheet(tmp_path):
    rows = [["Registratie Repair Café 2024"], [""], REPAIR_HEADER, ROWS[0], [""] * 6, ROWS[1]]
    [sheet] = read_register(_csv(tmp_path / "rc.csv", rows))
    assert sheet.frame.index.tolist() == [4, 6]  # line 5 is empty and dropped; numbers are the file's lines


def test_the_fast_csv_reader_takes_a_plain_file_and_gives_way_on_uneven_rows(tmp_path):
    plain = _csv(tmp_path / "rc.csv", [["Registratie 2024"], REPAIR_HEADER, ROWS[0], [""] * 6, ROWS[1]])
    fast = read._csv_grid_arrow(plain, "utf-8-sig", ",", plain.read_text().splitlines())
    assert fast is not None and fast.index.tolist() == [2, 3, 4, 5]  # from the header row down, file lines
    uneven = _csv(tmp_path / "rc2.csv", [REPAIR_HEADER, ROWS[0], ROWS[1][:4]])  # a short last row
    assert read._csv_grid_arrow(uneven, "utf-8-sig", ",", uneven.read_text().splitlines()) is None
    [sheet] = read_register(uneven)  # the careful reader pads it: nothing is lost
    assert sheet.frame.index.tolist() == [2, 3] and sheet.frame["item"].tolist() == ["Föhn", "Lamp"]


def test_windows_1252_cells_after_the_sniffed_utf8_part_are_still_read(tmp_path):
    path = tmp_path / "reparaties.csv"
    utf8_part = "\n".join([",".join(REPAIR_HEADER)] + [",".join(ROWS[0])] * 20_000) + "\n"  # > the 256 kB sniffed
    late = ",".join(ROWS[1]).replace("Lamp", "Lamp Ü") + "\n"
    path.write_bytes(utf8_part.encode("utf-8") + late.encode("cp1252"))
    [sheet] = read_register(path)
    assert sheet.frame["item"].iloc[0] == "Föhn" and sheet.frame["item"].iloc[-1] == "Lamp Ü"


def test_totals_row_is_marked(tmp_path):
    rows = [REPAIR_HEADER] + ROWS + [["Totaal", "", "2 apparaten", "", "", ""]]
    [sheet] = read_register(_csv(tmp_path / "rc.csv", rows))
    assert sheet.is_total.tolist() == [False, False, True]


def test_a_name_starting_with_som_is_not_a_totals_row(tmp_path):
    rows = [["Naam", "Geboortejaar", "Postcode"], ["Sommer Voorbeeld", "1970", "3014 AB"], ["Som", "", ""]]
    [sheet] = read_register(_csv(tmp_path / "deelnemers.csv", rows))
    assert sheet.is_total.tolist() == [False, True]


def test_xlsx_every_sheet_merged_cells_and_instruction_sheets(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Uitleg"
    ws.append(["Vul per bijeenkomst de namen in."])
    for year in ("2023", "2024"):
        ws = wb.create_sheet(year)
        ws.append(["Presentielijst energiecoaches"])
        ws.append(["Activiteit", "Datum", "Naam", "Rol"])
        ws.append(["Energiecoaches", f"6-9-{year}", "Kees Proef", "coach"])
        ws.append([None, None, "Ria Demo", "coach"])
        ws.merge_cells("A3:A4")
        ws.merge_cells("B3:B4")
    path = tmp_path / "presentie.xlsx"
    wb.save(path)
    sheets = read_register(path)
    assert [s.sheet for s in sheets] == ["2023", "2024"]  # the instructions sheet is no register
    frame = sheets[1].frame
    assert frame["date"].tolist() == ["6-9-2024", "6-9-2024"]  # merged cell fills both rows
    assert frame["activity"].tolist() == ["Energiecoaches"] * 2
    assert sheets[0].kind == "attendance"


def test_ods(tmp_path):
    path = tmp_path / "groen.ods"
    pd.DataFrame([["Datum", "Soort actie", "Straat", "Aantal"], ["1-3-2024", "geveltuin", "Gaffelstraat 3", 2]]).to_excel(
        path, engine="odf", header=False, index=False, sheet_name="Acties")
    [sheet] = read_register(path)
    assert sheet.kind == "greening" and sheet.frame["street"].tolist() == ["Gaffelstraat 3"]


def test_kind_can_be_overridden(tmp_path):
    path = _csv(tmp_path / "lijst.csv", [["Naam", "Postcode"], ["Ria Demo", "3014 AB"]])
    [sheet] = read_register(path, kind="people")
    assert sheet.kind == "people"


def test_kind_from_headers():
    assert detect_kind(["Naam", "Project", "Jaar", "Aandelen", "kWh"], "x.csv")[0] == "solar"
    assert detect_kind(["Activiteit", "Datum", "Naam", "Rol"], "x.csv")[0] == "attendance"
    assert detect_kind(["Activiteit", "Datum", "Begintijd", "Eindtijd"], "x.csv")[0] == "sessions"


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.mark.parametrize("content, words", [
    (b"", "leeg"),
    (OLE + b"\x00" * 600, "wachtwoord"),
    (OLE + b"\x00" * 600 + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 64, "Versleutelen met wachtwoord"),
    (b"PK\x03\x04 not really a zip", "beschadigd"),
    (bytes(range(256)) * 4, "geen echt Excel-bestand"),
])
def test_unreadable_files_give_one_plain_line(tmp_path, content, words):
    path = tmp_path / "register.xlsx"
    path.write_bytes(content)
    with pytest.raises(ReadError) as err:
        read_register(path)
    assert words in str(err.value) and "register.xlsx" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_row_with_a_delimiter_too_many_after_line_30_is_marked_not_the_whole_file_refused(tmp_path):
    rows = [REPAIR_HEADER] + [ROWS[0]] * 40 + [ROWS[1][:2] + ["Lamp; klein"] + ROWS[1][3:]] + [ROWS[1]] * 3
    path = _csv(tmp_path / "rc.csv", [[c.replace("; ", ";") for c in r] for r in rows], delimiter=";")
    [sheet] = read_register(path)
    assert len(sheet.frame) == 44  # every row is there
    assert sheet.too_wide[sheet.too_wide].index.tolist() == [42]  # line 42 has one cell too many
    assert sheet.frame.loc[43, "item"] == "Lamp"


def test_an_unnamed_extra_column_on_most_rows_is_no_error(tmp_path):
    rows = [REPAIR_HEADER] + [ROWS[0] + ["opmerking"]] * 40 + [ROWS[1]]
    [sheet] = read_register(_csv(tmp_path / "rc.csv", rows))
    assert not sheet.too_wide.any() and len(sheet.frame) == 41


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le"])
def test_utf16_unicode_text_from_excel_is_read(tmp_path, encoding):
    path = _csv(tmp_path / "reparaties.txt", [REPAIR_HEADER] + ROWS + [["4-2-2024", "محمد علي", "Радио", "", "ruis", "gerepareerd"]],
                delimiter="\t", encoding=encoding)
    [sheet] = read_register(path)
    assert sheet.kind == "repairs"
    assert sheet.frame["item"].tolist() == ["Föhn", "Lamp", "Радио"] and sheet.frame["visitor_name"].iloc[2] == "محمد علي"


def _workbook_with_a_2023_sheet():
    """A workbook whose first sheet '2023' is a good repairs register of one row."""
    wb = openpyxl.Workbook()
    wb.active.title = "2023"
    wb.active.append(REPAIR_HEADER)
    wb.active.append(ROWS[0])
    return wb


def test_a_sheet_that_cannot_be_read_is_named_with_its_rows_while_the_others_are_read(tmp_path):
    wb = _workbook_with_a_2023_sheet()
    ws = wb.create_sheet("2024")
    ws.append(["Reparaties 2024"])
    ws.append(REPAIR_HEADER[:-1] + ["Uitslag"])  # 'Uitslag' is no header the reader knows
    for row in ROWS * 3:
        ws.append(row)
    notes = wb.create_sheet("Opmerkingen")
    notes.append(["Vergeet de sleutel niet."])
    hidden = wb.create_sheet("Lijstjes")
    hidden.append(["Gerepareerd", "Niet gerepareerd"])
    hidden.sheet_state = "hidden"
    path = tmp_path / "reparaties.xlsx"
    wb.save(path)
    sheets, problems = read.read_sheets(path)
    assert [s.sheet for s in sheets] == ["2023"]
    [problem] = problems  # the notes page and the hidden list hold no register rows: passed over
    assert "blad '2024'" in problem and "'Resultaat' ontbreekt" in problem and "'Uitslag'" in problem
    assert "8 regels niet gelezen" in problem  # every filled row: title, header and six records


def test_a_one_column_list_of_names_is_reported_not_passed_over_as_notes(tmp_path):
    wb = _workbook_with_a_2023_sheet()
    names = wb.create_sheet("Leden")
    for row in (["Naam"], ["Ria Demo"], ["Kees Proef"]):
        names.append(row)
    path = tmp_path / "register.xlsx"
    wb.save(path)
    _, [problem] = read.read_sheets(path)
    assert "blad 'Leden'" in problem and "3 regels niet gelezen" in problem


def _ods_with_merged_dates(path):
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import CoveredTableCell, Table, TableCell, TableRow
    from odf.text import P

    def cell(value, **attributes):
        c = TableCell(valuetype="string", **attributes)
        c.addElement(P(text=value))
        return c

    doc = OpenDocumentSpreadsheet()
    sheet = Table(name="Presentie")
    rows = [[cell("Presentielijst energiecoaches – voorbeeld")], [],
            [cell(h) for h in ("Activiteit", "Datum", "Naam", "Rol")],
            [cell("Energiecoaches", numberrowsspanned="3"), cell("6-9-2024", numberrowsspanned="3"),
             cell("Kees Proef"), cell("coach")],
            [CoveredTableCell(), CoveredTableCell(), cell("Ria Demo"), cell("coach")],
            [CoveredTableCell(), CoveredTableCell(), cell("Olga Proef"), cell("coach")],
            [cell("Energiecoaches"), cell("4-10-2024"), cell("Sven Demo", numbercolumnsspanned="2"), CoveredTableCell()]]
    for cells in rows:
        row = TableRow()
        for c in cells:
            row.addElement(c)
        sheet.addElement(row)
    doc.spreadsheet.addElement(sheet)
    doc.save(str(path))
    return path


def test_ods_merged_cells_below_a_title_row_fill_every_row_they_cover(tmp_path):
    [sheet] = read_register(_ods_with_merged_dates(tmp_path / "presentie.ods"))
    assert sheet.kind == "attendance" and sheet.frame.index.tolist() == [4, 5, 6, 7]
    assert sheet.frame["date"].tolist() == ["6-9-2024"] * 3 + ["4-10-2024"]
    assert sheet.frame["activity"].tolist() == ["Energiecoaches"] * 4
    assert sheet.frame["role"].tolist()[3] == "Sven Demo"  # a merge across columns repeats the value too


def test_ods_merges_counts_repeated_rows_and_cells():
    content = (b'<d xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"><table:table table:name="A">'
               b'<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>'
               b'<table:table-row><table:table-cell table:number-columns-repeated="2"/>'
               b'<table:table-cell table:number-rows-spanned="2" table:number-columns-spanned="3"/></table:table-row>'
               b'</table:table></d>')
    assert read.ods_merges(content) == {"A": [(3, 2, 2, 3)]}


def test_a_password_protected_ods_says_so_and_how_to_remove_the_password(tmp_path):
    import zipfile

    path = tmp_path / "deelnemers.ods"
    with zipfile.ZipFile(path, "w") as zf:  # how LibreOffice stores a file saved with a password
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", bytes(range(256)) * 8)
        zf.writestr("META-INF/manifest.xml", '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                    'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data '
                    'manifest:checksum-type="SHA1/1K"/></manifest:file-entry></manifest:manifest>')
    with pytest.raises(ReadError) as err:
        read_register(path)
    assert "wachtwoord" in str(err.value) and "Opslaan met wachtwoord" in str(err.value)
    assert "UnicodeDecodeError" not in str(err.value)


def test_unknown_file_kind_and_unknown_headers(tmp_path):
    pdf = tmp_path / "foto.pdf"
    pdf.write_bytes(b"%PDF-1.4 ...")
    with pytest.raises(ReadError, match="onbekend soort bestand"):
        read_register(pdf)
    odd = _csv(tmp_path / "boodschappen.csv", [["Product", "Prijs"], ["melk", "1,20"]], delimiter=";")
    with pytest.raises(ReadError, match="kopregel"):
        read_register(odd)


def test_missing_required_column_is_named(tmp_path):
    path = _csv(tmp_path / "ruilpunt.csv", [["Datum", "Gever", "Ontvanger", "Soort"], ["1-3-2024", "A B", "C D", "spullen"]])
    with pytest.raises(ReadError, match="'Punten' ontbreekt"):
        read_register(path, kind="swaps")


def test_sniffers():
    assert sniff_encoding("Föhn".encode("cp1252")) == "cp1252"
    assert sniff_encoding("\ufeffFöhn".encode("utf-8")) == "utf-8-sig"
    assert sniff_delimiter("a;b;c\n1;2,5;3\n") == ";"
    assert find_header_row([["Titel"], [], ["Datum", "Naam", "Rol"]]) == 2
