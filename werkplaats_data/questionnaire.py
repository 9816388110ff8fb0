"""The motivation survey on paper, and the spreadsheet to type the answers into.

Both come from the one list of items (``data/survey_items.csv``, via ``motivation.survey_items``),
so the printed form, the answer template and the scoring always agree.

- ``questionnaire_html(lang)``: a self-contained HTML page (inline CSS for A4 print, no external
  files, no scripts) with the form in Dutch or English.
- ``write_answer_template(path, lang)``: an XLSX whose first sheet has exactly the survey register's
  headers (``Naam``, ``Datum``, ``Taal``, then one column per item code) and rejects answers outside
  each item's range; a second sheet lists the questions.
- ``write_survey(out, langs)``: both files per language into a folder.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from werkplaats_data.i18n import direction, t
from werkplaats_data.motivation import item_text, survey_items

FORM_LANGUAGES = ("nl", "en")
#: The survey register's first headers (registers.py, kind "survey"); item codes follow.
REGISTER_HEADERS = ("Naam", "Datum", "Taal")
INSTRUMENT_ORDER = ("vfi", "sci", "local", "open")
#: Rows of the answer template that carry data validation (one per filled-in form).
TEMPLATE_ROWS = 500

_CSS = """
@page { size: A4; margin: 15mm 14mm 16mm 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; color: #1F2A36; line-height: 1.35; margin: 0 auto; max-width: 182mm; }
h1 { font-size: 17pt; margin: 0 0 4mm; }
h2 { font-size: 13pt; margin: 7mm 0 1mm; page-break-after: avoid; }
p { margin: 0 0 2mm; }
.badge { display: inline-block; border: 1.5px solid #D55E00; color: #8A3B00; padding: 0 2mm; font-size: 9.5pt; font-weight: bold; }
.fields { display: grid; grid-template-columns: 2fr 1fr 1fr; gap: 4mm; margin: 4mm 0; }
.field { border-bottom: 1px solid #1F2A36; padding-top: 6mm; font-size: 9.5pt; }
.instruction { font-style: italic; }
table { width: 100%; border-collapse: collapse; margin-top: 2mm; }
tr { page-break-inside: avoid; }
td, th { border-bottom: 1px solid #C8CFD6; padding: 1.6mm 1mm; vertical-align: middle; }
th { font-size: 9.5pt; font-weight: normal; text-align: center; }
td.number { width: 7mm; color: #3B4B5C; }
.code { font-size: 7.5pt; color: #5B6B7C; }
td.code { width: 20mm; text-align: right; }
td.box { width: 7.5mm; text-align: center; font-size: 9pt; }
td.box span { display: inline-block; width: 6.5mm; height: 6.5mm; border: 1.2px solid #1F2A36; border-radius: 50%; line-height: 6.2mm; }
.open { border: 1px solid #1F2A36; height: 32mm; margin: 1mm 0 4mm; }
.sources { margin-top: 8mm; font-size: 8.5pt; border-top: 1px solid #C8CFD6; padding-top: 2mm; }
"""


def _scale_table(items: pd.DataFrame, lang: str) -> str:
    low, high = int(items["min"].min()), int(items["max"].max())
    head = "".join(f"<th>{v}</th>" for v in range(low, high + 1))
    rows = []
    for number, (code, text) in enumerate(zip(items["item"], item_text(items, lang)), start=1):
        boxes = "".join(f'<td class="box"><span>{v}</span></td>' for v in range(low, high + 1))
        rows.append(f'<tr><td class="number">{number}.</td><td>{escape(text)}</td>{boxes}<td class="code">{escape(code)}</td></tr>')
    return f'<table><thead><tr><th></th><th></th>{head}<th></th></tr></thead><tbody>{"".join(rows)}</tbody></table>'


def _open_questions(items: pd.DataFrame, lang: str) -> str:
    return "".join(
        f'<p><b>{number}.</b> {escape(text)} <span class="code">({escape(code)})</span></p><div class="open"></div>'
        for number, (code, text) in enumerate(zip(items["item"], item_text(items, lang)), start=1)
    )


def questionnaire_html(lang: str = "nl") -> str:
    """The printable questionnaire in ``lang`` ("nl" or "en") as one HTML page with inline CSS.

    Parts in this order: VFI (1–7), SCI-2 (0–3), the Werkplaats' own items (1–5), open questions.
    Every item shows its code (``vfi_3``) so answers can be typed into the template's matching column.
    The page states the instruments' sources and that the wording is adapted, not validated.
    """
    if lang not in FORM_LANGUAGES:
        raise ValueError(f"lang must be one of {FORM_LANGUAGES}, not {lang!r}")
    fields = "".join(f'<div class="field">{escape(t(key, lang))}</div>'
                     for key in ("survey.field.name", "survey.field.date", "survey.field.language"))
    sections = []
    for instrument in INSTRUMENT_ORDER:
        items = survey_items(instrument)
        badge = f' <span class="badge">{escape(t("survey.adapted", lang))}</span>' if instrument in ("vfi", "sci") else ""
        body = _open_questions(items, lang) if instrument == "open" else _scale_table(items, lang)
        sections.append(
            f'<section><h2>{escape(t(f"survey.section.{instrument}", lang))}{badge}</h2>'
            f'<p class="instruction">{escape(t(f"survey.instruction.{instrument}", lang))}</p>{body}</section>'
        )
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}" dir="{direction(lang)}">\n<head>\n<meta charset="utf-8">\n'
        f'<title>{escape(t("survey.title", lang))}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n'
        f'<h1>{escape(t("survey.title", lang))}</h1>\n<p>{escape(t("survey.intro", lang))}</p>\n'
        f'<p>{escape(t("survey.privacy", lang))}</p>\n<div class="fields">{fields}</div>\n'
        + "\n".join(sections)
        + f'\n<p><b>{escape(t("survey.thanks", lang))}</b></p>\n'
        f'<div class="sources"><b>{escape(t("survey.sources.title", lang))}</b><br>{escape(t("survey.sources.text", lang))}</div>\n'
        "</body>\n</html>\n"
    )


def template_headers() -> list[str]:
    """The answer template's headers: ``Naam``, ``Datum``, ``Taal``, then every item code in form order."""
    items = survey_items()
    ordered = pd.concat([items[items["instrument"] == i] for i in INSTRUMENT_ORDER])
    return [*REGISTER_HEADERS, *ordered["item"]]


def write_answer_template(path: str | Path, *, lang: str = "nl") -> Path:
    """Write the XLSX answer template to ``path`` and return it.

    Sheet 1 (answers): the register headers, one row per filled-in form; each numeric item column
    accepts only whole numbers from the item's min to max (or an empty cell), ``Datum`` only dates.
    Each item header carries the question as a cell comment. Sheet 2 (items): code, question in
    ``lang``, allowed answers, source.
    """
    items = survey_items().set_index("item")
    headers = template_headers()
    book = Workbook()
    answers = book.active
    answers.title = t("survey.template.answers_sheet", lang)
    answers.append(headers)
    answers.freeze_panes = "B2"
    last = TEMPLATE_ROWS + 1
    date_check = DataValidation(type="date", operator="greaterThan", formula1="DATE(2000,1,1)", allow_blank=True,
                                showErrorMessage=True, errorTitle=t("survey.template.error_title", lang),
                                error=t("survey.template.date_error", lang))
    date_check.add(f"B2:B{last}")
    answers.add_data_validation(date_check)
    checks: dict[tuple[int, int], DataValidation] = {}
    for col, code in enumerate(headers, start=1):
        cell = answers.cell(row=1, column=col)
        cell.font = Font(bold=True)
        answers.column_dimensions[get_column_letter(col)].width = 22 if col <= 3 or code.startswith("open_") else 9
        if code not in items.index:
            continue
        item = items.loc[code]
        cell.comment = Comment(item_text(items.loc[[code]], lang).iloc[0], "Werkplaats Duurzaam")
        if pd.isna(item["min"]):
            continue
        low, high = int(item["min"]), int(item["max"])
        if (low, high) not in checks:
            checks[(low, high)] = DataValidation(
                type="whole", operator="between", formula1=str(low), formula2=str(high), allow_blank=True,
                showErrorMessage=True, errorTitle=t("survey.template.error_title", lang),
                error=t("survey.template.error", lang, min=low, max=high),
            )
            answers.add_data_validation(checks[(low, high)])
        letter = get_column_letter(col)
        checks[(low, high)].add(f"{letter}2:{letter}{last}")
    for row in range(2, last + 1):
        answers.cell(row=row, column=2).number_format = "DD-MM-YYYY"

    guide = book.create_sheet(t("survey.template.items_sheet", lang))
    guide.append([t("survey.template.help", lang)])
    guide.append([t(f"survey.template.{key}", lang) for key in ("column", "question", "allowed", "source")])
    for cell in guide[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E3E7EB")
    for code in headers[3:]:
        item = items.loc[code]
        allowed = (t("survey.template.free_text", lang) if pd.isna(item["min"])
                   else t("survey.template.range", lang, min=int(item["min"]), max=int(item["max"])))
        guide.append([code, item_text(items.loc[[code]], lang).iloc[0], allowed, item["source"]])
    for letter, width in zip("ABCD", (26, 70, 30, 60)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    book.properties.creator = "Werkplaats Duurzaam"
    book.properties.created = dt.datetime(2024, 1, 1)  # fixed, so the same kit writes the same file
    path = Path(path)
    book.save(path)
    return path


def write_survey(out: str | Path, *, langs: tuple[str, ...] = FORM_LANGUAGES) -> list[Path]:
    """Write ``vragenlijst-<lang>.html`` and ``antwoorden-<lang>.xlsx`` per language into ``out``; returns the paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for lang in langs:
        page = out / f"vragenlijst-{lang}.html"
        page.write_text(questionnaire_html(lang), encoding="utf-8")
        written += [page, write_answer_template(out / f"antwoorden-{lang}.xlsx", lang=lang)]
    return written
