"""Repair Café data: item names to ORDS categories, ORDS files in and out, impact and repair rates.

The Open Repair Data Standard (ORDS, Open Repair Alliance) describes one repair per row. Its
reference tables ship in ``werkplaats_data/data/ords/`` (CC BY-SA 4.0, see the README there).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files
from pathlib import Path
from statistics import NormalDist

import altair as alt
import ftfy.bad_codecs  # noqa: F401  (registers the sloppy-windows-1252 codec)
import ftfy.badness
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pycountry

from werkplaats_data.charts import MUTED, PALETTE, require, with_source
from werkplaats_data.clean import take
from werkplaats_data.errors import UserError, message
from werkplaats_data.i18n import format_date, format_number, t
from werkplaats_data.privacy import small_cell
from werkplaats_data.registers import SYNONYMS, header_key
from werkplaats_data.schemas import REPAIR_STATUSES, TABLES

ORDS_DATA = files("werkplaats_data") / "data" / "ords"
#: Categories that collect many unrelated items; a more specific category wins when a name is in both.
CATCH_ALL_CATEGORIES = ("Misc", "Toy", "Small home electrical", "Large home electrical")
#: The ORDS translations' entry for "anything else" (en "Other", nl "Overig"), normalised.
REMAINDER_ENTRY = "other"
#: Shortest known word that may be the last part of a Dutch compound ("bureaulamp" ends with "lamp").
MIN_COMPOUND_HEAD = 4


def normalise_name(text: object) -> str:
    """Lower case, accents removed, every run of non-letters/digits made one space ("Föhn!" → "fohn")."""
    s = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def _read(name: str) -> pd.DataFrame:
    with (ORDS_DATA / name).open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


@cache
def product_categories() -> pd.DataFrame:
    """The 40 ORDS v0.3 product categories with their ids (columns product_category_id, product_category)."""
    df = _read("product_categories.csv")
    df["product_category_id"] = df["product_category_id"].astype(int)
    return df


@cache
def _canonical_category() -> dict[str, str]:
    """ORDS category names keyed by their lower-case form (the translations file writes "PC Accessory")."""
    return {c.lower(): c for c in product_categories()["product_category"]}


@cache
def item_lookup() -> dict[str, str]:
    """Every known item name (normalised) → product category.

    Names come from the ORDS category names themselves, the ORDS EN/NL item translations (each part of "Kruimeldief / handstofzuiger" is a
    name) and from our own list ``item_aliases.csv`` (Dutch volunteer words, textile and other
    unpowered items, each with its source). Our own list wins. Tie-break for a name the ORDS list
    puts in several categories: (1) "Other" / "Overig" under Toy or Watch/clock means "another toy /
    clock" and names nothing on its own, so only Misc's "Other" counts (``REMAINDER_ENTRY``);
    (2) a category that is not a catch-all (Misc, Toy, Small/Large home electrical) wins; (3) if
    still several, the one with the lowest ORDS id.
    """
    order = {c: i for i, c in zip(product_categories()["product_category_id"], product_categories()["product_category"])}
    canonical = _canonical_category()
    candidates: dict[str, set[str]] = {normalise_name(c): {c} for c in canonical.values()}
    for row in _read("item_type_translations.csv").itertuples(index=False):
        category = canonical.get(row.product_category.lower())
        if category is None:  # the upstream file has one stray row "product_category_ords,partner_product,#N/A"
            continue
        if normalise_name(row.en) == REMAINDER_ENTRY and category != "Misc":
            continue
        for text in (row.en, row.nl):
            for part in re.split(r"[/()]", text):
                key = normalise_name(part)
                if key:
                    candidates.setdefault(key, set()).add(category)
    lookup = {
        key: min(cats, key=lambda c: (c in CATCH_ALL_CATEGORIES, order[c]))
        for key, cats in candidates.items()
    }
    for row in _read("item_aliases.csv").itertuples(index=False):
        lookup[normalise_name(row.term)] = row.product_category
    return lookup


@cache
def _compound_heads() -> tuple[str, ...]:
    """Known one-word items of at least four letters, longest first."""
    return tuple(sorted((k for k in item_lookup() if " " not in k and len(k) >= MIN_COMPOUND_HEAD), key=len, reverse=True))


def categorise_item(name: object) -> str | None:
    """The product category of one item name as a volunteer wrote it, or None when unknown.

    Rule, in order: (1) the whole name is a known item; (2) a run of words inside it is a known item —
    longer runs first, and among equally long runs the rightmost (the head noun comes last in
    "oude Philips stofzuiger" and "vacuum cleaner"); (3) a word ends with a known item of at least
    four letters (Dutch compounds: "spijkerbroek" ends with "broek"), rightmost word first.
    """
    if name is None or (not isinstance(name, str) and pd.isna(name)):
        return None
    key = normalise_name(name)
    lookup = item_lookup()
    words = key.split()
    for n in range(len(words), 0, -1):
        for start in range(len(words) - n, -1, -1):
            phrase = " ".join(words[start:start + n])
            if phrase in lookup:
                return lookup[phrase]
    for word in reversed(words):
        for head in _compound_heads():
            if word.endswith(head):
                return lookup[head]
    return None


def category_names() -> dict[str, str]:
    """Every way the kit writes a category (ORDS name, Dutch or English label), normalised → ORDS name."""
    names = {}
    for category in (*product_categories()["product_category"], *UNPOWERED_CATEGORIES):
        for text in (category, category_label(category, "nl"), category_label(category, "en")):
            names[normalise_name(text)] = category
    return names


def categorise_items(items: pd.Series, chosen: pd.Series | None = None) -> pd.Series:
    """ORDS product category for each item name (same index); unknown names become missing, never dropped.

    ``chosen`` is what a register's 'Categorie' column says (an ORDS name or its Dutch or English
    label, as offered by the register template): where it names a known category, it wins.
    Textile and other unpowered items get a non-ORDS category named as in the ORDS unpowered summary
    ("Unpowered - Textile", "Unpowered - Bicycle", ...). See ``categorise_item`` for the matching rule.
    Each distinct (item, chosen) pair is looked up once.
    """
    chosen = pd.Series(None, index=items.index, dtype=object) if chosen is None else chosen
    item_codes, item_names = pd.factorize(items, use_na_sentinel=True)
    chosen_codes, chosen_names = pd.factorize(chosen, use_na_sentinel=True)
    width = len(chosen_names) + 1
    codes, pairs = pd.factorize((item_codes.astype(np.int64) + 1) * width + chosen_codes + 1)
    known = category_names()
    categories = []
    for pair in pairs:
        item, choice = divmod(int(pair), width)
        stated = known.get(normalise_name(chosen_names[choice - 1])) if choice else None
        categories.append(stated or (categorise_item(item_names[item - 1]) if item else None))
    return take(categories + [None], codes, items.index, "str")


def unmatched_items(items: pd.Series, chosen: pd.Series | None = None, *, where: pd.Series | None = None,
                    max_places: int = 5, public: bool = False) -> pd.DataFrame:
    """The item names that match no category, listed so a volunteer can add them to ``item_aliases.csv``.

    ``items`` and ``chosen`` as in ``categorise_items``; ``where`` says where each item was seen (same
    index, e.g. "register.xlsx, Blad1, rij 12"; default: the index labels). One row per name, compared
    as ``normalise_name`` does and shown as most often written: item, count, where (the first
    ``max_places`` places, then "+N"). Empty names are not listed. Most frequent first, then by name.

    With ``public=True`` no typed name or place is shown: one row, names (different unmatched names)
    and items (items with such a name), both with the small-cell rule (below 10 empty, else rounded to 5).
    No unmatched name: an empty table either way.
    """
    columns = ["names", "items"] if public else ["item", "count", "where"]
    text = items.astype(object).where(items.notna(), None)
    named = text.map(lambda v: v is not None and str(v).strip() != "")
    unmatched = named & categorise_items(items, chosen).isna()
    if not unmatched.any():
        return pd.DataFrame(columns=columns)
    if public:
        names = text[unmatched].map(normalise_name).nunique()
        return small_cell(pd.DataFrame({"names": [names], "items": [int(unmatched.sum())]}), columns)
    places = (items.index.to_series(index=items.index) if where is None else where).astype(str)
    rows = pd.DataFrame({"item": text[unmatched].map(lambda v: str(v).strip()), "place": places[unmatched]})
    rows["key"] = rows["item"].map(normalise_name)
    out = []
    for _, group in rows.groupby("key", sort=False):
        shown = list(group["place"].head(max_places))
        more = len(group) - len(shown)
        out.append({"item": group["item"].value_counts().index[0], "count": len(group),
                    "where": "; ".join(shown) + (f" (+{more})" if more else "")})
    table = pd.DataFrame(out, columns=columns)
    return table.sort_values(["count", "item"], ascending=[False, True], ignore_index=True)


# --- reading ORDS files -----------------------------------------------------------------------

#: Non-ORDS categories for unpowered items, named as in the ORDS unpowered summary
#: (Open Repair Data, aggregated/202507, OpenRepairData_v0.3_unpowered_202507.csv).
UNPOWERED_CATEGORIES = (
    "Unpowered - Bicycle", "Unpowered - Furniture", "Unpowered - Household",
    "Unpowered - Jewellery", "Unpowered - Other", "Unpowered - Textile",
)
#: Columns of each ORDS version (Open Repair Data Standard, standard.openrepair.org).
ORDS_COLUMNS = {
    "0.1": ("id", "data_provider", "country", "language", "product_category", "brand", "model",
            "year_of_manufacture", "repair_status", "group_identifier", "date", "problem"),
    "0.2.1": ("id", "data_provider", "country", "partner_product_category", "product_category", "brand",
              "year_of_manufacture", "repair_status", "repair_barrier_if_end_of_life", "group_identifier",
              "event_date", "problem"),
    "0.3": ("id", "data_provider", "country", "partner_product_category", "product_category",
            "product_category_id", "brand", "year_of_manufacture", "product_age", "repair_status",
            "repair_barrier_if_end_of_life", "group_identifier", "event_date", "problem"),
}
#: ORDS columns kept next to the canonical ``repairs`` columns: where each record comes from.
ORIGIN_COLUMNS = ("data_provider", "country", "group_identifier")
#: Dates before this are placeholders (Repair Café International uses 1999-12-13), not real events.
EARLIEST_REAL_DATE = "2000-01-01"
_TEXT_COLUMNS = ("partner_product_category", "brand", "problem", "group_identifier", "data_provider")


@dataclass
class OrdsRead:
    """What ``read_ords`` found in one file.

    - ``repairs``: the canonical ``repairs`` columns plus ``ORIGIN_COLUMNS``, one row per usable record;
    - ``quarantine``: records set aside (same columns plus ``reason``), e.g. a placeholder date;
    - ``problems``: one row per value that could not be read as it was (``line`` in the file, ``id``,
      ``column``, ``value``, ``problem``); a problem does not drop the record unless it is quarantined.
    """

    version: str
    repairs: pd.DataFrame
    quarantine: pd.DataFrame
    problems: pd.DataFrame


def ords_version(columns) -> str:
    """The ORDS version a header belongs to: "0.3" with product_category_id, "0.1" with a date column, else "0.2.1"."""
    columns = set(columns)
    if "product_category_id" in columns:
        return "0.3"
    if "date" in columns and "event_date" not in columns:
        return "0.1"
    return "0.2.1"


# --- double-encoded text ----------------------------------------------------------------------

#: Some converters write a byte that Windows-1252 leaves undefined (81, 8D, 8F, 90, 9D) as the
#: private-use character U+F1xx: the Restart file has "â€\uf19d" for ” (E2 80 9D). Read as that byte.
_PRIVATE_USE_BYTES = {0xF100 + b: chr(b) for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
#: Mac Roman renderings of a UTF-8 continuation byte after a lost lead byte 0xC3 (shown as "?").
_MAC_ROMAN_LOST_LEAD = re.compile(r"\?([^\x00-\x7f])")


def undo_double_encoding(text: str) -> str | None:
    """The text as it was before UTF-8 was read as Windows-1252 and saved again, or None when it was not.

    Rule: the text is double-encoded only when (1) ALL of it, written back as Windows-1252 bytes
    (ftfy's "sloppy" variant, which keeps the five undefined bytes; see also ``_PRIVATE_USE_BYTES``),
    is valid UTF-8, and (2) it shows the sequences mojibake leaves (ftfy's ``is_bad``, e.g. "â€"),
    or the repaired text has only letters and signs of two-byte UTF-8 (Latin, Greek, Cyrillic,
    Arabic, …) and general punctuation ("–", "’", "€"). Correct text ("café", "l’ouvrir", "Wat?é")
    fails (1); "één’’" passes (1) as "钒" but fails (2). So correct text is never changed.
    """
    if text.isascii():
        return None
    try:
        fixed = text.translate(_PRIVATE_USE_BYTES).encode("sloppy-windows-1252").decode("utf-8")
    except UnicodeError:
        return None
    if fixed == text or not (ftfy.badness.is_bad(text) or all(_plain_character(c) for c in fixed)):
        return None
    return fixed


def _plain_character(c: str) -> bool:
    """A character of two-byte UTF-8 (below U+0800) or general punctuation and currency (U+2000–U+20CF)."""
    return ord(c) < 0x800 or 0x2000 <= ord(c) <= 0x20CF


def undo_lost_lead(text: str) -> str | None:
    """The text before UTF-8 was read as Mac Roman and its lead byte 0xC3 ("√") became "?", or None.

    "é" (C3 A9) shows as "?©". Rule: every non-ASCII character of the text must stand right after a
    "?" and rebuild, with C3 before its Mac Roman byte, a valid UTF-8 letter; otherwise None.
    Only for files that show this pattern (``_has_lost_leads``): on its own "Wat?é" would become "WatÎ".
    """
    if text.isascii() or not _MAC_ROMAN_LOST_LEAD.search(text):
        return None
    if any(not c.isascii() for c in _MAC_ROMAN_LOST_LEAD.sub("", text)):
        return None
    try:
        return _MAC_ROMAN_LOST_LEAD.sub(lambda m: (b"\xc3" + m.group(1).encode("mac_roman")).decode("utf-8"), text)
    except UnicodeError:
        return None


def _has_lost_leads(values) -> bool:
    """A file shows the Mac Roman pattern when some text has "?" before a symbol that rebuilds a letter ("?©" → "é")."""
    for value in values:
        for match in _MAC_ROMAN_LOST_LEAD.finditer(value):
            if not match.group(1).isalpha() and undo_lost_lead(match.group(0)) is not None:
                return True
    return False


def fix_text(text: str, *, lost_lead: bool = False) -> str:
    """Repair double-encoded UTF-8 ("Motherboard â€“ terminal" → "Motherboard – terminal"); other text stays as it is.

    See ``undo_double_encoding``; with ``lost_lead=True`` also the Mac Roman pattern ("d?©faut" →
    "défaut", see ``undo_lost_lead``), which ``read_ords`` turns on only for files that show it.
    """
    fixed = undo_double_encoding(text)
    if fixed is None and lost_lead:
        fixed = undo_lost_lead(text)
    return text if fixed is None else fixed


# --- reading ORDS files -----------------------------------------------------------------------

@cache
def ords_tableschema() -> dict:
    """The field list of the ORDS v0.3 table schema (Open Repair Alliance, aggregated 2025-07), as shipped."""
    with (ORDS_DATA / "tableschema.json").open(encoding="utf-8") as f:
        package = json.load(f)
    return next(r["schema"] for r in package["resources"] if r["name"].startswith("OpenRepairData_v0.3_aggregate"))


#: The ORDS schema's barrier values → the kit's barrier values (``schemas.REPAIR_BARRIERS``).
ORDS_BARRIERS = {
    "Spare parts not available": "Spare parts not available",
    "Spare parts too expensive": "Spare parts too expensive",
    "No way to open product": "No way to open the product",
    "Repair information not available": "Repair information not available",
    "Lack of equipment": "Lack of equipment",
    "Too worn out": "Item too worn out",
}


@cache
def _barrier_lookup() -> dict[str, str]:
    """Every barrier spelling (``header_key`` form) → the kit's barrier: register words, ORDS and kit spellings."""
    lookup = dict(SYNONYMS["repair_barrier"])
    for ords, ours in ORDS_BARRIERS.items():
        lookup[header_key(ords)] = ours
        lookup[header_key(ours)] = ours
    return lookup


def _barrier(value: str) -> str | None:
    """The kit's barrier for a spelling variant ("Too worn out", "No way to open product", "versleten")."""
    return _barrier_lookup().get(header_key(value))


@cache
def _iso_countries() -> frozenset[str]:
    return frozenset(c.alpha_3 for c in pycountry.countries)


@cache
def _known_categories() -> dict[str, str]:
    return {normalise_name(c): c for c in (*product_categories()["product_category"], *UNPOWERED_CATEGORIES)}


def _known_category(value: str) -> str | None:
    """The ORDS (or named unpowered) category for a category name in any case, or None."""
    return _known_categories().get(normalise_name(value))


def _status(value: str) -> str | None:
    return {normalise_name(s): s for s in REPAIR_STATUSES}.get(normalise_name(value or "Unknown"))


def _map_unique(values: pd.Series, function) -> pd.Series:
    """``values.map(function)``, calling the function once per distinct value (files repeat a lot)."""
    return values.map({v: function(v) for v in values.unique()})


#: Separators tried on the header line; the one that names the most ORDS columns wins (ties: comma).
DELIMITERS = (",", ";", "\t")


def _file_text(source) -> tuple[str, str, dict | None]:
    """(name, text, problem): UTF-8 (with or without BOM), else Windows-1252 with a problem naming the
    first bad line. A gzip file (such as the copies in ``tests/data/ords``) is unpacked first."""
    if hasattr(source, "read"):
        data, name = source.read(), getattr(source, "name", "ORDS file")
    else:
        data, name = Path(source).read_bytes(), Path(source).name
    if isinstance(data, str):
        return name, data, None
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    try:
        return name, data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[:error.start].count(b"\n") + 1
        problem = {"line": line, "id": None, "column": None, "value": None,
                   "problem": "file is not UTF-8 (first at this line); read as Windows-1252: check the accented letters "
                              "and save the file as UTF-8"}
        return name, data.decode("cp1252", errors="replace"), problem


def _delimiter(first_line: str) -> str:
    known = set().union(*ORDS_COLUMNS.values())

    def named(delimiter: str) -> int:
        return sum(c.strip() in known for c in next(csv.reader([first_line], delimiter=delimiter), []))

    return max(DELIMITERS, key=named)


def _records(text: str, delimiter: str) -> tuple[list[int], list[list[str]], list[bool]]:
    """Per record: the line it starts on (1 = header), its values, and whether its quote is not closed.

    A quote that is never closed would swallow the rest of the file: such a record (a csv error, or a
    record over several lines with the wrong number of values) is read as its own line only, and
    reading goes on at the next line. Empty lines are skipped.
    """
    try:  # the usual case, fast: one record per line, no blank line
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
        if len(rows) == text.count("\n") + (not text.endswith("\n")) and all(rows):
            return list(range(1, len(rows) + 1)), rows, [False] * len(rows)
    except csv.Error:
        pass
    lines = io.StringIO(text, newline="").readlines()
    starts: list[int] = []
    rows = []
    unclosed: list[bool] = []
    start = 0
    while start < len(lines):
        reader = csv.reader(lines[start:], delimiter=delimiter, strict=True)
        done = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return starts, rows, unclosed
            except csv.Error:
                broken = start + done + 1
                break
            line, span, done = start + done + 1, reader.line_num - done, reader.line_num
            if span > 1 and rows and len(values) != len(rows[0]):
                broken = line
                break
            if values:
                starts.append(line)
                rows.append(values)
                unclosed.append(False)
        starts.append(broken)
        rows.append(next(csv.reader([lines[broken - 1]], delimiter=delimiter), []))
        unclosed.append(True)
        start = broken
    return starts, rows, unclosed


def _regular_table(content: str, delimiter: str, header: list[str]) -> pd.DataFrame | None:
    """The records as text columns when the file is regular (each record one line with one value per
    column, no empty line, no column named twice), read fast with pyarrow; else None."""
    if len(set(header)) != len(header):
        return None
    try:
        table = pa_csv.read_csv(
            io.BytesIO(content.encode("utf-8")),
            read_options=pa_csv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pa_csv.ParseOptions(delimiter=delimiter, newlines_in_values=False),
            convert_options=pa_csv.ConvertOptions(column_types={c: pa.string() for c in header},
                                                  strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:
        return None
    lines = content.count("\n") + (not content.endswith("\n"))
    if table.num_rows != lines - 1:  # an empty line, or a quoted value over a line end: read record by record
        return None
    return table.to_pandas().astype(object)


def _table(content: str, delimiter: str, header: list[str]) -> tuple[pd.DataFrame, pd.Series, list[dict], pd.Series]:
    """(records, line each starts on, problems of the file's structure, why a record is set aside).

    Records are text columns named by the header. A regular file is read at once (``_regular_table``);
    otherwise record by record (``_records``): a line whose quote is not closed, or with more values
    than the header (a separator inside a text without quotes), is set aside; a line with fewer values
    is read with the rest empty and reported; a column named twice is reported and read once.
    """
    regular = _regular_table(content, delimiter, header)
    if regular is not None:
        return regular, pd.Series(regular.index + 2, index=regular.index), [], pd.Series(None, index=regular.index, dtype=object)
    problems: list[dict] = []
    starts, rows, open_quote = _records(content, delimiter)
    width = len(header)
    body = rows[1:]
    lengths = pd.Series([len(r) for r in body], index=pd.RangeIndex(len(body)), dtype=int)
    ragged = lengths != width
    values = [r[:width] + [""] * (width - len(r)) for r in body]
    raw = pd.DataFrame(values, columns=header, dtype=object) if values else pd.DataFrame(columns=header, dtype=object)
    for column in raw.columns[raw.columns.duplicated()].unique():
        problems.append({"line": 1, "id": None, "column": column, "value": None,
                         "problem": "column appears more than once; only the first is read"})
    raw = raw.loc[:, ~raw.columns.duplicated()]
    line = pd.Series(starts[1:], index=raw.index, dtype=int)
    reason = pd.Series(None, index=raw.index, dtype=object)
    unclosed = pd.Series(open_quote[1:], index=raw.index, dtype=bool)
    too_long = pd.Series([len(r) > width and any(v.strip() for v in r[width:]) for r in body], index=raw.index, dtype=bool)
    too_long &= ~unclosed
    last = header[-1]

    def record(i: int, column: str, value: str | None, problem: str) -> None:
        problems.append({"line": int(line[i]), "id": raw.at[i, "id"] if "id" in raw else None,
                         "column": column, "value": value, "problem": problem})

    for i in raw.index[ragged | unclosed]:
        if unclosed[i]:
            record(i, last, delimiter.join(body[i]), "a quote (\") on this line is never closed; the line is set aside: "
                                                      "close the quote")
            reason[i] = "quote not closed on this line"
        elif too_long[i]:
            record(i, last, delimiter.join(body[i][width:]), f"more values than the header has columns ({width}): "
                   "a separator inside a text without quotes? The line is set aside: put the text in quotes")
            reason[i] = "more values than columns"
        elif lengths[i] < width:
            record(i, ", ".join(header[lengths[i]:]), None,
                   f"only {lengths[i]} of {width} values; read the missing ones as empty")
    return raw, line, problems, reason


def read_ords(source, *, earliest_date: str = EARLIEST_REAL_DATE) -> OrdsRead:
    """Read an ORDS CSV file of any version (0.1, 0.2.1, 0.3) into the canonical ``repairs`` table.

    Rules. The file: UTF-8, else read as Windows-1252 and reported; values separated by comma,
    semicolon or tab (whichever the header uses; not a comma is reported). A line whose quote is
    not closed, or with more values than the header (a separator inside a text without quotes),
    goes to ``quarantine``; a line with fewer values is read with the rest empty and reported.
    Values: "????" and "" in ``year_of_manufacture`` mean unknown; a year outside 1900–2100 is
    reported and left empty. ``product_age`` must be a number of years (0 or more), else reported;
    it gives the year of manufacture when that is empty (event year − age). ``brand`` "Unknown"
    becomes empty. Text is repaired with ``fix_text`` (the Mac Roman pattern only in files that show
    it). Status and barrier spellings are matched without case or punctuation; an unknown status
    becomes "Unknown", an unknown barrier empty, both reported. A product category outside the ORDS
    list (and the named unpowered ones) is reported and left empty; a ``product_category_id`` outside
    the list is reported; an empty category with a known id is filled from the id (reported); an id
    that belongs to another category is reported and the category left empty. A country that is not
    an ISO 3166 alpha-3 code is reported (kept). Records whose id is empty or already used, or whose
    date is unreadable or before ``earliest_date``, go to ``quarantine`` with the reason. Unknown
    columns are reported, not read. A file whose header names no ORDS column raises ``UserError``.
    """
    name, content, encoding_problem = _file_text(source)
    problems: list[dict] = [encoding_problem] if encoding_problem else []
    first_line = content.split("\n", 1)[0]
    delimiter = _delimiter(first_line)
    header = [c.strip() for c in next(csv.reader([first_line], delimiter=delimiter), [])]
    known_columns = set().union(*ORDS_COLUMNS.values())
    if not known_columns & set(header):
        raise UserError(message("repair.error.not_ords", name=name))
    if delimiter != ",":
        problems.append({"line": 1, "id": None, "column": None, "value": delimiter,
                         "problem": "values are separated by this character, not by a comma; read that way"})
    raw, line, structure, reason = _table(content, delimiter, header)
    problems += structure

    def report(mask: pd.Series, column: str, problem: str, value: pd.Series | None = None) -> None:
        shown = text[column] if value is None else value  # text: all ORDS columns, set below
        for i in raw.index[mask]:
            problems.append({"line": int(line[i]), "id": raw.at[i, "id"] if "id" in raw else None,
                             "column": column, "value": shown[i], "problem": problem})

    def set_aside(mask: pd.Series, why: pd.Series | str) -> None:
        new = mask & reason.isna()
        reason[new] = why if isinstance(why, str) else why[new]

    version = ords_version(raw.columns)
    for column in raw.columns:
        if column not in known_columns:
            problems.append({"line": 1, "id": None, "column": column, "value": None,
                             "problem": "unknown column, not read"})
    text = raw.reindex(columns=sorted(known_columns), fill_value="").fillna("")
    lost_lead = _has_lost_leads(v for column in _TEXT_COLUMNS for v in text[column].unique())
    for column in _TEXT_COLUMNS:
        text[column] = _map_unique(text[column], lambda v: fix_text(v, lost_lead=lost_lead))

    out = pd.DataFrame(index=raw.index)
    out["repair_id"] = text["id"]
    date_text = text["event_date"].where(text["event_date"] != "", text["date"])
    out["date"] = pd.to_datetime(date_text, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")

    category = _map_unique(text["product_category"], _known_category)
    report((text["product_category"] != "") & category.isna(), "product_category", "category not in the ORDS list")
    ids = dict(zip(product_categories()["product_category_id"].astype(str), product_categories()["product_category"]))
    id_text = text["product_category_id"].str.strip()
    id_category = id_text.map(ids)
    report((id_text != "") & id_category.isna(), "product_category_id", "id not in the ORDS list of categories (1–40)")
    filled = (text["product_category"] == "") & id_category.notna()
    report(filled, "product_category", "empty; filled in from product_category_id", value=id_category)
    category = category.where(~filled, id_category)
    wrong_id = ~filled & id_category.notna() & category.notna() & (id_category != category)
    report(wrong_id, "product_category_id", "id does not belong to the product category")
    category = category.where(~wrong_id)
    out["product_category"] = category.astype(object).where(category.notna(), None)
    out["partner_product_category"] = _none_if_empty(text["partner_product_category"])
    out["brand"] = _none_if_empty(text["brand"].where(text["brand"].str.lower() != "unknown", ""))

    year_text = text["year_of_manufacture"].where(~text["year_of_manufacture"].isin(["", "????"]))
    year = pd.to_numeric(year_text, errors="coerce")
    bad_year = year_text.notna() & ~year.between(1900, 2100)
    report(bad_year, "year_of_manufacture", "not a year between 1900 and 2100")
    year = year.where(~bad_year)
    age_text = text["product_age"].str.strip()
    age = pd.to_numeric(age_text.where(age_text != ""), errors="coerce")
    bad_age = (age_text != "") & ~(age >= 0)
    report(bad_age, "product_age", "not a number of years (0 or more)")
    out["product_age"] = age.where(~bad_age).astype(float)
    from_age = (out["date"].dt.year - out["product_age"]).round()
    year = year.where(year.notna() | ~from_age.between(1900, 2100), from_age)
    out["year_of_manufacture"] = year.astype("Int64")

    out["problem"] = _none_if_empty(text["problem"])
    status = _map_unique(text["repair_status"], _status)
    report(status.isna(), "repair_status", "unknown repair status, read as Unknown")
    out["repair_status"] = status.fillna("Unknown").astype(object)
    barrier_text = text["repair_barrier_if_end_of_life"]
    barrier = _map_unique(barrier_text, _barrier)
    report((barrier_text != "") & barrier.isna(), "repair_barrier_if_end_of_life", "unknown repair barrier")
    report(barrier.notna() & (out["repair_status"] != "End of life"), "repair_barrier_if_end_of_life",
           "barrier given for an item that is not End of life (kept)")
    out["repair_barrier"] = barrier.astype(object).where(barrier.notna(), None)
    report((text["country"] != "") & ~text["country"].isin(_iso_countries()), "country",
           "not an ISO 3166 alpha-3 country code (such as NLD); kept as written")
    for column in ORIGIN_COLUMNS:
        out[column] = _none_if_empty(text[column])

    no_id = text["id"].str.strip() == ""
    report(no_id & reason.isna(), "id", "id is empty; the record is set aside")
    set_aside(no_id, "id missing")
    first_line_of_id = line.groupby(text["id"]).transform("min")
    again = ~no_id & reason.isna() & text["id"].duplicated(keep="first")
    again_reason = "id already used on line " + first_line_of_id.astype(str)
    report(again, "id", "id already used earlier in the file; the record is set aside", value=again_reason)
    set_aside(again, again_reason)
    set_aside(out["date"].isna(), "date missing or not YYYY-MM-DD")
    set_aside(out["date"] < pd.Timestamp(earliest_date), f"placeholder date (before {earliest_date})")
    quarantined = reason.notna()
    quarantine = out[quarantined].assign(reason=reason[quarantined]).reset_index(drop=True)
    problem_table = pd.DataFrame(problems, columns=["line", "id", "column", "value", "problem"])
    problem_table = problem_table.sort_values("line", kind="stable", ignore_index=True)
    return OrdsRead(version, out[~quarantined].reset_index(drop=True), quarantine, problem_table)


def _none_if_empty(values: pd.Series) -> pd.Series:
    values = values.astype(object)
    return values.where(values != "", None)


def canonical_repairs(repairs: pd.DataFrame) -> pd.DataFrame:
    """Only the columns of the canonical ``repairs`` table (drops ``ORIGIN_COLUMNS``)."""
    return repairs[TABLES["repairs"].column_names]


# --- writing ORDS -----------------------------------------------------------------------------

WERKPLAATS_PROVIDER = "Werkplaats Duurzaam"
WERKPLAATS_GROUP = "Werkplaats Duurzaam Oude Westen"


def ords_ids(repair_ids: pd.Series, *, prefix: str = "werkplaats") -> pd.Series:
    """ORDS ids of the form the schema asks (``^[a-z]+-[0-9]+$``): prefix, "-", the digits of the repair id.

    "rc_20240203_01" → "werkplaats-2024020301", so an ORDS record can be traced back. When some
    repair id has no digits, or two give the same digits, every row is numbered 1, 2, … in table order.
    """
    if not re.fullmatch(r"[a-z]+", prefix):
        raise ValueError(f"an ORDS id prefix is lower-case letters only, not {prefix!r}")
    digits = repair_ids.astype(str).str.replace(r"\D", "", regex=True)
    if (digits == "").any() or digits.duplicated().any():
        digits = pd.Series(range(1, len(repair_ids) + 1), index=repair_ids.index).astype(str)
    return prefix + "-" + digits


def to_ords(repairs: pd.DataFrame, *, data_provider: str = WERKPLAATS_PROVIDER, country: str = "NLD",
            group_identifier: str = WERKPLAATS_GROUP, id_prefix: str = "werkplaats") -> pd.DataFrame:
    """The canonical ``repairs`` table as ORDS v0.3 rows (all columns text, in ORDS order).

    Rules: ``id`` from ``ords_ids`` (the schema's pattern); ``product_category_id`` from the ORDS
    list (empty for unpowered items, which have no id); barriers in the schema's spelling
    (``ORDS_BARRIERS``: "Too worn out", "No way to open product"); an unknown brand is written
    "Unknown" as ORDS does; ``product_age`` = year of the event minus year of manufacture, empty when
    the year is unknown; dates as YYYY-MM-DD.
    """
    ids = dict(zip(product_categories()["product_category"], product_categories()["product_category_id"].astype(str)))
    to_schema = {ours: theirs for theirs, ours in ORDS_BARRIERS.items()}
    year = repairs["year_of_manufacture"].astype("Int64")
    age = (repairs["date"].dt.year.astype("Int64") - year)
    out = pd.DataFrame({
        "id": ords_ids(repairs["repair_id"], prefix=id_prefix),
        "data_provider": data_provider,
        "country": country,
        "partner_product_category": repairs["partner_product_category"],
        "product_category": repairs["product_category"],
        "product_category_id": repairs["product_category"].map(ids),
        "brand": repairs["brand"].fillna("Unknown"),
        "year_of_manufacture": year.astype(str).replace("<NA>", ""),
        "product_age": age.astype(str).replace("<NA>", ""),
        "repair_status": repairs["repair_status"],
        "repair_barrier_if_end_of_life": repairs["repair_barrier"].map(to_schema),
        "group_identifier": group_identifier,
        "event_date": repairs["date"].dt.strftime("%Y-%m-%d"),
        "problem": repairs["problem"],
    }, columns=list(ORDS_COLUMNS["0.3"]))
    return out.fillna("").astype(object)


#: ORDS columns that hold text a volunteer typed (item name, brand, problem): kept off a public page.
TYPED_ORDS_COLUMNS = ("partner_product_category", "brand", "problem")


def ords_preview(repairs: pd.DataFrame, *, public: bool = False, rows: int = 5) -> pd.DataFrame:
    """The first ``rows`` rows of ``to_ords(repairs)``; with ``public=True`` without the typed text
    (``TYPED_ORDS_COLUMNS``), which may hold names. ``NoData("repair.no_data")`` when there are no repairs."""
    preview = to_ords(require(repairs, "repair.no_data").head(rows))
    return preview.drop(columns=list(TYPED_ORDS_COLUMNS)) if public else preview


def write_ords(repairs: pd.DataFrame, path, **kw) -> None:
    """Write the canonical ``repairs`` table as an ORDS v0.3 CSV file (UTF-8); options as in ``to_ords``."""
    to_ords(repairs, **kw).to_csv(path, index=False, encoding="utf-8")


def _truthy(value) -> bool:
    return value is True or str(value).lower() == "true"


def _enum(value) -> list[str]:
    """An enum constraint as a list; the ORDS schema writes it as one text "[Fixed, Repairable, …]"."""
    return [v.strip() for v in value.strip("[]").split(",")] if isinstance(value, str) else list(value)


def _type_ok(value: str, kind: str) -> bool:
    if kind == "integer":
        return re.fullmatch(r"[+-]?[0-9]+", value) is not None
    if kind == "number":
        try:
            return np.isfinite(float(value))
        except ValueError:
            return False
    if kind == "date":
        try:
            return len(value) == 10 and bool(date.fromisoformat(value))
        except ValueError:
            return False
    return True


def tableschema_problems(path, *, schema: dict | None = None) -> pd.DataFrame:
    """Every way a CSV file breaks the ORDS v0.3 table schema: line, column, value, problem (empty = valid).

    Checks what the schema (default ``ords_tableschema``) states: the header (its fields, in order);
    per value its type (integer, number, date as YYYY-MM-DD) and constraints: pattern (the whole
    value), enum (written as "[a, b, …]" in the ORDS schema), minimum/maximum (on a string field
    the ORDS schema means its length: country "3"), unique, required (the primary key is required
    and unique). A value in the field's ``missingValues`` (default: empty) is missing: only
    ``required`` applies to it.
    """
    schema = ords_tableschema() if schema is None else schema
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    fields = schema["fields"]
    names = [f["name"] for f in fields]
    problems = []
    if rows[0] != names:
        problems.append((1, None, ",".join(rows[0]), f"header is not the schema's fields in order: {','.join(names)}"))
    key = schema.get("primaryKey")
    key = {key} if isinstance(key, str) else set(key or ())
    for position, field in enumerate(fields):
        constraints = field.get("constraints", {})
        missing = set(field.get("missingValues", [""]))
        required = _truthy(constraints.get("required")) or field["name"] in key
        unique = _truthy(constraints.get("unique")) or field["name"] in key
        seen: dict[str, int] = {}
        for line, row in enumerate(rows[1:], start=2):
            value = row[position] if position < len(row) else ""

            def bad(problem: str) -> None:
                problems.append((line, field["name"], value, problem))

            if value in missing:
                if required:
                    bad("required value missing")
                continue
            if not _type_ok(value, field["type"]):
                bad(f"not of type {field['type']}")
            if "pattern" in constraints and not re.fullmatch(constraints["pattern"], value):
                bad(f"does not match the pattern {constraints['pattern']}")
            if "enum" in constraints and value not in _enum(constraints["enum"]):
                bad(f"not one of {', '.join(_enum(constraints['enum']))}")
            numeric = field["type"] in ("integer", "number") and _type_ok(value, field["type"])
            size = len(value) if field["type"] == "string" else (float(value) if numeric else None)
            if size is not None and "minimum" in constraints and size < float(constraints["minimum"]):
                bad(f"below the minimum {constraints['minimum']}")
            if size is not None and "maximum" in constraints and size > float(constraints["maximum"]):
                bad(f"above the maximum {constraints['maximum']}")
            if unique and value in seen:
                bad(f"not unique: also on line {seen[value]}")
            seen.setdefault(value, line)
    return pd.DataFrame(problems, columns=["line", "column", "value", "problem"])


# --- impact (the Restart Project's Fixometer rule) ----------------------------------------------

#: Restart's unpowered categories (restarters.net, 2021) for the named unpowered categories.
UNPOWERED_LCA = {
    "Unpowered - Textile": "Clothing/textile",
    "Unpowered - Bicycle": "Bicycle",
    "Unpowered - Furniture": "Furniture",
    "Unpowered - Jewellery": "Jewellery",
    "Unpowered - Household": "Misc (unpowered)",
    "Unpowered - Other": "Misc (unpowered)",
}
#: A repair extends a product's life by half, so it avoids half its production footprint (Restart Project).
DISPLACEMENT = 0.5
SOURCE_ORDS_LCA = "Open Repair Alliance, ords_category_lca_reference.csv (CC BY-SA 4.0)"
SOURCE_RESTART_LCA = "The Restart Project, restarters.net LCA 2021 (CC BY-SA 4.0)"


@cache
def impact_factors() -> pd.DataFrame:
    """Weight (kg), production footprint (kg CO2e) and CO2e avoided per fixed item, per category, with source.

    The 40 ORDS categories come from the ORDS reference table (Restart values, proxies where Restart
    has none); unpowered categories from Restart's own table (``UNPOWERED_LCA``). CO2e avoided =
    footprint × ``DISPLACEMENT`` (0.5).
    """
    ords = _read("category_lca_reference.csv")
    restart = _read("restarters_categories_lca_2021.csv").set_index("name")
    rows = [(r.product_category, float(r.weight), float(r.footprint), SOURCE_ORDS_LCA) for r in ords.itertuples()]
    rows += [(category, float(restart.at[name, "weight_kg"]), float(restart.at[name, "footprint_kgco2e"]), SOURCE_RESTART_LCA)
             for category, name in UNPOWERED_LCA.items()]
    out = pd.DataFrame(rows, columns=["product_category", "weight_kg", "footprint_kg_co2e", "source"])
    out["co2e_avoided_kg"] = out["footprint_kg_co2e"] * DISPLACEMENT
    return out[["product_category", "weight_kg", "footprint_kg_co2e", "co2e_avoided_kg", "source"]]


def impact(repairs: pd.DataFrame) -> pd.DataFrame:
    """Waste prevented and CO2e avoided per product category, as the Fixometer counts them.

    Only items with status Fixed count. Per fixed item: waste prevented = the category's weight (kg),
    CO2e avoided = footprint × 0.5 (see ``impact_factors``). Fixed items without a category (a row
    with an empty category) or in a category without a factor are counted in ``fixed`` but add
    nothing (their kg and CO2e are empty).
    Columns: product_category, fixed, waste_prevented_kg, co2e_avoided_kg; sorted by CO2e avoided.
    """
    fixed = repairs[repairs["repair_status"] == "Fixed"]
    counts = fixed["product_category"].value_counts(dropna=False).rename("fixed").reset_index()
    factors = impact_factors().set_index("product_category")
    counts["waste_prevented_kg"] = counts["product_category"].map(factors["weight_kg"]) * counts["fixed"]
    counts["co2e_avoided_kg"] = counts["product_category"].map(factors["co2e_avoided_kg"]) * counts["fixed"]
    return counts.sort_values(["co2e_avoided_kg", "fixed"], ascending=False, na_position="last").reset_index(drop=True)


def impact_totals(repairs: pd.DataFrame) -> dict[str, float]:
    """Fixed items, waste prevented (kg) and CO2e avoided (kg) in total (see ``impact``)."""
    table = impact(repairs)
    return {
        "fixed": int(table["fixed"].sum()),
        "waste_prevented_kg": float(table["waste_prevented_kg"].sum()),
        "co2e_avoided_kg": float(table["co2e_avoided_kg"].sum()),
    }


def barriers(repairs: pd.DataFrame) -> pd.DataFrame:
    """Why repairs failed: End of life items per barrier (an empty barrier counts as "not recorded", None).

    Columns: repair_barrier, items, share (of all End of life items); most frequent first.
    """
    end_of_life = repairs[repairs["repair_status"] == "End of life"]
    out = end_of_life["repair_barrier"].value_counts(dropna=False).rename("items").reset_index()
    out["share"] = out["items"] / len(end_of_life) if len(end_of_life) else 0.0
    return out


# --- repair rates -----------------------------------------------------------------------------

def wilson_interval(successes, trials, *, confidence: float = 0.95):
    """Wilson score interval for a proportion (Wilson 1927); works on numbers or arrays. Returns (low, high)."""
    successes = np.asarray(successes, dtype=float)
    trials = np.asarray(trials, dtype=float)
    z = NormalDist().inv_cdf(0.5 + confidence / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = successes / trials
        centre = (p + z**2 / (2 * trials)) / (1 + z**2 / trials)
        half = z * np.sqrt(p * (1 - p) / trials + z**2 / (4 * trials**2)) / (1 + z**2 / trials)
    return centre - half, centre + half


def repair_rates(repairs: pd.DataFrame, *, by: str = "product_category", confidence: float = 0.95,
                 min_items: int = 1) -> pd.DataFrame:
    """Share of items fixed per group, with a Wilson confidence interval.

    Rate = items with status Fixed ÷ all items in the group (Repairable, End of life and Unknown
    count as not fixed; this is how Repair Café International's Dutch rates are computed). Items
    without a group value are left out. Groups with fewer than ``min_items`` items are left out.
    Columns: <by>, items, fixed, rate, ci_low, ci_high (rates as fractions 0–1).
    """
    grouped = repairs.dropna(subset=[by]).groupby(by)["repair_status"]
    out = pd.DataFrame({"items": grouped.size(), "fixed": grouped.apply(lambda s: int((s == "Fixed").sum()))})
    out = out[out["items"] >= min_items].reset_index()
    out["rate"] = out["fixed"] / out["items"]
    out["ci_low"], out["ci_high"] = wilson_interval(out["fixed"], out["items"], confidence=confidence)
    return out.sort_values("items", ascending=False).reset_index(drop=True)


#: The Repair Café International file the Dutch rates come from (Open Repair Data, CC BY-SA 4.0).
RCI_FILE = "OpenRepairData_v0.2.1_RepairCafeInternational_202009.csv"
SOURCE_DUTCH_RATES = ("Open Repair Data, Repair Café International 2020-09 (ORDS v0.2.1), "
                      "Nederlandse Repair Cafés 2016–2020, CC BY-SA 4.0")


def dutch_repair_rates(rci: OrdsRead) -> pd.DataFrame:
    """Repair rate per ORDS category of Dutch Repair Cafés (country NLD) in a Repair Café International file.

    ``rci`` is ``read_ords(<RCI file>)``. Same rule as ``repair_rates``. Records quarantined only for
    their placeholder date still count: the outcome of a repair does not depend on its date (this
    gives the published figures, e.g. vacuum 1,007 fixed of 1,645 = 61.2 %; without them 61.3 %).
    A ``source`` column says where the figures come from. Shipped as ``data/ords/dutch_repair_rates.csv``.
    """
    dated_placeholder = rci.quarantine[rci.quarantine["reason"].str.startswith("placeholder date")]
    records = pd.concat([rci.repairs, dated_placeholder.drop(columns="reason")], ignore_index=True)
    out = repair_rates(records[records["country"] == "NLD"])
    out["source"] = SOURCE_DUTCH_RATES
    return out


@cache
def shipped_dutch_repair_rates() -> pd.DataFrame:
    """The Dutch repair rates shipped with the kit (built by ``dutch_repair_rates`` from the RCI file)."""
    df = _read("dutch_repair_rates.csv")
    for column in ("items", "fixed"):
        df[column] = df[column].astype(int)
    for column in ("rate", "ci_low", "ci_high"):
        df[column] = df[column].astype(float)
    return df


# --- notebook summary -------------------------------------------------------------------------

def summary(repairs: pd.DataFrame, *, lang: str = "en", demo: bool = False) -> str:
    """Three Markdown lines for the top of notebook 04, from the data: question, data, main finding.

    The finding: the share fixed with its Wilson interval (``repair_rates``' rule, all items), the
    Dutch Repair Cafés' share (all items of the shipped table), and the impact (``impact_totals``).
    No repairs: the question and one line saying so.
    """
    lines = [t("repair.summary.question", lang)]
    if repairs.empty:
        return "  \n".join([*lines, t("repair.summary.empty", lang)])
    items = len(repairs)
    fixed = int((repairs["repair_status"] == "Fixed").sum())
    low, high = wilson_interval(fixed, items)
    dutch = shipped_dutch_repair_rates()
    totals = impact_totals(repairs)
    lines.append(t("repair.summary.data", lang, items=format_number(items, lang),
                   first=format_date(repairs["date"].min(), lang), last=format_date(repairs["date"].max(), lang),
                   source=t("repair.summary.demo" if demo else "repair.summary.register", lang)))
    lines.append(t("repair.summary.finding", lang, share=format_number(100 * fixed / items, lang),
                   low=format_number(100 * float(low), lang), high=format_number(100 * float(high), lang),
                   dutch=format_number(100 * dutch["fixed"].sum() / dutch["items"].sum(), lang),
                   co2e=format_number(totals["co2e_avoided_kg"], lang), kg=format_number(totals["waste_prevented_kg"], lang)))
    return "  \n".join(lines)


# --- charts -----------------------------------------------------------------------------------

_STATUS_KEYS = {"Fixed": "fixed", "Repairable": "repairable", "End of life": "end_of_life", "Unknown": "unknown"}


def category_label(category: object, lang: str = "nl") -> str:
    """The category as a reader of ``lang`` sees it ("Coffee maker" → "Koffiezetapparaat" in Dutch)."""
    if category is None or pd.isna(category):
        return t("repair.category.none", lang)
    return t("repair.category." + normalise_name(category).replace(" ", "_"), lang)


_LEGEND = alt.Legend(orient="top", direction="vertical", labelLimit=0)


def _sources(lang: str, demo: bool, *others: str) -> str:
    """One caption: where the items come from (register or demo data), then the reference sources."""
    first = t("source.demo", lang) if demo else t("repair.source", lang)
    return "; ".join([first, *(t(key, lang).split(": ", 1)[-1] for key in others)])


def outcomes_chart(repairs: pd.DataFrame, *, lang: str = "nl", demo: bool = False) -> alt.TopLevelMixin:
    """Stacked bars: items per month, coloured by outcome (Fixed first). ``NoData`` without repairs."""
    require(repairs, "repair.no_data")
    statuses = [t(f"repair.status.{k}", lang) for k in _STATUS_KEYS.values()]
    data = pd.DataFrame({
        "month": repairs["date"].dt.to_period("M").dt.to_timestamp(),
        "status": repairs["repair_status"].map(lambda s: t(f"repair.status.{_STATUS_KEYS[s]}", lang)),
    }).value_counts().rename("items").reset_index()
    chart = alt.Chart(data, title=t("repair.title.outcomes", lang)).mark_bar().encode(
        x=alt.X("yearmonth(month):T", title=t("repair.axis.month", lang)),
        y=alt.Y("items:Q", title=t("repair.axis.items", lang), stack="zero"),
        color=alt.Color("status:N", title=t("repair.legend.status", lang), sort=statuses, legend=_LEGEND,
                        scale=alt.Scale(domain=statuses, range=[PALETTE[2], PALETTE[1], PALETTE[3], MUTED])),
        order=alt.Order("status_order:Q"),
        tooltip=[alt.Tooltip("yearmonth(month):T", title=t("repair.axis.month", lang)),
                 alt.Tooltip("status:N", title=t("repair.legend.status", lang)),
                 alt.Tooltip("items:Q", title=t("repair.axis.items", lang))],
    ).transform_calculate(status_order=f"indexof({statuses!r}, datum.status)")
    return with_source(chart, _sources(lang, demo))


def impact_chart(repairs: pd.DataFrame, *, measure: str = "co2e", lang: str = "nl", demo: bool = False) -> alt.TopLevelMixin:
    """Horizontal bars per category: CO2e avoided (``measure="co2e"``) or waste prevented (``"kg"``) by fixed items.
    ``NoData`` without repairs."""
    require(repairs, "repair.no_data")
    column = {"co2e": "co2e_avoided_kg", "kg": "waste_prevented_kg"}[measure]
    data = impact(repairs).dropna(subset=[column])
    data = data[data[column] > 0].assign(label=lambda d: d["product_category"].map(lambda c: category_label(c, lang)))
    axis = t(f"repair.axis.{measure}", lang)
    chart = alt.Chart(data, title=t(f"repair.title.{measure}", lang)).mark_bar().encode(
        x=alt.X(f"{column}:Q", title=axis),
        y=alt.Y("label:N", title=t("repair.axis.category", lang), sort="-x"),
        tooltip=[alt.Tooltip("label:N", title=t("repair.axis.category", lang)),
                 alt.Tooltip("fixed:Q", title=t("repair.status.fixed", lang)),
                 alt.Tooltip(f"{column}:Q", title=axis, format=",.1f")],
    ).properties(height=alt.Step(30))
    return with_source(chart, _sources(lang, demo, "source.restart"))


def rates_chart(repairs: pd.DataFrame, *, lang: str = "nl", demo: bool = False, min_items: int = 10,
                dutch: pd.DataFrame | None = None) -> alt.TopLevelMixin:
    """Share fixed per category with its Wilson interval, next to the Dutch Repair Café rate (shipped table).

    Only categories with at least ``min_items`` items here are shown (a rate of 2 items says little).
    ``NoData`` without repairs.
    """
    require(repairs, "repair.no_data")
    dutch = shipped_dutch_repair_rates() if dutch is None else dutch
    ours = repair_rates(repairs, min_items=min_items).assign(series=t("repair.series.ours", lang))
    theirs = dutch[dutch["product_category"].isin(ours["product_category"])].assign(series=t("repair.series.dutch", lang))
    data = pd.concat([ours, theirs[ours.columns]], ignore_index=True)
    data["label"] = data["product_category"].map(lambda c: category_label(c, lang))
    series = [t("repair.series.ours", lang), t("repair.series.dutch", lang)]
    base = alt.Chart(data).encode(
        y=alt.Y("label:N", title=t("repair.axis.category", lang)),
        yOffset=alt.YOffset("series:N", sort=series),
        color=alt.Color("series:N", title=t("repair.legend.series", lang), sort=series, legend=_LEGEND,
                        scale=alt.Scale(domain=series, range=[PALETTE[0], PALETTE[1]])),
    )
    interval = base.mark_rule(strokeWidth=3).encode(x=alt.X("ci_low:Q", title=t("repair.axis.rate", lang),
                                                            axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
                                                    x2="ci_high:Q")
    point = base.mark_point(filled=True, size=120).encode(
        x="rate:Q",
        tooltip=[alt.Tooltip("label:N", title=t("repair.axis.category", lang)), "series:N",
                 alt.Tooltip("rate:Q", title=t("repair.axis.rate", lang), format=".0%"),
                 alt.Tooltip("items:Q", title=t("repair.axis.items", lang))],
    )
    chart = (interval + point).properties(title=alt.Title(t("repair.title.rates", lang),
                                                          subtitle=t("repair.subtitle.rates", lang, n=min_items)))
    return with_source(chart, _sources(lang, demo, "repair.source_dutch"))
