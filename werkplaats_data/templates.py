"""Blank registers to fill in: one XLSX and one ODS per register kind, with drop-down lists.

Every template has the same three parts:

- the register sheet: a title row, then the header row with the *first* header of each field
  (``registers.KINDS[kind].fields[i].headers[0]``, the header the reader knows best), then empty
  rows; categorical columns offer a drop-down list of Dutch values the cleaner maps to canonical
  values, date columns show dates as dag-maand-jaar, and every column shows a short hint when a
  cell is selected;
- the sheet "Uitleg – Instructions": what each column means and how to fill it in (Dutch first,
  English beside it), what not to write, and how to clean the register;
- (XLSX only) a hidden sheet with the drop-down lists; ODS keeps the lists inside the validation.

The survey's XLSX is the answer template of ``questionnaire.write_answer_template`` with the
instructions sheet added; its ODS has the same headers (``questionnaire.template_headers``).
All text for people comes from the translation table (keys ``templates.*``).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from odf import number, style, table, text
from odf.opendocument import OpenDocumentSpreadsheet
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from werkplaats_data import questionnaire
from werkplaats_data.clean import EARLIEST
from werkplaats_data.i18n import t
from werkplaats_data.motivation import survey_items
from werkplaats_data.registers import BUILT_IN_ACTIVITIES, CATEGORY_CHOICES, KINDS, Field, RegisterKind
from werkplaats_data.repair import UNPOWERED_CATEGORIES, categorise_item, category_label, product_categories
from werkplaats_data.schemas import data_dictionary

#: Empty rows that carry the drop-downs, date format and hints (one per record).
TEMPLATE_ROWS = 500
#: The register sheet: title on row 1, headers on row 2, records from row 3.
TITLE_ROW, HEADER_ROW = 1, 2
FORMATS = ("xlsx", "ods")

#: Activities as the Werkplaats' registers name them: the Dutch names of ``registers.BUILT_IN_ACTIVITIES``.
ACTIVITY_NAMES = tuple(name_nl for name_nl, _, _ in BUILT_IN_ACTIVITIES.values())
#: Drop-down values per field type: Dutch words that ``clean.parse_category`` maps to one canonical value each.
CHOICES: dict[str, tuple[str, ...]] = {
    **CATEGORY_CHOICES,
    "bool": ("Ja", "Nee"),
    "activity": ACTIVITY_NAMES,
}
#: Units of a greening action (schemas: "Stuks, tegels of m²").
GREENING_UNITS = ("stuks", "tegels", "m²")


@dataclass(frozen=True)
class TemplateColumn:
    """One column of a template: its header, the field type, and what the sheet checks."""

    header: str
    type: str
    choices: tuple[str, ...] = ()
    strict: bool = True  # False: the list suggests values but other words are allowed (a warning)
    low: int | None = None  # whole numbers from low to high (survey items)
    high: int | None = None


def category_choices() -> tuple[str, ...]:
    """Dutch names of the repair product categories (ORDS plus unpowered), for the 'Categorie' drop-down.

    Rule: a category is offered under its Dutch name from the translation table
    (``repair.category_label``) only when ``repair.categorise_item`` maps that name back to the same
    category, so every offered word is understood by the kit's item matching.
    """
    categories = [*product_categories()["product_category"], *UNPOWERED_CATEGORIES]
    labels = {c: category_label(c, "nl") for c in categories}
    return tuple(sorted(label for c, label in labels.items() if categorise_item(label) == c))


def _column(kind: RegisterKind, f: Field) -> TemplateColumn:
    header = f.headers[0]
    if (kind.name, f.name) == ("activities", "name_nl"):
        return TemplateColumn(header, "activity", ACTIVITY_NAMES, strict=False)
    if (kind.name, f.name) == ("repairs", "product_category"):
        return TemplateColumn(header, "category", category_choices(), strict=False)
    if (kind.name, f.name) == ("greening", "unit"):
        return TemplateColumn(header, "text", GREENING_UNITS, strict=False)
    if f.type in CHOICES:
        return TemplateColumn(header, f.type, CHOICES[f.type], strict=f.type != "activity")
    return TemplateColumn(header, f.type)


def columns(kind: str) -> list[TemplateColumn]:
    """The template's columns for a register kind, in the register's field order.

    For ``survey``: Naam, Datum, Taal, then one column per item code, each accepting the whole
    numbers of its scale (open questions: free text).
    """
    register = KINDS[kind]
    if kind != "survey":
        return [_column(register, f) for f in register.fields]
    items = survey_items().set_index("item")
    out = [_column(register, f) for f in register.fields]
    for code in questionnaire.template_headers()[len(out):]:
        low, high = items.at[code, "min"], items.at[code, "max"]
        out.append(TemplateColumn(code, "text") if pd.isna(low) else TemplateColumn(code, "int", low=int(low), high=int(high)))
    return out


def file_stem(kind: str) -> str:
    """The file name without extension: the register's Dutch title in lower case ('Presentielijst' → 'presentielijst')."""
    s = unicodedata.normalize("NFKD", KINDS[kind].title_nl).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def _title(kind: str) -> str:
    register = KINDS[kind]
    return t("templates.title", "nl", nl=register.title_nl, en=register.title_en)


# --- what each column means ------------------------------------------------------------------------

def _primary_table(kind: str) -> str:
    from werkplaats_data.pipeline import PRIMARY_TABLE

    return PRIMARY_TABLE[kind]


def meaning(kind: str, field_name: str, lang: str) -> str:
    """What a column means, for the instructions sheet.

    Rule: the template's own sentence (``templates.field.<field>``) when the translation table has one
    (written for volunteers, e.g. for names and dates); otherwise the description of the same column in
    the release's data dictionary (``schemas.data_dictionary``); for survey items, the item's code.
    """
    try:
        return t(f"templates.field.{field_name}", lang)
    except KeyError:
        pass
    dictionary = data_dictionary().set_index(["table", "column"])
    key = (_primary_table(kind), field_name)
    if key in dictionary.index:
        return dictionary.at[key, f"description_{lang}"]
    if kind == "survey":
        return t("templates.field.survey_item", lang)
    raise KeyError(f"no meaning for {kind}.{field_name}: add templates.field.{field_name} to i18n.csv")


def _hint(column: TemplateColumn, lang: str) -> str:
    if column.low is not None:
        return t("templates.type.scale", lang, low=column.low, high=column.high)
    if column.choices:
        return t("templates.type.choice" if column.strict else "templates.type.suggestion", lang)
    return t(f"templates.type.{column.type}", lang)


def hint(column: TemplateColumn) -> str:
    """The short hint shown when a cell of the column is selected: Dutch, then English."""
    return f"{_hint(column, 'nl')} / {_hint(column, 'en')}"


def instructions(kind: str) -> list[list[str]]:
    """The rows of the instructions sheet: title, the rules in Dutch and English, then one row per column.

    Column rows: header, meaning (nl), meaning (en), how to fill it in (nl), (en), required (ja/nee).
    Survey item columns are summed up in one row (the questions are on the paper form).
    """
    register = KINDS[kind]
    rows = [[t("templates.instructions.title", "nl", title=_title(kind))], []]
    for lang in ("nl", "en"):
        rows.append([t("templates.instructions.heading", lang)])
        for rule in ("rows", "lists", "dates", "names", "private", "empty", "clean"):
            rows.append([t(f"templates.rule.{rule}", lang, file=file_stem(kind))])
        rows.append([])
    rows.append([t(f"templates.column.{c}", "nl") + " / " + t(f"templates.column.{c}", "en")
                 for c in ("header", "meaning_nl", "meaning_en", "how_nl", "how_en", "required")])
    by_header = {c.header: c for c in columns(kind)}
    for f in register.fields:
        column = by_header[f.headers[0]]
        rows.append([column.header, meaning(kind, f.name, "nl"), meaning(kind, f.name, "en"),
                     _hint(column, "nl"), _hint(column, "en"), t("templates.yes" if f.required else "templates.no", "nl")])
    if kind == "survey":
        rows.append([t("templates.survey.items", "nl"), t("templates.field.survey_item", "nl"),
                     t("templates.field.survey_item", "en"), t("templates.type.scale_any", "nl"),
                     t("templates.type.scale_any", "en"), t("templates.no", "nl")])
    return rows


# --- XLSX ----------------------------------------------------------------------------------------

_HEADER_FILL = PatternFill("solid", fgColor="E3E7EB")
_FIXED_DATE = dt.datetime(2024, 1, 1)  # the same kit writes the same file


def _xlsx_validation(column: TemplateColumn, list_range: str | None) -> DataValidation:
    prompt = dict(showInputMessage=True, promptTitle=column.header[:32], prompt=hint(column)[:255], allow_blank=True)
    if list_range:
        return DataValidation(type="list", formula1=list_range, showErrorMessage=True,
                              errorStyle="stop" if column.strict else "warning",
                              errorTitle=t("templates.error.title", "nl"),
                              error=t("templates.error.list", "nl") + " / " + t("templates.error.list", "en"), **prompt)
    if column.type == "date":
        return DataValidation(type="date", operator="greaterThan", formula1=f"DATE({EARLIEST.year},1,1)",
                              showErrorMessage=True, errorTitle=t("templates.error.title", "nl"),
                              error=hint(column), **prompt)
    if column.low is not None:
        return DataValidation(type="whole", operator="between", formula1=str(column.low), formula2=str(column.high),
                              showErrorMessage=True, errorTitle=t("templates.error.title", "nl"), error=hint(column), **prompt)
    return DataValidation(**prompt)


_NUMBER_FORMATS = {"date": "DD-MM-YYYY", "time": "HH:MM"}


def _write_instructions_xlsx(book: Workbook, kind: str) -> None:
    sheet = book.create_sheet(t("templates.sheet.instructions", "nl"))
    for row in instructions(kind):
        sheet.append(row)
    sheet["A1"].font = Font(bold=True, size=14)
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if cell.row > 1 and cell.column == 1 and cell.value and len(row) > 1 and row[1].value:
                cell.font = Font(bold=True)
    for letter, width in zip("ABCDEF", (26, 45, 45, 32, 32, 12)):
        sheet.column_dimensions[letter].width = width


def write_xlsx(kind: str, path: str | Path) -> Path:
    """Write the XLSX template of ``kind`` to ``path`` (see the module docstring) and return the path."""
    path = Path(path)
    if kind == "survey":
        questionnaire.write_answer_template(path, lang="nl")
        book = load_workbook(path)
        _write_instructions_xlsx(book, kind)
        book.save(path)
        return path
    cols = columns(kind)
    book = Workbook()
    sheet = book.active
    sheet.title = KINDS[kind].title_nl
    sheet.cell(TITLE_ROW, 1, _title(kind)).font = Font(bold=True, size=14)
    lists = book.create_sheet(t("templates.sheet.lists", "nl"))
    lists.sheet_state = "hidden"
    first, last = HEADER_ROW + 1, HEADER_ROW + TEMPLATE_ROWS
    list_column = 0
    for i, column in enumerate(cols, start=1):
        letter = get_column_letter(i)
        cell = sheet.cell(HEADER_ROW, i, column.header)
        cell.font, cell.fill = Font(bold=True), _HEADER_FILL
        sheet.column_dimensions[letter].width = max(14, len(column.header) + 4)
        list_range = None
        if column.choices:
            list_column += 1
            list_letter = get_column_letter(list_column)
            lists.cell(1, list_column, t("templates.list_label", "nl", header=column.header))
            for j, value in enumerate(column.choices, start=2):
                lists.cell(j, list_column, value)
            list_range = f"'{lists.title}'!${list_letter}$2:${list_letter}${len(column.choices) + 1}"
        check = _xlsx_validation(column, list_range)
        check.add(f"{letter}{first}:{letter}{last}")
        sheet.add_data_validation(check)
        if column.type in _NUMBER_FORMATS:
            for row in range(first, last + 1):
                sheet.cell(row, i).number_format = _NUMBER_FORMATS[column.type]
    sheet.freeze_panes = sheet.cell(first, 1)
    _write_instructions_xlsx(book, kind)
    book.move_sheet(lists, offset=1)  # hidden lists last
    book.properties.creator = "Werkplaats Duurzaam"
    book.properties.created = _FIXED_DATE
    book.save(path)
    return path


# --- ODS -----------------------------------------------------------------------------------------

def _ods_quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def ods_condition(column: TemplateColumn) -> str | None:
    """The OpenFormula condition of a column's validation, or None when any value is fine."""
    if column.choices:
        return "of:cell-content-is-in-list(" + ";".join(_ods_quote(v) for v in column.choices) + ")"
    if column.type == "date":
        serial = (EARLIEST - dt.date(1899, 12, 30)).days
        return f"of:cell-content-is-date() and cell-content()>{serial}"
    if column.low is not None:
        return f"of:cell-content-is-whole-number() and cell-content-is-between({column.low},{column.high})"
    return None


def _ods_styles(doc: OpenDocumentSpreadsheet) -> dict[str, style.Style]:
    date_style = number.DateStyle(name="N_date")
    for part in (number.Day(style="long"), number.Text(text="-"), number.Month(style="long"),
                 number.Text(text="-"), number.Year(style="long")):
        date_style.addElement(part)
    time_style = number.TimeStyle(name="N_time")
    for part in (number.Hours(style="long"), number.Text(text=":"), number.Minutes(style="long")):
        time_style.addElement(part)
    header = style.Style(name="header", family="table-cell")
    header.addElement(style.TableCellProperties(backgroundcolor="#E3E7EB"))
    header.addElement(style.TextProperties(fontweight="bold"))
    title = style.Style(name="title", family="table-cell")
    title.addElement(style.TextProperties(fontweight="bold", fontsize="14pt"))
    wrap = style.Style(name="wrap", family="table-cell")
    wrap.addElement(style.TableCellProperties(wrapoption="wrap", verticalalign="top"))
    styles = {"header": header, "title": title, "wrap": wrap,
              "date": style.Style(name="date", family="table-cell", datastylename="N_date"),
              "time": style.Style(name="time", family="table-cell", datastylename="N_time")}
    for width in (3, 5, 8):
        col = style.Style(name=f"col{width}", family="table-column")
        col.addElement(style.TableColumnProperties(columnwidth=f"{width}cm"))
        styles[f"col{width}"] = col
    for element in (date_style, time_style, *styles.values()):
        doc.automaticstyles.addElement(element)
    return styles


def _text_cell(value: str, cell_style: style.Style | None = None) -> table.TableCell:
    cell = table.TableCell(valuetype="string", stylename=cell_style) if cell_style else table.TableCell(valuetype="string")
    cell.addElement(text.P(text=value))
    return cell


def _validation(name: str, column: TemplateColumn) -> table.ContentValidation:
    condition = ods_condition(column)
    attributes = dict(name=name, allowemptycell="true")
    if condition:
        attributes["condition"] = condition
    if column.choices:
        attributes["displaylist"] = "unsorted"
    check = table.ContentValidation(**attributes)
    help_message = table.HelpMessage(title=column.header, display="true")
    help_message.addElement(text.P(text=hint(column)))
    check.addElement(help_message)
    if condition:
        error = table.ErrorMessage(title=t("templates.error.title", "nl"), display="true",
                                   messagetype="stop" if column.strict else "warning")
        error.addElement(text.P(text=t("templates.error.list", "nl") + " / " + t("templates.error.list", "en")
                                if column.choices else hint(column)))
        check.addElement(error)
    return check


def write_ods(kind: str, path: str | Path) -> Path:
    """Write the ODS template of ``kind`` to ``path`` (see the module docstring) and return the path."""
    cols = columns(kind)
    doc = OpenDocumentSpreadsheet()
    styles = _ods_styles(doc)
    validations = table.ContentValidations()
    for i, column in enumerate(cols):
        validations.addElement(_validation(f"v{i}", column))
    doc.spreadsheet.addElement(validations)

    sheet = table.Table(name=KINDS[kind].title_nl)
    sheet.addElement(table.TableColumn(numbercolumnsrepeated=len(cols), stylename=styles["col5"]))
    title_row = table.TableRow()
    title_row.addElement(_text_cell(_title(kind), styles["title"]))
    header_row = table.TableRow()
    for column in cols:
        header_row.addElement(_text_cell(column.header, styles["header"]))
    blank_row = table.TableRow(numberrowsrepeated=TEMPLATE_ROWS)
    for i, column in enumerate(cols):
        cell_style = styles.get(column.type) if column.type in ("date", "time") else None
        attributes = dict(contentvalidationname=f"v{i}")
        if cell_style:
            attributes["stylename"] = cell_style
        blank_row.addElement(table.TableCell(**attributes))
    for row in (title_row, header_row, blank_row):
        sheet.addElement(row)
    doc.spreadsheet.addElement(sheet)

    guide = table.Table(name=t("templates.sheet.instructions", "nl"))
    for width in (5, 8, 8, 5, 5, 3):
        guide.addElement(table.TableColumn(stylename=styles[f"col{width}"]))
    for values in instructions(kind):
        row = table.TableRow()
        for value in values:
            row.addElement(_text_cell(value, styles["wrap"]))
        guide.addElement(row)
    doc.spreadsheet.addElement(guide)
    path = Path(path)
    doc.save(str(path))
    return path


# --- all of them ---------------------------------------------------------------------------------

def write_templates(out: str | Path, *, kinds: tuple[str, ...] = tuple(KINDS), formats: tuple[str, ...] = FORMATS) -> list[Path]:
    """Write ``<file_stem>.xlsx`` and ``.ods`` for every register kind into ``out``; returns the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    writers = {"xlsx": write_xlsx, "ods": write_ods}
    return [writers[fmt](kind, out / f"{file_stem(kind)}.{fmt}") for kind in kinds for fmt in formats]
