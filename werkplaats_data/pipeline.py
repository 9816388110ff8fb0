"""Raw registers → canonical tables + quarantine + cleaning report.

The steps, for every sheet of every register in a folder:
1. ``read.read_sheets`` gives raw values under field names, with spreadsheet row numbers (a sheet
   that cannot be read is named in ``skipped`` with its reason);
2. each field is cleaned by its type (``clean``); names, phone numbers, e-mail and addresses become
   HMAC pseudonyms (``privacy``) and are then dropped;
3. the register's rows become rows of canonical tables (a presence list gives ``attendance`` and
   ``people`` rows, a survey row gives one ``survey_responses`` row per answered item, …);
4. every table is validated against its pandera schema and the references between tables.
A row that fails any step goes to the quarantine with file, sheet, row, column, original value and
reason (NL/EN). Per sheet: rows in = rows released + rows quarantined.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.errors
from pandera.pandas import DataFrameSchema
import pyarrow as pa
import pyarrow.compute as pc

from werkplaats_data import clean, i18n, privacy, schemas
from werkplaats_data.errors import message
from werkplaats_data.read import RawSheet, ReadError, read_sheets
from werkplaats_data.registers import BUILT_IN_ACTIVITIES, KINDS, SURVEY_ITEM, activity_id

PROVENANCE = ["_file", "_sheet", "_row"]
QUARANTINE_COLUMNS = ["file", "sheet", "row", "column", "value", "reason_nl", "reason_en"]
QUARANTINE_DIR = "quarantaine"
#: PC4 areas of Oude Westen (approximation: 3014 and 3015 also cover parts of neighbouring buurten).
OUDE_WESTEN_PC4 = ("3014", "3015")
ORGANISATION_NAMES = {"ruilpunt", "ruilpunt oude westen", "winkel", "voorraad", "werkplaats", "organisatie"}
#: Which canonical table a register's rows are counted in.
PRIMARY_TABLE = {
    "activities": "activities", "paid_support": "paid_support", "sessions": "sessions", "attendance": "attendance",
    "repairs": "repairs", "swaps": "swaps", "energy_visits": "energy_visits", "greening": "greening",
    "solar": "solar", "survey": "survey_responses", "consents": "consents", "people": "people",
}

#: Registers of what has happened: a date after the day of cleaning is a typo. (Sessions, activities and
#: paid support may be planned up to a year ahead.)
PAST_ONLY = {"attendance", "repairs", "swaps", "energy_visits", "greening", "solar", "survey", "consents", "people"}
#: A time cell that may hold a range ('12.00-14.00'): the range's end fills the end-time column.
TIME_RANGES = {("sessions", "start_time"): "end_time"}

#: Registers whose text is combined into ids and messages (small ones), so it is plain strings in ``_build``.
TEXT_AS_STRINGS = {"activities", "paid_support", "sessions", "attendance", "people"}

#: Ids the kit numbers itself (date + running number over the whole table): unique by construction,
#: so validation does not hash a million of them again.
RUNNING_IDS = {"repairs": ("repair_id", "rc"), "swaps": ("swap_id", "sw"), "energy_visits": ("visit_id", "ev"),
               "greening": ("action_id", "gr")}


@dataclass
class CleanResult:
    """Everything one cleaning run produced."""

    tables: dict[str, pd.DataFrame]
    quarantine: pd.DataFrame
    counts: pd.DataFrame  # per sheet: file, sheet, kind, rows_in, rows_released, rows_quarantined
    skipped: list[str] = field(default_factory=list)  # files or sheets that could not be read, one plain line each
    sources: dict[str, list[dict]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the report should say besides the counts


# --- step 2: fields -------------------------------------------------------------------------------

def _street(value: object) -> str | None:
    """A street name without house number ('Josephstraat 12a' → 'Josephstraat')."""
    text = clean.normalise_text(value)
    if text is None:
        return None
    return re.sub(r"\s+\d.*$", "", text) or None


def _measures(value: object) -> str | None:
    """Energy measures as codes separated by ';' ('Ledlampen, tochtstrips' → 'led_lamps;draught_strips')."""
    from werkplaats_data.energy import measure_code

    text = clean.normalise_text(value)
    if text is None:
        return None
    return ";".join(measure_code(part) for part in re.split(r"[;,/+]| en ", text) if part.strip())


def _cleaner(field_type: str):
    simple = {
        "date": clean.parse_date, "time": clean.parse_time, "number": clean.parse_number, "int": clean.parse_int,
        "bool": clean.parse_bool, "text": clean.normalise_text, "postcode": clean.parse_postcode,
        "street": _street, "measures": _measures,
        "activity": lambda v: None if clean.is_empty(v) else activity_id(clean.normalise_text(v)),
    }
    if field_type in simple:
        return simple[field_type]
    return lambda v: clean.parse_category(v, field_type)


def _field_types(sheet: RawSheet) -> dict[str, str]:
    kind = KINDS[sheet.kind]
    types = {f.name: f.type for f in kind.fields}
    for col in sheet.frame.columns:
        if col not in types and (m := SURVEY_ITEM.match(col)):
            types[col] = "text" if m[1] == "open" else "number"
    return types


def clean_fields(sheet: RawSheet, key: bytes, *, today: dt.date | None = None) -> tuple[pd.DataFrame, list[dict]]:
    """Typed values (personal fields replaced by pseudonyms) and one error record per bad cell.

    Dates are checked against ``today`` (default: the day of cleaning): at most a year ahead, and
    not after today in a register of what has happened (``PAST_ONLY``).
    """
    kind = KINDS[sheet.kind]
    required = {f.name for f in kind.fields if f.required}
    out = pd.DataFrame(index=sheet.frame.index)
    errors: list[dict] = []
    for col, ftype in _field_types(sheet).items():
        if col not in sheet.frame:
            out[col] = None
            continue
        raw = sheet.frame[col]
        if ftype in ("name", "contact"):
            account = None if col == "address" else _organisation_account
            values = privacy.pseudonymise(raw, key, prefix="h" if col == "address" else "p", account=account)
            problems = pd.Series(dtype=object)
        elif ftype == "date":
            values, problems = clean.clean_dates(raw, today=today, future=sheet.kind not in PAST_ONLY)
        elif (sheet.kind, col) in TIME_RANGES:
            values, problems = clean.clean_column(raw, clean.parse_time_range)
        else:
            dtype = {"number": "float64", "int": "float64", "bool": "object"}.get(ftype, "category")
            values, problems = clean.clean_column(raw, _cleaner(ftype), dtype=dtype)
        if col in required:
            empty = values.index[values.isna() & ~values.index.isin(problems.index)]
            if len(empty):
                problems = pd.concat([problems, pd.Series(clean.CleanError.of("pipeline.reason.empty", column=_label(kind, col)),
                                                          index=empty, dtype=object)]).sort_index()
        for row, err in problems.items():
            errors.append(_qrow(sheet, row, _label(kind, col), _original(raw[row], ftype), err))
        out[col] = values
    for (kind_name, col), end_col in TIME_RANGES.items():
        if kind_name == sheet.kind:
            out[col], out[end_col], clashes = _split_ranges(out[col], out[end_col])
            errors += [_qrow(sheet, row, _label(kind, col), str(sheet.frame.at[row, col]), err) for row, err in clashes.items()]
    if sheet.kind == "survey":
        errors += _survey_problems(sheet, out)
    return out, errors


def _split_ranges(spans: pd.Series, ends: pd.Series) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Start and end times from (start, end) pairs and the end-time column: a range's end fills an
    empty end time. Returns (start, end, errors of the rows whose range and end time disagree)."""
    start = pd.Series([s[0] if s else None for s in spans], index=spans.index, dtype="str")
    range_end = pd.Series([s[1] if s else None for s in spans], index=spans.index, dtype="str")
    clash = range_end.notna() & ends.notna() & (range_end != ends)
    errors = pd.Series([clean.CleanError.of("pipeline.reason.end_time_clash", range_end=range_end[r], end_time=ends[r])
                        for r in spans.index[clash]], index=spans.index[clash], dtype=object)
    return start, ends.where(ends.notna(), range_end).astype("str"), errors


def _survey_items() -> pd.DataFrame:
    from importlib.resources import files

    with (files("werkplaats_data") / "data" / "survey_items.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh).set_index("item")


def _survey_problems(sheet: RawSheet, typed: pd.DataFrame) -> list[dict]:
    """Answers outside their item's scale, unknown item codes, and forms with no answer at all."""
    items = _survey_items()
    errors = []
    answer_cols = [c for c in typed.columns if SURVEY_ITEM.match(c)]
    for col in answer_cols:
        if col not in items.index:
            unknown = clean.CleanError.of("pipeline.reason.unknown_item", item=col)
            errors += [_qrow(sheet, r, col, str(sheet.frame.at[r, col]), unknown) for r in typed.index[typed[col].notna()]]
            continue
        if items.at[col, "instrument"] == "open":
            continue
        lo, hi = float(items.at[col, "min"]), float(items.at[col, "max"])
        values = pd.to_numeric(typed[col], errors="coerce")
        outside = clean.CleanError(
            i18n.t("pipeline.reason.answer_outside_scale", "nl", low=_decimal(f"{lo:g}", "nl"), high=_decimal(f"{hi:g}", "nl")),
            i18n.t("pipeline.reason.answer_outside_scale", "en", low=f"{lo:g}", high=f"{hi:g}"))
        for r in typed.index[values.notna() & ~values.between(lo, hi)]:
            errors.append(_qrow(sheet, r, col, str(sheet.frame.at[r, col]), outside))
    empty = typed[answer_cols].isna().all(axis=1) if answer_cols else pd.Series(True, index=typed.index)
    no_answer = clean.CleanError.of("pipeline.reason.no_answer")
    errors += [_qrow(sheet, r, "", "", no_answer) for r in typed.index[empty]]
    return errors


def _organisation_account(normal_name: str) -> str | None:
    """The Ruilpunt's own account for (normalised) names like 'ruilpunt' or 'voorraad', else None (a person)."""
    return schemas.ORGANISATION_ACCOUNT if normal_name in ORGANISATION_NAMES else None


def _label(kind, col: str) -> str:
    try:
        return kind.field(col).headers[0]
    except StopIteration:
        return col


def _original(value: object, ftype: str) -> str:
    """The original cell for the quarantine; personal fields are shown masked ('J*** d* V****')."""
    if value is None:
        return ""
    text = str(value)
    if ftype in ("name", "contact"):
        return re.sub(r"(?<=\w)\w", "*", text)
    return text


def _qrow(sheet: RawSheet, row, column: str, value: str, reason: clean.CleanError) -> dict:
    return {"file": sheet.file.name, "sheet": sheet.sheet or "", "row": int(row), "column": column,
            "value": value, "reason_nl": reason.reason_nl, "reason_en": reason.reason_en, "kind": sheet.kind}


# --- open answers: names, phone numbers and e-mail addresses masked --------------------------------

PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d\s().-]{7,}\d(?!\w)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def redact_open_answers(texts: pd.Series, names: set[str], terms: pd.DataFrame | None = None) -> pd.Series:
    """Free-text survey answers with names, phone numbers and e-mail addresses masked.

    Rule: the story redaction list (``terms``) and every name typed in any register go through
    ``redaction.redact`` (whole names in any case, a first or last name alone where it is written
    as a name, with a capital; the street + house number rule too), then e-mail addresses become
    '[e-mail]' and phone numbers (8+ digits) '[telefoon]'.
    """
    from werkplaats_data import redaction

    listed = pd.DataFrame({"term": sorted(names), "kind": "person", "replacement": redaction.REPLACEMENTS["person"]})
    if terms is not None and len(terms):
        listed = pd.concat([terms[["term", "kind", "replacement"]], listed], ignore_index=True)

    def mask(text: object) -> object:
        if not isinstance(text, str) or not text:
            return text
        return PHONE.sub("[telefoon]", EMAIL.sub("[e-mail]", redaction.redact(text, listed)))

    codes, uniques = pd.factorize(texts, use_na_sentinel=True)
    return clean.take([mask(u) for u in uniques] + [None], codes, texts.index)


def _names_typed(sheet: RawSheet) -> set[str]:
    """The names in a sheet's name fields, as typed (spacing tidied; 'Last, First' also as 'First Last')."""
    names = set()
    for f in KINDS[sheet.kind].fields:
        if f.type == "name" and f.name in sheet.frame:
            for value in pd.unique(sheet.frame[f.name].dropna()):
                text = clean.normalise_text(value)
                if text and text.casefold() not in ORGANISATION_NAMES:
                    names.add(text)
                    if text.count(",") == 1:
                        last, first = (p.strip() for p in text.split(","))
                        names.add(f"{first} {last}")
    return names


# --- step 3: canonical rows ------------------------------------------------------------------------

def _with_provenance(frame: pd.DataFrame, sheet: RawSheet) -> pd.DataFrame:
    """File, sheet and row of each row; file and sheet as one-value Categoricals (cheap to group)."""
    same = np.zeros(len(frame), dtype=np.int8)
    return frame.assign(_file=pd.Categorical.from_codes(same, [sheet.file.name]),
                        _sheet=pd.Categorical.from_codes(same, [sheet.sheet or ""]), _row=frame.index.to_numpy())


def _running_id(prefix: str, dates: pd.Series) -> pd.Series:
    """Ids like 'rc_20240203_01': the date plus a running number over the whole table, in register
    order (file, sheet, row) — unique by construction."""
    days = pd.to_datetime(dates).to_numpy(dtype="datetime64[D]")
    missing = np.isnat(days)
    first = days[~missing].min() if (~missing).any() else np.datetime64("2000-01-01")
    offset = np.where(missing, 0, (days - first).astype(np.int64))
    span = int(offset.max(initial=0)) + 1
    codes = np.where(missing, span, offset).astype(np.uint16 if span < 2**16 - 1 else np.int64)  # no date: 'rc_x_01'
    calendar = np.datetime_as_string(first + np.arange(span))
    day_text = pa.array([f"{prefix}_{d.replace('-', '')}_" for d in calendar] + [f"{prefix}_x_"])
    number = _cumcount(codes)
    numbers = pa.array([f"{n:02d}" for n in range(1, int(number.max(initial=0)) + 2)])  # '01', '02', …
    return clean.arrow_strings(pc.binary_join_element_wise(day_text.take(codes), numbers.take(number), ""), dates.index)


def _cumcount(codes: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions hold the same code (0, 1, 2, … per code).
    (A stable sort; on 16-bit codes NumPy sorts by radix, in linear time.)"""
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    first = np.repeat(starts, np.diff(np.r_[starts, len(codes)]))
    out = np.empty(len(codes), dtype=np.int64)
    out[order] = np.arange(len(codes)) - first
    return out


def _dates(values: pd.Series) -> pd.Series:
    return pd.to_datetime(values, errors="coerce")


def _build(kind: str, typed: pd.DataFrame, sheet: RawSheet) -> pd.DataFrame:
    """Canonical rows from one sheet's typed values (before schema validation).

    Text arrives as Categoricals (cheap for big registers); the small registers whose text is
    combined into ids and messages get plain strings first.
    """
    t = typed
    if kind in TEXT_AS_STRINGS:
        t = t.astype({c: "str" for c in t.columns if isinstance(t[c].dtype, pd.CategoricalDtype)})
    if kind == "activities":
        return pd.DataFrame({
            "activity_id": t["name_nl"].map(activity_id), "name_nl": t["name_nl"],
            "name_en": t["name_en"].where(t["name_en"].notna(), t["name_nl"]), "theme": t["theme"],
            "started": _dates(t["started"]), "ended": _dates(t["ended"]),
            "paid_support_hours_per_week": pd.to_numeric(t["paid_support_hours_per_week"]).fillna(0.0),
        }, index=t.index)
    if kind == "paid_support":
        return pd.DataFrame({"activity_id": t["activity"], "start": _dates(t["start"]), "end": _dates(t["end"]),
                             "hours_per_week": pd.to_numeric(t["hours_per_week"]), "funder": t["funder"]}, index=t.index)
    if kind == "sessions":
        date = _dates(t["date"])
        sid = t["activity"] + "_" + date.dt.strftime("%Y%m%d") + "_" + t["start_time"].fillna("").str.replace(":", "")
        return pd.DataFrame({"session_id": sid.str.rstrip("_"), "activity_id": t["activity"], "date": date,
                             "start_time": t["start_time"], "end_time": t["end_time"], "location": t["location"],
                             "visitors_count": pd.array(t["visitors_count"], dtype="Int64"), "title": t["title"]},
                            index=t.index)
    if kind == "attendance":
        return pd.DataFrame({"activity_id": t["activity"], "date": _dates(t["date"]), "start_time": t["start_time"],
                             "person_id": t["name"], "role": t["role"], "birth_year": t["birth_year"],
                             "postcode": t["postcode"]}, index=t.index)
    if kind == "repairs":
        date = _dates(t["date"])
        barrier = t["repair_barrier"]
        if barrier.notna().any():  # only an item at its end of life has a barrier to repair
            barrier = barrier.where(t["repair_status"] == "End of life")
        return pd.DataFrame({"date": date, "product_category": _product_categories(t["item"], t["product_category"]),
                             "partner_product_category": t["item"], "brand": t["brand"],
                             "year_of_manufacture": pd.array(t["year_of_manufacture"], dtype="Int64"),
                             "problem": t["problem"], "repair_status": t["repair_status"], "repair_barrier": barrier},
                            index=t.index)
    if kind == "swaps":
        date = _dates(t["date"])
        return pd.DataFrame({"date": date, "giver_id": t["giver"],
                             "receiver_id": t["receiver"], "kind": t["kind"], "category": t["category"],
                             "points": pd.to_numeric(t["points"])}, index=t.index)
    if kind == "energy_visits":
        date = _dates(t["date"])
        return pd.DataFrame({"date": date, "household_id": t["address"],
                             "coach_id": t["coach"], "measures": t["measures"],
                             "est_kwh_saved": pd.to_numeric(t["est_kwh_saved"]),
                             "est_gas_m3_saved": pd.to_numeric(t["est_gas_m3_saved"])}, index=t.index)
    if kind == "greening":
        date = _dates(t["date"])
        return pd.DataFrame({"date": date, "kind": t["kind"],
                             "street": t["street"], "quantity": pd.to_numeric(t["quantity"]), "unit": t["unit"]},
                            index=t.index)
    if kind == "solar":
        return pd.DataFrame({"person_id": t["name"], "project": t["project"],
                             "year": pd.array(t["year"], dtype="Int64"), "shares": pd.array(t["shares"], dtype="Int64"),
                             "kwh_allocated": pd.to_numeric(t["kwh_allocated"])}, index=t.index)
    if kind == "consents":
        return pd.DataFrame({"person_id": t["name"], "subject": t["subject"], "purpose": t["purpose"],
                             "granted": pd.array(t["granted"], dtype="boolean"), "date": _dates(t["date"]),
                             "method": t["method"]}, index=t.index)
    if kind == "people":
        return pd.DataFrame({"person_id": t["name"], "birth_year": t["birth_year"], "postcode": t["postcode"],
                             "lives_in_neighbourhood": pd.array(t["lives_in_neighbourhood"], dtype="boolean"),
                             "first_seen": _dates(t["first_seen"])}, index=t.index)
    if kind == "survey":
        return _survey_long(t, sheet)
    raise ValueError(kind)


def _product_categories(items: pd.Series, chosen: pd.Series) -> pd.Series:
    """``repair.categorise_items`` asked once per distinct (item, chosen category) pair, as a Categorical."""
    from werkplaats_data.repair import categorise_items

    item_codes, _ = clean.distinct(items)
    chosen_codes, _ = clean.distinct(chosen)
    pair = (item_codes.astype(np.int64) + 1) * (int(chosen_codes.max(initial=-1)) + 2) + chosen_codes + 1
    codes, pairs = pd.factorize(pair)
    first = np.empty(len(pairs), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the first row of each pair
    answers = categorise_items(items.iloc[first].astype(object), chosen.iloc[first].astype(object)).tolist()
    return clean.take(answers + [None], codes, items.index, "category")


def _survey_long(t: pd.DataFrame, sheet: RawSheet) -> pd.DataFrame:
    """One row per answered item; the raw row number stays the index so quarantine can point at it."""
    items = [c for c in t.columns if SURVEY_ITEM.match(c)]
    date = _dates(t["date"])
    response = "resp_" + t["name"].str[2:10] + "_" + date.dt.strftime("%Y%m%d")
    long = t[items].melt(ignore_index=False, var_name="item", value_name="answer").dropna(subset=["answer"])
    base = pd.DataFrame({"response_id": response, "person_id": t["name"], "date": date, "language": t["language"]})
    long = long.join(base)
    is_open = long["item"].str.startswith("open_")
    return pd.DataFrame({
        "response_id": long["response_id"], "person_id": long["person_id"], "date": long["date"],
        "instrument": long["item"].str.split("_").str[0], "item": long["item"],
        "value": pd.to_numeric(long["answer"].where(~is_open), errors="coerce"),
        "text": long["answer"].where(is_open), "language": long["language"],
    }, index=long.index)


# --- step 4: whole tables --------------------------------------------------------------------------

def _quarantine_rows(frame: pd.DataFrame, mask: pd.Series, column: str, value: pd.Series | str,
                     reason: clean.CleanError) -> list[dict]:
    positions = np.flatnonzero(np.asarray(mask, dtype=bool))  # by position: filtering a million rows is slow
    rows = frame.iloc[positions]
    values = value.iloc[positions] if isinstance(value, pd.Series) else pd.Series(value, index=rows.index)
    return [{"file": f, "sheet": s, "row": int(r), "column": column, "value": str(v),
             "reason_nl": reason.reason_nl, "reason_en": reason.reason_en}
            for (f, s, r), v in zip(rows[PROVENANCE].to_numpy(), values)]


def plain_check(check: str, column: str, lang: str) -> str:
    """A failed pandera check on ``column`` in plain words of ``lang``
    ('greater_than_or_equal_to(0.01)' on 'Punten' → "'Punten': moet minstens 0,01 zijn")."""
    if m := re.match(r"greater_than_or_equal_to\((.*)\)", check):
        return i18n.t("pipeline.check.at_least", lang, column=column, limit=_decimal(m[1], lang))
    if m := re.match(r"less_than_or_equal_to\((.*)\)", check):
        return i18n.t("pipeline.check.at_most", lang, column=column, limit=_decimal(m[1], lang))
    if check.startswith("isin"):
        return i18n.t("pipeline.check.not_allowed", lang, column=column)
    if check.startswith("str_matches"):
        return i18n.t("pipeline.check.not_a_time", lang, column=column)
    if "unique" in check:
        return i18n.t("pipeline.check.not_unique", lang, column=column)
    if "nullable" in check:
        return i18n.t("pipeline.check.empty", lang, column=column)
    return i18n.t("pipeline.check.not_valid", lang, column=column, check=check)


def _decimal(number: str, lang: str) -> str:
    """A number as code writes it ('0.01') as readers of ``lang`` do: with a decimal comma in Dutch ('0,01')."""
    return number.replace(".", ",") if lang == "nl" else number


def _validate(name: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Rows that pass the table's pandera schema, and quarantine records for those that don't.

    Checks on single values (type, allowed values, range, empty) run on each column's distinct
    values, then point back at the rows that hold a bad value; free text only has to be filled in
    (when required); uniqueness runs on whole columns.
    """
    if frame.empty:
        return frame, []
    spec = schemas.TABLES[name]
    table_schema = schemas.schema(name)
    bad = pd.Series(False, index=frame.index)
    records: list[dict] = []
    failing = _failing_values(frame, table_schema)
    # a register's table names its columns as the register does ('Punten', not 'points')
    labels = {c.name: _label(KINDS[name], c.name) if name in KINDS else c.name for c in spec.columns}
    for column in spec.columns:
        values = frame[column.name]
        label = labels[column.name]
        for check, rows in failing.get(column.name, []):
            reason = clean.CleanError(plain_check(check, label, "nl"), plain_check(check, label, "en"))
            records += _quarantine_rows(frame, rows & ~bad, label, values, reason)
            bad |= rows
    numbered = RUNNING_IDS.get(name, ("",))[0]
    keys = [c.name for c in spec.columns if c.unique and c.name != numbered] + ([list(spec.key)] if len(spec.key) > 1 else [])
    for key in keys:
        dup = frame.duplicated(key, keep="first") & ~bad
        label = labels[key] if isinstance(key, str) else " + ".join(labels[k] for k in key)
        records += _quarantine_rows(frame, dup, label, frame[key] if isinstance(key, str) else label,
                                    clean.CleanError.of("pipeline.reason.not_unique", column=label))
        bad |= dup
    return (frame[~bad] if bad.any() else frame), records


def _failing_values(frame: pd.DataFrame, table_schema: DataFrameSchema) -> dict[str, list[tuple[str, pd.Series]]]:
    """Per column, (pandera check name, rows that fail it), checked once per distinct value.

    Each column's distinct values (the empty cell included) go into one small frame, padded to the
    same length by repeating a column's first value, and that frame is validated once; a failure
    case's index points at the distinct value, and so at the rows holding it. Free text without
    checks only has to be filled in (when required). Uniqueness is checked elsewhere, on whole columns.
    """
    failing: dict[str, list[tuple[str, pd.Series]]] = {}
    distinct: dict[str, tuple[np.ndarray, pd.Index]] = {}
    for name, column_schema in table_schema.columns.items():
        values = frame[name]
        if column_schema.dtype is None and not column_schema.checks:  # free text: a million ids cost nothing
            empty = values.isna()
            if not column_schema.nullable and empty.any():
                failing[name] = [("not_nullable", empty)]
            continue
        codes, uniques = clean.distinct(values)
        if (codes < 0).any():  # the empty cell is a value to check too (nullable or not)
            codes = np.where(codes < 0, len(uniques), codes)
            uniques = uniques.append(pd.Index([None], dtype=uniques.dtype))
        distinct[name] = (codes, uniques)
    if not distinct:
        return failing
    size = max(len(u) for _, u in distinct.values())
    batch = pd.DataFrame({name: pd.Series(list(u) + [u[0]] * (size - len(u)), dtype=frame[name].dtype)
                          for name, (_, u) in distinct.items()})
    checks = {}
    for name in distinct:
        single = table_schema.columns[name]
        single.unique = False
        checks[name] = single
    try:
        DataFrameSchema(checks).validate(batch, lazy=True)
        return failing
    except pandera.errors.SchemaErrors as exc:
        cases = exc.failure_cases
    for case in cases.itertuples(index=False):
        codes, uniques = distinct[case.column]
        if pd.isna(case.index):  # a failure of the whole column: find the value
            batch_values = batch[case.column]
            hit = batch_values.isna() if pd.isna(case.failure_case) else batch_values.astype(object).eq(case.failure_case)
            positions = np.flatnonzero(hit.to_numpy())
        else:
            positions = [int(case.index)]
        positions = [p if p < len(uniques) else 0 for p in positions]  # padding repeats value 0
        failing.setdefault(case.column, []).append((str(case.check), pd.Series(np.isin(codes, positions), index=frame.index)))
    return failing


def _reference_check(tables: dict[str, pd.DataFrame]) -> list[dict]:
    """Rows pointing at an activity/session/person that is not there go to quarantine (every link in
    ``schemas.references``, repeated until none breaks: a row taken out can break another link)."""
    records, again = [], True
    while again:
        found = _one_reference_pass(tables)
        records += found
        again = bool(found)
    return records


def _one_reference_pass(tables: dict[str, pd.DataFrame]) -> list[dict]:
    records = []
    for table, column, ref_table, ref_column in schemas.references():
        if table not in tables or ref_table not in tables or not len(tables[table]):
            continue
        frame = tables[table]
        spec = schemas.column(table, column)
        known = set(tables[ref_table][ref_column]) | set(spec.also_allowed)
        missing = ~frame[column].isin(known)
        if spec.nullable:
            missing &= frame[column].notna()
        if missing.any():
            records += _quarantine_rows(frame, missing, column, frame[column],
                                        clean.CleanError.of("pipeline.reason.unknown_reference", column=column, table=ref_table))
            tables[table] = frame[~missing]
    return records


# --- the whole run -------------------------------------------------------------------------------

def register_files(raw_dir: Path) -> list[Path]:
    """Files to clean in a folder: every visible file except notes (.md, .yaml, .json) and sub-folders
    (``quarantaine/``, ``stories/``). Files of an unknown kind are included so the report names them."""
    raw_dir = Path(raw_dir)
    if raw_dir.is_file():
        return [raw_dir]
    notes = (".md", ".yaml", ".yml", ".json")
    return sorted(p for p in raw_dir.iterdir()
                  if p.is_file() and not p.name.startswith((".", "~$")) and p.suffix.lower() not in notes)


def clean_registers(raw_dir: Path, *, key: bytes, kinds: dict[str, str] | None = None,
                    today: dt.date | None = None) -> CleanResult:
    """Clean every register in ``raw_dir``; ``kinds`` maps a file name to a register kind (override).

    ``today`` (default: the day of cleaning) bounds the dates: see ``clean_fields``.
    """
    kinds = kinds or {}
    pieces: dict[str, list[pd.DataFrame]] = {}
    quarantine: list[dict] = []
    skipped: list[str] = []
    sheets: list[RawSheet] = []
    for path in register_files(raw_dir):
        try:
            readable, unread = read_sheets(path, kind=kinds.get(path.name))
        except ReadError as err:
            skipped.append(str(err))
            continue
        sheets += readable
        skipped += unread
    counted: list[dict] = []
    totals_row = clean.CleanError.of("pipeline.reason.totals_row")  # one reason each, for every row it applies to
    too_wide = clean.CleanError.of("pipeline.reason.too_wide")
    duplicate_row = clean.CleanError.of("pipeline.reason.duplicate_row")
    for sheet in sheets:
        # a totals row and a too-wide row have one reason each, and are not cleaned at all
        totals = sheet.is_total.to_numpy(dtype=bool)
        wide = (sheet.too_wide.to_numpy(dtype=bool) if sheet.too_wide is not None else np.zeros_like(totals)) & ~totals
        rows = sheet.frame.index
        errors = [_qrow(sheet, r, "", "", totals_row) for r in rows[totals]]
        errors += [_qrow(sheet, r, "", "", too_wide) for r in rows[wide]]
        records = sheet if not (totals | wide).any() else replace(sheet, frame=sheet.frame[~(totals | wide)])
        typed, more = clean_fields(records, key, today=today)
        errors += more
        keep = ~typed.index.isin(list({e["row"] for e in more}))
        dup_of = clean.duplicate_rows(records.frame)  # a twin of a bad row is bad for the same reason
        duplicate = dup_of.notna().to_numpy() & keep
        for row in typed.index[duplicate]:  # one reason, so the report groups them; the value says which row
            errors.append(_qrow(sheet, row, "", message("pipeline.value.same_as_row", row=int(dup_of[row])), duplicate_row))
        keep &= ~duplicate
        good = typed if keep.all() else typed[keep]
        quarantine += errors
        built = _with_provenance(_build(sheet.kind, good, sheet), sheet)
        pieces.setdefault(sheet.kind, []).append(built)
        counted.append({"file": sheet.file.name, "sheet": sheet.sheet or "", "kind": sheet.kind,
                        "rows_in": len(rows)})
    notes: list[str] = []
    tables, more = _assemble(pieces)
    if len(tables["survey_responses"]) and tables["survey_responses"]["text"].notna().any():
        names = set().union(*(_names_typed(sheet) for sheet in sheets))
        tables["survey_responses"]["text"] = redact_open_answers(tables["survey_responses"]["text"], names,
                                                                 _redaction_terms(Path(raw_dir)))
    quarantine += more
    if "activities" not in pieces:  # no activities register at all: the kit's own list, said plainly
        tables["activities"] = _builtin_activities(tables["sessions"], tables["paid_support"])
        notes.append(message("pipeline.note.no_activities"))
    sessions_in = tables["sessions"]
    for name in list(tables):
        tables[name], records = _validate(name, tables[name])
        quarantine += records
    quarantine += _reference_check(tables)  # sessions of an unknown activity go before attendance is matched
    dropped = _dropped(sessions_in, tables["sessions"], quarantine)
    attendance, people_rows, more = _attendance(_concat(pieces, "attendance"), tables["sessions"], dropped)
    quarantine += more
    tables["attendance"], records = _validate("attendance", attendance)
    quarantine += records
    people_rows = people_rows[people_rows.index.isin(tables["attendance"].index)]
    tables["people"], records = _validate("people", _people(tables, people_rows, _concat(pieces, "people")))
    quarantine += records
    quarantine += _reference_check(tables)  # every link, attendance → sessions and people included
    q = pd.DataFrame(quarantine, columns=QUARANTINE_COLUMNS + ["kind"]).drop(columns="kind")
    counts = _count(counted, q, tables, _concat(pieces, "people"))
    sources = {name: _sources(frame) for name, frame in tables.items() if name != "people"}
    sources["people"] = _people_sources(sources, _concat(pieces, "people"))
    release = {name: frame.drop(columns=[c for c in frame.columns if c.startswith("_")]).reset_index(drop=True)
               for name, frame in tables.items()}
    stories_dir = Path(raw_dir) / "stories"
    if stories_dir.is_dir():  # story files with consent: research purpose only, redacted
        from werkplaats_data.stories import release_tables

        story_tables = release_tables(stories_dir)
        release.update(story_tables)
        sources.update({name: [{"title": "stories/", "path": "stories"}] for name in story_tables})
    return CleanResult(release, q, counts, skipped, sources, notes)


def _redaction_terms(raw_dir: Path) -> pd.DataFrame:
    """The story redaction list beside the registers (``stories/redaction.csv``); empty without one."""
    from werkplaats_data.stories import redaction_list

    return redaction_list((raw_dir if raw_dir.is_dir() else raw_dir.parent) / "stories")


def _builtin_activities(sessions: pd.DataFrame, paid_support: pd.DataFrame) -> pd.DataFrame:
    """The activities of the kit's built-in list that the sessions or paid support name, started on
    their first session (or support period); used only when there is no activities register."""
    firsts = pd.concat([sessions[["activity_id", "date"]],
                        paid_support[["activity_id", "start"]].rename(columns={"start": "date"})])
    started = firsts.dropna().groupby("activity_id")["date"].min()
    known = [a for a in started.index if a in BUILT_IN_ACTIVITIES]
    frame = pd.DataFrame({
        "activity_id": known,
        "name_nl": [BUILT_IN_ACTIVITIES[a][0] for a in known], "name_en": [BUILT_IN_ACTIVITIES[a][1] for a in known],
        "theme": [BUILT_IN_ACTIVITIES[a][2] for a in known], "started": pd.to_datetime(started[known].to_numpy()),
        "ended": pd.Series(pd.NaT, index=range(len(known)), dtype="datetime64[ns]"),
        "paid_support_hours_per_week": 0.0,
    })
    return frame.assign(_file="", _sheet="", _row=0)


def _dropped(before: pd.DataFrame, after: pd.DataFrame, quarantine: list[dict]) -> pd.DataFrame:
    """Sessions that validation took out, with the reason (NL, EN) of their first quarantine record."""
    gone = before[~before.index.isin(after.index)]
    if not len(gone):
        return gone.assign(reason_nl=pd.Series(dtype=object), reason_en=pd.Series(dtype=object))
    reasons: dict[tuple, tuple[str, str]] = {}
    for r in quarantine:
        reasons.setdefault((r["file"], r["sheet"], r["row"]), (r["reason_nl"], r["reason_en"]))
    why = [reasons.get((f, s, int(r)), ("", "")) for f, s, r in gone[PROVENANCE].to_numpy()]
    return gone.assign(reason_nl=[w[0] for w in why], reason_en=[w[1] for w in why])


#: The tables whose person ids make up ``people`` (besides a people register).
PERSON_TABLES = ("attendance", "swaps", "energy_visits", "solar", "survey_responses", "consents")


def _people_sources(sources: dict[str, list[dict]], register: pd.DataFrame) -> list[dict]:
    """The registers ``people`` is derived from: every register naming people, and the people register."""
    named = [s for table in PERSON_TABLES for s in sources.get(table, []) if s.get("path")]
    named += [s for s in _sources(register) if s.get("path")] if len(register) else []
    unique = {s["title"]: {"title": s["title"], "path": s["path"]} for s in named}
    return sorted(unique.values(), key=lambda s: s["title"])


def _sources(frame: pd.DataFrame) -> list[dict]:
    if "_file" not in frame:
        return []
    groups = frame.groupby(["_file", "_sheet"], sort=True).size()
    return [{"title": f + (f" / {s}" if s else ""), "path": f, "rows": int(n)} if f else
            {"title": message("pipeline.source.built_in"), "rows": int(n)}
            for (f, s), n in groups.items()]


def _count(counted: list[dict], quarantine: pd.DataFrame, tables: dict[str, pd.DataFrame],
           people_register: pd.DataFrame) -> pd.DataFrame:
    """Per sheet: rows in, rows found in the release, rows in quarantine, and any not accounted for.

    Released rows are counted from the release tables themselves (by the row they came from), so
    ``unaccounted`` = in − released − quarantined is a real check: it must be 0.
    """
    counts = pd.DataFrame(counted, columns=["file", "sheet", "kind", "rows_in"])
    q_rows = quarantine.groupby(["file", "sheet"])["row"].nunique().rename("rows_quarantined")
    released = []
    for kind, table in PRIMARY_TABLE.items():
        frame = people_register if kind == "people" else tables.get(table)
        if frame is None or not len(frame):
            continue
        if kind == "people":
            frame = frame[frame["person_id"].isin(set(tables["people"]["person_id"]))]
        groups = frame.groupby(["_file", "_sheet"], observed=True)["_row"]
        # one canonical row per register row, except a survey form (one row per answer)
        n = (groups.nunique() if kind == "survey" else groups.size()).rename("rows_released").reset_index()
        released.append(n.assign(kind=kind))
    released = pd.concat(released) if released else pd.DataFrame(columns=["_file", "_sheet", "rows_released", "kind"])
    counts = counts.merge(q_rows, left_on=["file", "sheet"], right_index=True, how="left")
    counts = counts.merge(released, left_on=["file", "sheet", "kind"], right_on=["_file", "_sheet", "kind"], how="left")
    for col in ("rows_quarantined", "rows_released"):
        counts[col] = counts[col].fillna(0).astype(int)
    counts["unaccounted"] = counts["rows_in"] - counts["rows_released"] - counts["rows_quarantined"]
    return counts[["file", "sheet", "kind", "rows_in", "rows_released", "rows_quarantined", "unaccounted"]]


def _concat(pieces: dict[str, list[pd.DataFrame]], kind: str) -> pd.DataFrame:
    frames = [f for f in pieces.get(kind, []) if len(f)]
    if not frames:
        return pd.DataFrame()
    return frames[0].reset_index(drop=True) if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _assemble(pieces: dict[str, list[pd.DataFrame]]) -> tuple[dict[str, pd.DataFrame], list[dict]]:
    """Whole canonical tables from the sheets' rows (attendance and people come after validation)."""
    tables: dict[str, pd.DataFrame] = {}
    quarantine: list[dict] = []
    for kind, table in PRIMARY_TABLE.items():
        if kind in ("attendance", "people"):
            continue
        frame = _concat(pieces, kind)
        if table in RUNNING_IDS and len(frame):
            column, prefix = RUNNING_IDS[table]
            frame.insert(0, column, _running_id(prefix, frame["date"]))
        tables[table] = frame if len(frame) else _empty_with_provenance(table)
    if len(tables["sessions"]):
        dup = tables["sessions"].duplicated("session_id", keep="first")
        quarantine += _quarantine_rows(tables["sessions"], dup, "Datum", tables["sessions"]["session_id"],
                                       clean.CleanError.of("pipeline.reason.session_twice"))
        tables["sessions"] = tables["sessions"][~dup]
    swaps = tables["swaps"]
    same = swaps["giver_id"].astype(object) == swaps["receiver_id"].astype(object)  # pseudonyms are Categoricals
    quarantine += _quarantine_rows(swaps, same, "Ontvanger", message("pipeline.value.same_person"),
                                   clean.CleanError.of("pipeline.reason.swap_with_oneself")) if len(swaps) else []
    tables["swaps"] = swaps[~same]
    return tables, quarantine


def _empty_with_provenance(table: str) -> pd.DataFrame:
    frame = schemas.empty_table(table)
    for col in PROVENANCE:
        frame[col] = pd.Series(dtype=object)
    return frame


def _attendance(raw: pd.DataFrame, sessions: pd.DataFrame,
                dropped: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Match each presence-list row to its session (activity + date, + start time when given).

    ``sessions`` are the valid ones; a row whose session was quarantined (``dropped``, with its
    reason) goes to quarantine too, saying which session and why.
    """
    if not len(raw):
        return _empty_with_provenance("attendance"), pd.DataFrame(columns=["person_id", "birth_year", "postcode", "date"]), []
    by_day = sessions.groupby(["activity_id", "date"])["session_id"].agg(list)
    by_start = sessions.set_index(["activity_id", "date", "start_time"])["session_id"]
    by_start = by_start[~by_start.index.duplicated()]
    session_ids, problems = [], []
    for act, date, start in zip(raw["activity_id"], raw["date"], raw["start_time"]):
        if start is not None and (act, date, start) in by_start.index:
            session_ids.append(by_start[(act, date, start)]), problems.append(None)
            continue
        found = by_day.get((act, date), [])
        if len(found) == 1:
            session_ids.append(found[0]), problems.append(None)
        else:
            session_ids.append(None)
            problems.append("none" if not found else "many")
    raw = raw.assign(session_id=session_ids)
    problem = pd.Series(problems, index=raw.index)
    quarantine = []
    if dropped is not None and len(dropped):
        why = dropped.drop_duplicates(["activity_id", "date"]).set_index(["activity_id", "date"])
        keys = pd.MultiIndex.from_arrays([raw["activity_id"], raw["date"]])
        hit = (problem == "none").to_numpy() & keys.isin(why.index)
        for (f, s, r), act, date in zip(raw.loc[hit, PROVENANCE].to_numpy(), raw.loc[hit, "activity_id"], raw.loc[hit, "date"]):
            session = f"{act} {date:%d-%m-%Y}"
            quarantine.append({"file": f, "sheet": s, "row": int(r), "column": "Datum", "value": session,
                               "reason_nl": i18n.t("pipeline.reason.session_in_quarantine", "nl", session=session,
                                                   reason=why.at[(act, date), "reason_nl"]),
                               "reason_en": i18n.t("pipeline.reason.session_in_quarantine", "en", session=session,
                                                   reason=why.at[(act, date), "reason_en"])})
        problem[hit] = "dropped"
    session_of_row = raw["activity_id"] + " " + raw["date"].dt.strftime("%d-%m-%Y")
    quarantine += _quarantine_rows(raw, problem == "none", "Datum", session_of_row,
                                   clean.CleanError.of("pipeline.reason.no_session"))
    quarantine += _quarantine_rows(raw, problem == "many", "Begintijd", session_of_row,
                                   clean.CleanError.of("pipeline.reason.several_sessions"))
    matched = raw[problem.isna()]
    dup = matched.duplicated(["session_id", "person_id"], keep="first")
    quarantine += _quarantine_rows(matched, dup, "Naam", message("pipeline.value.duplicate"),
                                   clean.CleanError.of("pipeline.reason.person_twice"))
    matched = matched[~dup]
    attendance = matched[["session_id", "person_id", "role"] + PROVENANCE]
    people_rows = matched[["person_id", "birth_year", "postcode", "date"]]
    return attendance, people_rows, quarantine


def _birth_band(years: pd.Series) -> pd.Series:
    years = pd.to_numeric(years, errors="coerce")
    start = (years // 10 * 10)
    band = start.astype("Int64").astype(str) + "-" + (start + 9).astype("Int64").astype(str)
    return band.where(years.between(1920, 2019), None).astype(object)


def _people(tables: dict[str, pd.DataFrame], from_attendance: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """One row per pseudonym seen anywhere; birth-year band, neighbourhood and first date from what is known."""
    seen = []
    for table, column in (("swaps", "giver_id"), ("swaps", "receiver_id"), ("energy_visits", "coach_id"),
                          ("survey_responses", "person_id"), ("consents", "person_id")):
        frame = tables.get(table)
        if frame is not None and len(frame):
            seen.append(pd.DataFrame({"person_id": frame[column], "date": frame["date"]}))
    solar = tables.get("solar")
    if solar is not None and len(solar):
        seen.append(pd.DataFrame({"person_id": solar["person_id"],
                                  "date": pd.to_datetime(solar["year"].astype(str) + "-01-01")}))
    if len(from_attendance):
        seen.append(from_attendance[["person_id", "date"]])
    if len(register):
        seen.append(register[["person_id", "first_seen"]].rename(columns={"first_seen": "date"}))
    if not seen:
        return _empty_with_provenance("people")
    everyone = pd.concat(seen, ignore_index=True)
    everyone = everyone[everyone["person_id"].notna() & (everyone["person_id"] != schemas.ORGANISATION_ACCOUNT)]
    people = everyone.groupby("person_id")["date"].min().rename("first_seen").to_frame()
    traits = pd.concat([f[["person_id", "birth_year", "postcode"]] for f in (register, from_attendance) if len(f)],
                       ignore_index=True) if len(register) or len(from_attendance) else pd.DataFrame(
        columns=["person_id", "birth_year", "postcode"])
    first_known = traits.dropna(subset=["person_id"]).groupby("person_id").first()
    people = people.join(first_known, how="left")
    people["birth_year_band"] = _birth_band(people.get("birth_year"))
    pc4 = people["postcode"].astype(object).str[:4]
    lives = pd.array(pc4.isin(OUDE_WESTEN_PC4), dtype="boolean")
    lives[pc4.isna().to_numpy()] = pd.NA
    people["lives_in_neighbourhood"] = lives
    if len(register) and register["lives_in_neighbourhood"].notna().any():
        stated = register.dropna(subset=["lives_in_neighbourhood"]).groupby("person_id")["lives_in_neighbourhood"].first()
        people.loc[stated.index.intersection(people.index), "lives_in_neighbourhood"] = stated
    people = people.reset_index()
    for col in PROVENANCE:
        people[col] = ""
    people["_row"] = 0
    return people[["person_id", "birth_year_band", "lives_in_neighbourhood", "first_seen"] + PROVENANCE]


# --- writing -------------------------------------------------------------------------------------

#: The demo release uses a fixed, public key: its names are made up, and fixed pseudonyms keep tests stable.
DEMO_KEY = b"werkplaats-demo-key-not-secret--"


def write_outputs(result: CleanResult, release_dir: Path, quarantine_dir: Path, *, demo: bool = False,
                  extra_tables: dict[str, pd.DataFrame] | None = None) -> str:
    """Write the release, the quarantine (beside the registers) and the report; returns the report text."""
    from werkplaats_data.cleaning_report import report_text
    from werkplaats_data.release import write_release

    quarantine_dir = Path(quarantine_dir)
    quarantine_dir.mkdir(parents=True, exist_ok=True)
    q_file = quarantine_dir / "quarantaine.csv"
    result.quarantine.to_csv(q_file, index=False, encoding="utf-8-sig")
    tables = {**result.tables, **(extra_tables or {})}
    write_release(tables, release_dir, sources=result.sources, demo=demo,
                  extra={"cleaning": {"rows_in": int(result.counts["rows_in"].sum()),
                                      "rows_released": int(result.counts["rows_released"].sum()),
                                      "rows_quarantined": int(result.counts["rows_quarantined"].sum()),
                                      "files_skipped": len(result.skipped)}})
    text = report_text(result.counts, result.quarantine, result.skipped, demo=demo, notes=result.notes)
    (Path(release_dir) / "cleaning_report.md").write_text(text, encoding="utf-8")
    coordinator = report_text(result.counts, result.quarantine, result.skipped, quarantine_path=str(q_file), demo=demo,
                              notes=result.notes)
    (quarantine_dir / "rapport.md").write_text(coordinator, encoding="utf-8")
    return coordinator


def build_demo_release(target: Path, *, registers_dir: Path | None = None) -> CleanResult:
    """Write the demo registers and clean them into a release at ``target`` (a few seconds)."""
    import tempfile

    from werkplaats_data.demo import write_demo_registers

    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(registers_dir) if registers_dir else Path(tmp) / "registers"
        write_demo_registers(raw)
        result = clean_registers(raw, key=DEMO_KEY)
        write_outputs(result, target, raw / QUARANTINE_DIR, demo=True)
    return result
