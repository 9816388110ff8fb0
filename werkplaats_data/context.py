"""Poverty context of the Oude Westen: CBS key figures, the Rotterdam Wijkprofiel, buurt boundaries.

Everything works offline from snapshots shipped in ``werkplaats_data/data/cbs/`` (sources and
licences in its README). ``kwb_live(year)`` asks CBS StatLine for any KWB year through
``cbsodata`` and falls back to the snapshot, with a message, when there is no internet.

KWB tables come out *tidy*: one row per year, area and variable, with columns
``year, area_code, area_name, variable, value, unit, source``. Rules (REFERENCES.md §1):

- "." (CSV) or null (OData) means *not available* and becomes NaN, never 0;
- percentages stay plain numbers (24.5 means 24.5 %);
- income and home value are published × €1000 and are given here in euros (20.5 → 20 500);
- KWB 2014 gives age, origin and household types as percentages, later years as counts: the
  ``unit`` column says which; ``kwb_shares()`` makes them comparable;
- area codes are stripped of padding; a CBS wijk name's "Wijk 01 " prefix is dropped.
"""

from __future__ import annotations

import json
import re
import threading
import time
import warnings
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import altair as alt
import pandas as pd

from werkplaats_data.charts import with_source
from werkplaats_data.errors import message
from werkplaats_data.facts import facts
from werkplaats_data.i18n import format_number, t

OUDE_WESTEN = "BU05990111"
ROTTERDAM_CENTRUM = "WK059901"
ROTTERDAM = "GM0599"
AREAS = (OUDE_WESTEN, ROTTERDAM_CENTRUM, ROTTERDAM)

#: CBS StatLine table ids of "Kerncijfers wijken en buurten" per year (REFERENCES.md §1 from 2017; 2014–2016
#: from the StatLine catalogue, as cited in many public KWB scripts).
KWB_TABLES = {2014: "82931NED", 2015: "83220NED", 2016: "83487NED", 2017: "83765NED", 2018: "84286NED", 2019: "84583NED", 2020: "84799NED", 2021: "85039NED",
              2022: "85318NED", 2023: "85618NED", 2024: "85984NED", 2025: "86165NED"}

TIDY_COLUMNS = ["year", "area_code", "area_name", "variable", "value", "unit", "source"]
#: The years notebook 02 compares, and the figures it compares (income, poverty, housing, energy).
SERIES_YEARS = tuple(range(2014, 2025))
COMPARISON_VARIABLES = ("income_per_inhabitant", "persons_lowest_40pct", "low_income_households",
                        "social_minimum_households", "corporation_owned", "owner_occupied", "home_value",
                        "gas_per_dwelling", "electricity_per_dwelling", "inhabitants")
#: Seconds all live StatLine fetches of one call may take together (cbsodata itself sets no timeout).
FETCH_TIMEOUT = 30.0
KWB_LICENCE = "CC BY 4.0"
WIJKPROFIEL_SOURCE = "Gemeente Rotterdam, Wijkprofiel"


def _data(name: str):
    return files("werkplaats_data") / "data" / "cbs" / name


def _read_csv(name: str, **kwargs) -> pd.DataFrame:
    with _data(name).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, **kwargs)


def kwb_source(year: int) -> str:
    """The caption for KWB figures of one year."""
    table = f", StatLine {KWB_TABLES[year]}" if year in KWB_TABLES else ""
    return f"CBS Kerncijfers wijken en buurten {year}{table} ({KWB_LICENCE})"


@cache
def kwb_variables() -> pd.DataFrame:
    """Our dictionary of KWB variables: variable, cbs_label, odata_names, unit, unit_2014, scale, base, label_nl, label_en.

    ``odata_names`` lists the StatLine column names without their number suffix, "|"-separated
    when CBS renamed a column between years. ``scale`` multiplies the published value (1000 for
    figures published × €1000). ``unit_2014`` is the unit in KWB 2014 where it differs.
    """
    return _read_csv("kwb_variables.csv", dtype=str, keep_default_na=False).assign(
        scale=lambda d: d["scale"].astype(float))


def parse_number(text) -> float:
    """A number as CBS publishes it: "24,5" → 24.5; "." or empty or null → NaN (not 0)."""
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return float("nan")
    if isinstance(text, (int, float)):
        return float(text)
    text = str(text).strip()
    if text in ("", ".", "-", "x"):
        return float("nan")
    return float(text.replace(".", "").replace(",", ".")) if "," in text else float(text)


def _area_name(name: str) -> str:
    return re.sub(r"^Wijk \d+\s+", "", str(name).strip())


def _finish(table: pd.DataFrame) -> pd.DataFrame:
    """Apply the dictionary's unit and scale rules to a table with year, area_code, area_name, variable, raw value."""
    spec = kwb_variables().set_index("variable")
    table = table[table["variable"].isin(spec.index)].copy()
    table["value"] = table["value"].map(parse_number) * table["variable"].map(spec["scale"])
    unit_2014 = table["variable"].map(spec["unit_2014"])
    table["unit"] = table["variable"].map(spec["unit"]).where(~((table["year"] == 2014) & (unit_2014 != "")), unit_2014)
    table["area_code"] = table["area_code"].str.strip()
    table["area_name"] = table["area_name"].map(_area_name)
    table["year"] = table["year"].astype(int)
    return table[TIDY_COLUMNS].reset_index(drop=True)


@cache
def _kwb_snapshot() -> pd.DataFrame:
    raw = _read_csv("kwb2014_2018_oude_westen_extract.csv", dtype=str, keep_default_na=False)
    labels = kwb_variables().set_index("cbs_label")["variable"]
    table = pd.DataFrame({
        "year": raw["kwb_year"].astype(int), "area_code": raw["code"], "area_name": raw["name"],
        "variable": raw["variable"].map(labels), "value": raw["value_as_published"],
    })
    table["source"] = table["year"].map(kwb_source)
    return _finish(table)


def kwb_snapshot() -> pd.DataFrame:
    """The shipped KWB 2014–2018 snapshot (Oude Westen, Rotterdam Centrum, Rotterdam) as a tidy table."""
    return _kwb_snapshot().copy()


def kwb_newer_reference() -> pd.DataFrame:
    """A few newer KWB figures for Oude Westen kept offline (2024: inhabitants, lowest 40 %), tidy."""
    return _read_csv("kwb_newer_reference.csv", dtype={"area_code": str})[TIDY_COLUMNS]


def _base_name(column: str) -> str:
    """A StatLine column name without its number suffix: ``AantalInwoners_5`` → ``AantalInwoners``."""
    return re.sub(r"_\d+$", "", column)


def _normal(name: str) -> str:
    """A name or title reduced for matching: no suffix, lower case, letters and digits only, no trailing "totaal".

    "GemiddeldAardgasverbruikTotaal", "GemiddeldAardgasverbruik_55" and the title "Gemiddeld
    aardgasverbruik totaal" all become "gemiddeldaardgasverbruik".
    """
    text = re.sub(r"[^a-z0-9]", "", _base_name(str(name)).lower())
    return re.sub(r"totaal$", "", text)


def match_columns(columns, properties: pd.DataFrame | None = None) -> tuple[dict[str, str], list[str]]:
    """Which StatLine column holds which dictionary variable, and which variables were not found.

    Rules, in this order, for each variable of ``kwb_variables()``:

    1. a column whose name without suffix is one of the variable's ``odata_names``;
    2. a column whose name, reduced by ``_normal``, equals a reduced ``odata_names`` entry or the
       reduced ``cbs_label`` (so "GemiddeldAardgasverbruik_55" of 2024 finds the gas variable);
    3. a column whose ``DataProperties`` title (``properties``: Key, Title) reduces to the same.

    When several columns match, the first one counts (StatLine lists a total before its
    breakdowns, e.g. ``Nederland_17`` before ``Nederland_20``). A column holds one variable.
    Returns ({column: variable}, [variables without a column]).
    """
    columns = [c for c in columns]
    titles = {}
    if properties is not None and len(properties):
        titles = {key: title for key, title in zip(properties["Key"], properties["Title"]) if isinstance(title, str)}
    mapping: dict[str, str] = {}
    unmatched = []
    for row in kwb_variables().itertuples():
        names = [n for n in row.odata_names.split("|") if n]
        reduced = {_normal(n) for n in names} | {_normal(row.cbs_label)}
        free = [c for c in columns if c not in mapping]
        found = (next((c for c in free if _base_name(c) in names), None)
                 or next((c for c in free if _normal(c) in reduced), None)
                 or next((c for c in free if c in titles and _normal(titles[c]) in reduced), None))
        if found is None:
            unmatched.append(row.variable)
        else:
            mapping[found] = row.variable
    return mapping, unmatched


def parse_kwb(frame: pd.DataFrame, year: int, properties: pd.DataFrame | None = None) -> pd.DataFrame:
    """A ``cbsodata.get_data`` frame of a KWB table → the tidy table.

    ``cbsodata`` puts the area *name* in ``WijkenEnBuurten``; the code is taken from
    ``Codering_3`` (padded: stripped). Columns are found by ``match_columns`` (name without
    suffix, then a looser name match, then the ``DataProperties`` titles in ``properties``), so
    any year's table works; columns the dictionary does not know are left out. The dictionary's
    variables that no column holds are listed in ``table.attrs["unmatched"]``. Null or "." is NaN.
    A frame without a ``Codering`` column is not a KWB table: ValueError.
    """
    code_column = next((c for c in frame.columns if _base_name(c) == "Codering"), None)
    if code_column is None or "WijkenEnBuurten" not in frame.columns:
        raise ValueError(f"KWB {year}: the StatLine table has no WijkenEnBuurten/Codering column; "
                         f"columns: {', '.join(map(str, frame.columns[:8]))}…")
    value_columns, unmatched = match_columns(frame.columns, properties)
    long = frame[[code_column, "WijkenEnBuurten", *value_columns]].melt(
        id_vars=[code_column, "WijkenEnBuurten"], var_name="column", value_name="value")
    table = pd.DataFrame({
        "year": year, "area_code": long[code_column].astype(str), "area_name": long["WijkenEnBuurten"].astype(str),
        "variable": long["column"].map(value_columns), "value": long["value"].astype(object),
        "source": kwb_source(year),
    })
    table = _finish(table)
    table.attrs["unmatched"] = unmatched
    return table


class FetchTimeout(TimeoutError):
    """CBS StatLine did not answer in time (a network that drops packets never says "no")."""


class NoTable(Exception):
    """No StatLine table id is known for this KWB year."""


#: What counts as "could not fetch": network errors (requests' errors are OSErrors too), our own
#: timeout, and a year without a known table. Anything else (a parsing bug such as a KeyError, a
#: changed table) is raised.
FETCH_ERRORS = (OSError, NoTable)


def fetch_kwb(year: int, *, areas: tuple[str, ...] = AREAS, timeout: float = FETCH_TIMEOUT) -> pd.DataFrame:
    """KWB figures of one year live from CBS StatLine through ``cbsodata``, tidy (``parse_kwb``).

    The download runs in a background thread that is given ``timeout`` seconds (each request
    also gets it as its own timeout); after that ``FetchTimeout`` is raised and the thread is
    left to die. Raises NoTable when the year has no known table id, and the network's own
    errors (OSError) when StatLine cannot be reached.
    """
    table_id = KWB_TABLES.get(year)
    if table_id is None:
        raise NoTable(f"no StatLine table id known for KWB {year}")
    import cbsodata

    # The WijkenEnBuurten key is padded to 10 characters in StatLine filters.
    filters = " or ".join(f"WijkenEnBuurten eq '{code:<10}'" for code in areas)
    result: dict = {}

    def download():
        try:
            result["data"] = cbsodata.get_data(table_id, filters=filters, typed=True, timeout=timeout)
            result["properties"] = cbsodata.get_meta(table_id, "DataProperties", timeout=timeout)
        except BaseException as error:  # handed to the caller below, in its own thread
            result["error"] = error

    worker = threading.Thread(target=download, name=f"cbs-{table_id}", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise FetchTimeout(f"CBS StatLine gave no answer for {table_id} within {timeout:g} s")
    if "error" in result:
        raise result["error"]
    return parse_kwb(pd.DataFrame(result["data"]), year, pd.DataFrame(result["properties"]))


def kwb_live(year: int, *, areas: tuple[str, ...] = AREAS, timeout: float = FETCH_TIMEOUT) -> pd.DataFrame:
    """KWB figures of any year from CBS StatLine (needs internet), tidy; falls back to the snapshot.

    When StatLine cannot be reached within ``timeout`` seconds (or the year has no known table),
    this returns the snapshot year nearest below ``year`` (2014–2018) and warns which year is
    shown instead; the message is also in ``table.attrs["message"]``; ``attrs["year_shown"]``
    and ``attrs["live"]`` say which year and how. Variables the live table lacks are warned
    about and listed in ``attrs["unmatched"]``. Other errors (e.g. a table that cannot be
    parsed) are raised, not hidden behind the fallback.
    """
    try:
        table = fetch_kwb(year, areas=areas, timeout=timeout)
    except FETCH_ERRORS as error:  # no internet, CBS down or silent, unknown year: the snapshot keeps going
        snapshot = kwb_snapshot()
        shown = max([y for y in snapshot["year"].unique() if y <= year] or [snapshot["year"].min()])
        fallback = message("context.fetch.snapshot_instead", year=year, error=type(error).__name__, shown=shown)
        warnings.warn(fallback, stacklevel=2)
        table = snapshot[(snapshot["year"] == shown) & snapshot["area_code"].isin(areas)].reset_index(drop=True)
        table.attrs.update(message=fallback, year_shown=int(shown), live=False, unmatched=[])
        return table
    if table.attrs["unmatched"]:
        warnings.warn(message("context.fetch.unmatched", year=year, table_id=KWB_TABLES[year],
                              variables=", ".join(table.attrs["unmatched"])), stacklevel=2)
    table.attrs.update(message=message("context.fetch.live", year=year, table_id=KWB_TABLES[year]), year_shown=year, live=True)
    return table


def kwb_live_note(table: pd.DataFrame, *, lang: str = "nl") -> str:
    """A sentence for the reader: which KWB year a ``kwb_live`` table shows, and whether it came live from CBS
    or from the shipped snapshot (because StatLine could not be reached)."""
    key = "context.live.online" if table.attrs.get("live") else "context.live.snapshot"
    return t(key, lang, year=table.attrs.get("year_shown", "?"))


# --- a series over the years: snapshot, live, shipped reference figures -------------------------

@dataclass(frozen=True)
class KwbSeries:
    """KWB figures over several years and where each year came from.

    ``figures``: the tidy table plus ``table_id`` and ``origin`` per row. ``years``: one row per
    year asked for: year, table_id, origin ("snapshot", "live", "reference" or "missing"), reason
    (why not live: "offline", "timeout", "http_error", "no_table", "not_tried"; empty when live or snapshot),
    detail (the network error's name, or the seconds waited), unmatched (variables the live
    table lacked, "; "-separated).
    """

    figures: pd.DataFrame
    years: pd.DataFrame


def kwb_series(years=SERIES_YEARS, *, areas: tuple[str, ...] = AREAS, live: bool = True,
               timeout: float = FETCH_TIMEOUT) -> KwbSeries:
    """KWB figures for every year in ``years``, from the best source there is for that year.

    - A year in the shipped snapshot (2014–2018) comes from the snapshot.
    - Another year is fetched live from StatLine (when ``live``), through ``fetch_kwb``.
    - When that fails, or ``live`` is False, the shipped newer reference figures of that year
      are used (``kwb_newer_reference``: a few 2024 figures); without them the year is missing.

    ``timeout`` bounds all live fetches together (seconds). After the first network error or
    timeout no further year is tried: the same network would fail again, each after its own
    wait. An HTTP error (StatLine answered, but not with this table) only affects its own year.
    The reason is recorded for every year it affects.
    """
    snapshot, reference = kwb_snapshot(), kwb_newer_reference()
    deadline = time.monotonic() + timeout
    failure: tuple[str, str] | None = None if live else ("not_tried", "")
    frames, rows = [], []
    for year in years:
        table_id = KWB_TABLES.get(year, "")
        row = {"year": year, "table_id": table_id, "origin": "missing", "reason": "", "detail": "", "unmatched": ""}
        part = snapshot[(snapshot["year"] == year) & snapshot["area_code"].isin(areas)]
        if len(part):
            row["origin"] = "snapshot"
        elif not table_id:
            row["reason"] = "no_table"
        elif failure:
            row["reason"], row["detail"] = failure
        else:
            try:
                part = fetch_kwb(year, areas=areas, timeout=max(deadline - time.monotonic(), 0.01))
                row.update(origin="live", unmatched="; ".join(part.attrs["unmatched"]))
            except FETCH_ERRORS as error:
                reason = _failure(error)
                row["reason"], row["detail"] = reason, f"{timeout:g}" if reason == "timeout" else type(error).__name__
                if reason != "http_error":  # StatLine answered "no" for this table only; others may be there
                    failure = row["reason"], row["detail"]
        if row["origin"] == "missing":
            part = reference[(reference["year"] == year) & reference["area_code"].isin(areas)]
            row["origin"] = "reference" if len(part) else "missing"
        frames.append(part.assign(table_id=table_id, origin=row["origin"]))
        rows.append(row)
    figures = pd.concat([f for f in frames if len(f)] or [snapshot.iloc[0:0]], ignore_index=True)
    return KwbSeries(figures=figures.reindex(columns=TIDY_COLUMNS + ["table_id", "origin"]),
                     years=pd.DataFrame(rows, columns=["year", "table_id", "origin", "reason", "detail", "unmatched"]))


def _failure(error: Exception) -> str:
    """Why a fetch failed: "timeout", "http_error" (StatLine answered with an error) or "offline"."""
    import requests  # cbsodata's own dependency

    if isinstance(error, TimeoutError):
        return "timeout"
    return "http_error" if isinstance(error, requests.HTTPError) else "offline"


def year_ranges(years) -> str:
    """Years as short ranges: 2014, 2015, 2016, 2018 → "2014–2016, 2018"."""
    years = sorted({int(y) for y in years})
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)


def _reason_text(reason: str, detail: str, lang: str) -> str:
    return t(f"context.reason.{reason}", lang, detail=detail)


def missing_years(series: KwbSeries, variable: str, *, area: str = OUDE_WESTEN) -> pd.DataFrame:
    """The years of ``series`` without a figure for ``variable`` in ``area``, and why: year, reason, detail.

    Reasons: "not_published" (the year's table has the variable but CBS gave no figure: "." or
    null), "not_in_table" (a live table without the variable), "not_in_reference" (only a few
    shipped reference figures for that year, not this one; the year's own reason says why), or
    the year's reason for not being fetched ("offline", "timeout", "no_table", "not_tried").
    """
    figures = series.figures
    present = figures[(figures["variable"] == variable) & (figures["area_code"] == area)]
    have = set(present.dropna(subset=["value"])["year"])
    rows = []
    for row in series.years.itertuples():
        if row.year in have:
            continue
        listed = row.year in set(present["year"])
        if row.origin in ("snapshot", "live"):
            reason = "not_published" if listed else "not_in_table"
            rows.append({"year": row.year, "reason": reason, "detail": ""})
        else:
            rows.append({"year": row.year, "reason": row.reason, "detail": row.detail})
    return pd.DataFrame(rows, columns=["year", "reason", "detail"])


def series_note(series: KwbSeries, variable: str, *, lang: str = "nl", area: str = OUDE_WESTEN) -> str:
    """One sentence: which years lack ``variable`` for ``area`` and why (or that every year is there)."""
    missing = missing_years(series, variable, area=area)
    name = _area_label(series.figures, area)
    if missing.empty:
        return t("context.series.complete", lang, area=name, years=year_ranges(series.years["year"]))
    parts = [f"{year_ranges(group['year'])}: {_reason_text(reason, detail, lang)}"
             for (reason, detail), group in missing.groupby(["reason", "detail"], sort=False)]
    return t("context.series.missing", lang, area=name, years="; ".join(parts))


def series_summary(series: KwbSeries, *, lang: str = "nl") -> str:
    """Where the figures of each year come from, in one sentence (snapshot, live, shipped figures, missing)."""
    labels = kwb_variables().set_index("variable")["label_nl" if lang == "nl" else "label_en"]
    parts = []
    for (origin, reason, detail), group in series.years.groupby(["origin", "reason", "detail"], sort=False):
        years = year_ranges(group["year"])
        why = _reason_text(reason, detail, lang) if reason else ""
        if origin == "reference":
            shown = series.figures[series.figures["year"].isin(group["year"])]["variable"].unique()
            parts.append(t("context.series.from_reference", lang, years=years, reason=why,
                           variables=", ".join(labels.get(v, v) for v in shown)))
        else:
            parts.append(t(f"context.series.from_{origin}", lang, years=years, reason=why))
    return t("context.series.summary", lang, parts="; ".join(parts))


def _area_label(figures: pd.DataFrame, area: str) -> str:
    names = figures.loc[figures["area_code"] == area, "area_name"]
    return names.iloc[0] if len(names) else area


def newest_figures(figures: pd.DataFrame, variables: tuple[str, ...] = COMPARISON_VARIABLES, *,
                   lang: str = "nl") -> pd.DataFrame:
    """Per variable and area the newest year with a figure: variable, label, area_name, value, unit, year, source.

    ``figures`` is ``kwb_series(...).figures`` (or any tidy KWB table); "." (NaN) never counts
    as a figure, so a year without the figure falls back to the year before it that has one.
    """
    labels = kwb_variables().set_index("variable")["label_nl" if lang == "nl" else "label_en"]
    part = figures[figures["variable"].isin(variables)].dropna(subset=["value"])
    newest = part.sort_values("year").groupby(["variable", "area_code"], sort=False).tail(1)
    order = {v: i for i, v in enumerate(variables)}
    area_order = {a: i for i, a in enumerate(AREAS)}
    newest = newest.assign(label=newest["variable"].map(labels), _v=newest["variable"].map(order),
                           _a=newest["area_code"].map(area_order)).sort_values(["_v", "_a"])
    return newest[["variable", "label", "area_name", "value", "unit", "year", "source"]].reset_index(drop=True)


def newest_table(figures: pd.DataFrame, variables: tuple[str, ...] = COMPARISON_VARIABLES, *,
                 lang: str = "nl") -> pd.DataFrame:
    """``newest_figures`` to read: one row per figure, one column per area, each cell "value (year)"."""
    newest = newest_figures(figures, variables, lang=lang)
    cells = [f"{_fmt(v, u, lang)} ({y})" for v, u, y in zip(newest["value"], newest["unit"], newest["year"])]
    wide = newest.assign(cell=cells).pivot(index="label", columns="area_name", values="cell")
    labels = list(dict.fromkeys(newest["label"]))
    areas = [a for a in dict.fromkeys(newest["area_name"])]
    return wide.reindex(index=labels, columns=areas).fillna("–").rename_axis(index=None, columns=None)


def kwb_shares(kwb: pd.DataFrame) -> pd.DataFrame:
    """Age, origin and household types as a percentage in every year, plus migration background.

    Where KWB gives a count, share = count / base × 100 (base: inhabitants, or households for
    household types; see ``kwb_variables()``); where KWB 2014 already gives a percentage it is kept.
    ``migration_background`` = western + non-western (CBS's old definition: first and second
    generation). Rounded to 1 decimal. Tidy, unit "percent".
    """
    spec = kwb_variables().set_index("variable")
    with_base = spec.index[spec["base"] != ""]
    wide = kwb.pivot_table(index=["year", "area_code", "area_name"], columns="variable", values="value", aggfunc="first")
    units = kwb.pivot_table(index=["year", "area_code", "area_name"], columns="variable", values="unit", aggfunc="first")
    rows = {}
    for variable in with_base.intersection(wide.columns):
        base = wide[spec.loc[variable, "base"]]
        share = wide[variable] / base * 100
        rows[variable] = share.where(units[variable] == "count", wide[variable])
    shares = pd.DataFrame(rows).rename_axis(columns="variable")
    if {"western_background", "non_western_background"} <= set(shares.columns):
        shares["migration_background"] = shares["western_background"] + shares["non_western_background"]
    long = shares.round(1).stack().rename("value").reset_index()
    long["unit"] = "percent"
    long["source"] = long["year"].map(kwb_source)
    return long[TIDY_COLUMNS]


def kwb_value(kwb: pd.DataFrame, variable: str, area_code: str, year: int) -> float:
    """One figure from a tidy KWB table (NaN when it is not there)."""
    hit = kwb[(kwb["variable"] == variable) & (kwb["area_code"] == area_code) & (kwb["year"] == year)]
    return float(hit["value"].iloc[0]) if len(hit) else float("nan")


# --- Wijkprofiel -------------------------------------------------------------------------------

def wijkprofiel() -> pd.DataFrame:
    """The Rotterdam Wijkprofiel snapshot, tidy: year, area, file, indicator, value, unit, copy_of_2016, source.

    ``file`` is the index it belongs to (si social, fi_obj / fi_subj physical, vi safety).
    Values ending in "%" are percentages (unit "percent"), others index points or numbers
    ("index": 100 = Rotterdam 2014). Empty values are NaN. ``copy_of_2016`` is True for the 2018
    social-index rows: that 2018 file is a copy of the 2016 file, so they are not 2018 figures.
    """
    raw = _read_csv("wijkprofiel_2014_2016_2018_oude_westen_extract.csv", dtype=str, keep_default_na=False)
    table = pd.DataFrame({
        "year": raw["wijkprofiel_year_label"].astype(int), "area": raw["area"], "file": raw["file"],
        "indicator": raw["indicator"],
        "value": raw["value"].str.rstrip("%").map(parse_number),
        "unit": raw["value"].str.endswith("%").map({True: "percent", False: "index or number"}),
    })
    table["copy_of_2016"] = (table["year"] == 2018) & (table["file"] == "si")
    table["source"] = WIJKPROFIEL_SOURCE + " " + table["year"].astype(str)
    return table


WIJKPROFIEL_INDICES = {
    "Sociale Index": "social", "Fysieke Index": "physical", "Veiligheidsindex": "safety",
    "% bewoners dat zegt met het huishoudinkomen moelijk rond te kunnen komen": "hard_to_make_ends_meet",
    "% voldoende aanwezig groen (grasveldjes, bomen)": "enough_green",
}


def wijkprofiel_indices() -> pd.DataFrame:
    """The three Wijkprofiel indices and two items, per year and area: year, area, indicator, value, unit, source.

    Indicators: social, physical, safety (100 = Rotterdam 2014; 90–110 around average, below 70
    unfavourable), hard_to_make_ends_meet and enough_green (percent of residents). The 2018
    social figures are left out (NaN): the 2018 file is a copy of 2016.
    """
    table = wijkprofiel()
    table = table[table["indicator"].isin(WIJKPROFIEL_INDICES)].drop_duplicates(["year", "area", "indicator"])
    table = table.assign(indicator=table["indicator"].map(WIJKPROFIEL_INDICES))
    table.loc[table["copy_of_2016"], "value"] = float("nan")
    return table[["year", "area", "indicator", "value", "unit", "source"]].reset_index(drop=True)


def wijkprofiel_table(*, indicators: tuple[str, ...] | None = None) -> pd.DataFrame:
    """``wijkprofiel_indices()`` wide: rows (indicator, year), one column per area; ``indicators`` keeps some."""
    table = wijkprofiel_indices()
    if indicators is not None:
        table = table[table["indicator"].isin(indicators)]
    return table.pivot_table(index=["indicator", "year"], columns="area", values="value", dropna=False)


# --- boundaries and map ------------------------------------------------------------------------

@cache
def _boundaries_text() -> str:
    return _data("rotterdam_buurten_cbs2022_cartomap.geojson").read_text(encoding="utf-8")


def buurt_boundaries() -> dict:
    """The 91 Rotterdam buurten (CBS 2022, generalised, WGS84) as a GeoJSON FeatureCollection.

    Each feature's properties hold ``statcode`` (e.g. BU05990111) and ``statnaam`` (e.g. Oude Westen).
    Rings are wound the way d3/Vega draw them (outer ring clockwise): the file's counter-clockwise
    rings (the GeoJSON standard) would otherwise be drawn as "the whole world minus the buurt".
    """
    collection = json.loads(_boundaries_text())
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            for i, ring in enumerate(polygon):
                outer = i == 0
                if (_signed_area(ring) > 0) == outer:  # outer must be clockwise (negative), holes the opposite
                    ring.reverse()
    return collection


def _signed_area(ring: list) -> float:
    """Shoelace formula on (lon, lat): positive when the ring runs counter-clockwise."""
    return sum(x1 * y2 - x2 * y1 for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:] + ring[:1])) / 2


def buurt_map(values: pd.DataFrame | None = None, *, value: str = "value", highlight: tuple[str, ...] = (OUDE_WESTEN,),
              source: str | None = None, title: str | None = None, lang: str = "nl", value_title: str | None = None,
              width: int = 520, height: int = 420) -> alt.TopLevelMixin:
    """A map of Rotterdam's buurten with the buurten in ``highlight`` outlined and coloured.

    Without ``values`` the highlighted buurten are filled and the rest is grey. With ``values``
    (a DataFrame with ``statcode`` and a column ``value``) the buurten are coloured by that value
    (a choropleth) and the highlighted ones get a thick outline. Tooltips show the buurt name.
    Renders offline (Altair geoshape, no tiles). ``source`` defaults to the CBS/Kadaster boundaries in ``lang``.
    """
    source = source or t("context.map.source", lang)
    features = buurt_boundaries()["features"]
    for feature in features:
        feature["properties"]["highlight"] = feature["properties"]["statcode"] in highlight
    data = alt.Data(values=features)
    names = [f["properties"]["statnaam"] for f in features if f["properties"]["highlight"]]
    title = title or t("context.map.title", lang, names=", ".join(names))
    tooltip = [alt.Tooltip("properties.statnaam:N", title=t("context.buurt", lang))]
    base = alt.Chart(data).project(type="mercator").properties(width=width, height=height)
    grey = base.mark_geoshape(fill="#C9D1D9", stroke="white", strokeWidth=0.8).encode(tooltip=tooltip)
    if values is None:
        fill = base.mark_geoshape(fill="#D55E00", stroke="white").encode(tooltip=tooltip).transform_filter(
            "datum.properties.highlight")
    else:  # buurten without a value stay grey
        fill = base.mark_geoshape(stroke="white", strokeWidth=0.8).transform_lookup(
            lookup="properties.statcode", from_=alt.LookupData(values, "statcode", [value]),
        ).transform_filter(f"isValid(datum['{value}'])").encode(
            color=alt.Color(f"{value}:Q", title=value_title or value, scale=alt.Scale(scheme="blues")),
            tooltip=tooltip + [alt.Tooltip(f"{value}:Q", title=value_title or value)])
    outline = base.mark_geoshape(fill=None, stroke="#1F2A36", strokeWidth=3).transform_filter(
        "datum.properties.highlight")
    return with_source(alt.layer(grey, fill, outline, title=title), source)


# --- charts and the report's claims ------------------------------------------------------------

def area_comparison(kwb: pd.DataFrame, variables: tuple[str, ...]) -> pd.DataFrame:
    """The chosen variables per year for each area, wide: rows (variable, year), columns area names."""
    part = kwb[kwb["variable"].isin(variables)]
    return part.pivot_table(index=["variable", "year"], columns="area_name", values="value", aggfunc="first")


def trend_chart(kwb: pd.DataFrame, variable: str, *, lang: str = "nl", title: str | None = None,
                years=None, note: str | None = None) -> alt.TopLevelMixin:
    """Lines per area over the years for one KWB variable; the default title compares Oude Westen with Rotterdam.

    Years where the figure is not available are gaps (never 0): a line only joins neighbouring
    years. ``years`` (e.g. ``kwb_series(...).years["year"]``) puts every year on the axis, also
    those without figures; ``note`` (e.g. ``series_note``) becomes the subtitle. The caption names
    the KWB years shown; the tooltip gives each point's source (year and StatLine table).
    """
    spec = kwb_variables().set_index("variable").loc[variable]
    label = spec["label_nl"] if lang == "nl" else spec["label_en"]
    data = kwb[(kwb["variable"] == variable)].dropna(subset=["value"]).sort_values(["area_code", "year"])
    if title is None:
        latest = data[data["area_code"].isin([OUDE_WESTEN, ROTTERDAM])].pivot_table(
            index="year", columns="area_code", values="value").dropna()
        if len(latest) and {OUDE_WESTEN, ROTTERDAM} <= set(latest.columns):
            year = int(latest.index.max())
            ow, rdam = latest.loc[year, OUDE_WESTEN], latest.loc[year, ROTTERDAM]
            key = "context.trend.higher" if ow > rdam else "context.trend.lower"
            title = t(key, lang, label=label, year=year, ow=_fmt(ow, spec["unit"], lang), rdam=_fmt(rdam, spec["unit"], lang))
        else:
            title = label
    # a new line segment wherever a year is skipped, so a gap is never drawn over
    data = data.assign(segment=data["area_code"] + "-" + (data.groupby("area_code")["year"].diff() != 1).cumsum().astype(str))
    source = t("source.cbs", lang, year=year_ranges(data["year"]))
    axis_years = sorted({int(y) for y in years}) if years is not None else sorted(data["year"].unique())
    chart = alt.Chart(data, title={"text": title, "subtitle": note} if note else title).mark_line(point=True).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0), scale=alt.Scale(domain=axis_years)),
        y=alt.Y("value:Q", title=f"{label} ({_unit_word(spec['unit'])})"),
        color=alt.Color("area_name:N", title=None, sort=["Oude Westen"], legend=alt.Legend(orient="bottom")),
        detail="segment:N",
        tooltip=[alt.Tooltip("area_name:N", title=t("context.area", lang)), alt.Tooltip("year:O"),
                 alt.Tooltip("value:Q", title=label, format=",.1f"), alt.Tooltip("source:N")],
    ).properties(width=520)
    return with_source(chart, source)


def _fmt(value: float, unit: str, lang: str) -> str:
    if unit == "percent":
        return format_number(value, lang, decimals=1) + "%"
    suffix = {"m3": " m³", "kWh": " kWh"}.get(unit, "")
    return ("€ " if unit == "EUR" else "") + format_number(value, lang) + suffix


def _unit_word(unit: str) -> str:
    return {"percent": "%", "EUR": "€", "m3": "m³"}.get(unit, unit)


def report_vs_cbs(kwb: pd.DataFrame | None = None) -> pd.DataFrame:
    """The report's context claims next to CBS figures, with both definitions.

    Columns: fact_id, report_value, report_definition, cbs_value, cbs_year, cbs_definition, verdict, source.
    Verdicts: "agrees" (CBS within 3 points of the report), "differs" (more than 3 points apart),
    "supported" for the qualitative claim of poverty (Oude Westen's low-income share is above Rotterdam's).
    CBS figures come from the snapshot (2017, the last year with full figures).
    """
    kwb = kwb_snapshot() if kwb is None else kwb
    shares = kwb_shares(kwb)
    report = facts()
    year = 2017
    migration = kwb_value(shares, "migration_background", OUDE_WESTEN, year)
    corporation = kwb_value(kwb, "corporation_owned", OUDE_WESTEN, year)
    low_income = kwb_value(kwb, "low_income_households", OUDE_WESTEN, year)
    low_income_rdam = kwb_value(kwb, "low_income_households", ROTTERDAM, year)
    rows = [
        ("migration_background_share", float(report.loc["migration_background_share", "value"]),
         "about 90 % of residents have a migration background (no definition given)", migration,
         "CBS (old definition): born abroad or at least one parent born abroad, 1st + 2nd generation, "
         f"western + non-western; CBS 2014: {kwb_value(shares, 'migration_background', OUDE_WESTEN, 2014):.0f} %"),
        ("social_housing_share", float(report.loc["social_housing_share", "value"]),
         "about 60 % of the housing stock is social housing", corporation,
         "share of dwellings owned by a housing corporation (not the same as social rent, but close); "
         f"CBS 2014: {kwb_value(kwb, 'corporation_owned', OUDE_WESTEN, 2014):.0f} %"),
        ("poorest_neighbourhood", float("nan"),
         "one of the poorest neighbourhoods in the Netherlands (qualitative)", low_income,
         f"households with a low income, % (Rotterdam {low_income_rdam:.1f} %); a national ranking is not in the snapshot"),
    ]
    table = pd.DataFrame(rows, columns=["fact_id", "report_value", "report_definition", "cbs_value", "cbs_definition"])
    table.insert(4, "cbs_year", year)
    gap = (table["report_value"] - table["cbs_value"]).abs()
    table["verdict"] = gap.map(lambda g: "agrees" if g <= 3 else "differs")
    table.loc[table["fact_id"] == "poorest_neighbourhood", "verdict"] = (
        "supported" if low_income > low_income_rdam else "not supported")
    table["source"] = f"Report: {report['source'].iloc[0]}; CBS: {kwb_source(year)}"
    return table


# --- sentences for the notebook: every number computed from the figures ------------------------

def _label(variable: str, lang: str) -> str:
    spec = kwb_variables().set_index("variable").loc[variable]
    return spec["label_nl"] if lang == "nl" else spec["label_en"]


def latest_comparison(figures: pd.DataFrame, variable: str) -> dict | None:
    """The newest year with a figure for Oude Westen, and that year's figures of the three areas.

    Returns {year, unit, source, OUDE_WESTEN: value, ROTTERDAM_CENTRUM: value, ROTTERDAM: value}
    (NaN for an area without that year's figure), or None when Oude Westen has no figure at all.
    """
    part = figures[figures["variable"] == variable].dropna(subset=["value"])
    own = part[part["area_code"] == OUDE_WESTEN]
    if own.empty:
        return None
    year = int(own["year"].max())
    same = part[part["year"] == year].set_index("area_code")
    row = {"year": year, "unit": same["unit"].iloc[0], "source": own.loc[own["year"] == year, "source"].iloc[0]}
    row.update({area: float(same["value"].get(area, float("nan"))) for area in AREAS})
    return row


def _fmt_or_dash(value: float, unit: str, lang: str) -> str:
    return "–" if pd.isna(value) else _fmt(value, unit, lang)


def comparison_sentence(figures: pd.DataFrame, variable: str, *, lang: str = "nl") -> str:
    """"{label} in {year}: {Oude Westen}, {Centrum} and {Rotterdam}", from the newest year Oude Westen has."""
    row = latest_comparison(figures, variable)
    if row is None:
        return t("context.compare.none", lang, label=_label(variable, lang))
    values = {key: _fmt_or_dash(row[area], row["unit"], lang)
              for key, area in (("ow", OUDE_WESTEN), ("centrum", ROTTERDAM_CENTRUM), ("rdam", ROTTERDAM))}
    return t("context.compare.sentence", lang, label=_label(variable, lang), year=row["year"], **values)


def jump_sentences(figures: pd.DataFrame, variable: str, *, lang: str = "nl", area: str = OUDE_WESTEN,
                   threshold: float = 0.2) -> list[str]:
    """A warning for each step from one year to the next where ``area``'s figure changes by more than
    ``threshold`` (0.2 = 20 % of the earlier figure): a jump in a neighbourhood average can also
    come from a change in how or where CBS measured, so such years are compared with care."""
    part = figures[(figures["variable"] == variable) & (figures["area_code"] == area)].dropna(subset=["value"])
    part = part.sort_values("year")
    out = []
    points = part[["year", "value", "unit"]].values
    for (y0, v0, unit), (y1, v1, _) in zip(points, points[1:]):
        if y1 == y0 + 1 and v0 and abs(v1 - v0) / abs(v0) > threshold:
            out.append(t("context.compare.jump", lang, label=_label(variable, lang), area=_area_label(figures, area),
                         year0=int(y0), v0=_fmt(v0, unit, lang), year1=int(y1), v1=_fmt(v1, unit, lang)))
    return out


def _per_year(table: pd.DataFrame, area: str, indicator: str, lang: str) -> str:
    part = table[(table["area"] == area) & (table["indicator"] == indicator)].dropna(subset=["value"])
    return ", ".join(f"{format_number(v, lang)}% ({y})" for y, v in zip(part["year"], part["value"]))


def wijkprofiel_sentences(*, lang: str = "nl",
                          indicators: tuple[str, ...] = ("hard_to_make_ends_meet", "enough_green")) -> list[str]:
    """What residents themselves say in the Wijkprofiel, one sentence per indicator (making ends meet,
    enough green): per year, Oude Westen against Rotterdam (percent of residents)."""
    table = wijkprofiel_indices()
    return [t(f"context.wijkprofiel.{indicator}", lang, ow=_per_year(table, "Oude Westen", indicator, lang),
              rdam=_per_year(table, "Rotterdam", indicator, lang))
            for indicator in indicators]


def claim_sentences(comparison: pd.DataFrame, *, lang: str = "nl") -> list[str]:
    """One sentence per row of ``report_vs_cbs``: what the report says, what CBS gives, the verdict."""
    sentences = []
    for row in comparison.itertuples():
        report = format_number(row.report_value, lang) if pd.notna(row.report_value) else ""
        verdict = t(f"context.verdict.{row.verdict.replace(' ', '_')}", lang)
        sentences.append(t(f"context.claim.{row.fact_id}", lang, report=report, year=row.cbs_year, verdict=verdict,
                           cbs=format_number(row.cbs_value, lang, decimals=1)))
    return sentences


def summary_sentence(figures: pd.DataFrame, *, lang: str = "en") -> str:
    """The notebook's main finding in one sentence: low-income households and the national lowest 40 %,
    Oude Westen against Rotterdam, each with its KWB year (and a dash where a figure is missing)."""
    low = latest_comparison(figures, "low_income_households")
    poor = latest_comparison(figures, "persons_lowest_40pct")
    if low is None or poor is None:
        return t("context.summary.none", lang)
    return t("context.summary.sentence", lang, low_year=low["year"], low_ow=_fmt(low[OUDE_WESTEN], "percent", lang),
             low_rdam=_fmt_or_dash(low[ROTTERDAM], "percent", lang), poor_year=poor["year"],
             poor_ow=_fmt(poor[OUDE_WESTEN], "percent", lang),
             sources=year_ranges({low["year"], poor["year"]}))


def meaning_bullets(figures: pd.DataFrame, series_years: pd.DataFrame, *, lang: str = "nl") -> list[str]:
    """The "Wat betekent dit?" points, with their numbers: poverty, housing, green, and the limits (years)."""
    low = latest_comparison(figures, "low_income_households")
    minimum = latest_comparison(figures, "social_minimum_households")
    housing = latest_comparison(figures, "corporation_owned")
    green = wijkprofiel_indices()
    green = green[(green["indicator"] == "enough_green")].dropna(subset=["value"])
    newest_green = int(green["year"].max())
    at = green[green["year"] == newest_green].set_index("area")["value"]
    shown = series_years.loc[series_years["origin"] != "missing", "year"]
    bullets = []
    if low and minimum:
        bullets.append(t("context.meaning.poverty", lang, year=low["year"], low=_fmt(low[OUDE_WESTEN], "percent", lang),
                         low_rdam=_fmt_or_dash(low[ROTTERDAM], "percent", lang),
                         minimum=_fmt(minimum[OUDE_WESTEN], "percent", lang)))
    if housing:
        bullets.append(t("context.meaning.housing", lang, year=housing["year"],
                         share=_fmt(housing[OUDE_WESTEN], "percent", lang),
                         rdam=_fmt_or_dash(housing[ROTTERDAM], "percent", lang)))
    ow, rdam = at.get("Oude Westen"), at.get("Rotterdam")
    key = "context.meaning.green_less" if ow < rdam else "context.meaning.green_not_less"
    bullets.append(t(key, lang, year=newest_green, ow=format_number(ow, lang), rdam=format_number(rdam, lang)))
    bullets.append(t("context.meaning.limits", lang, years=year_ranges(shown)))
    return bullets


def series_chart(series: KwbSeries, variable: str, *, lang: str = "nl") -> alt.TopLevelMixin:
    """``trend_chart`` of a ``kwb_series``: every year on the axis, the missing years and why as subtitle."""
    return trend_chart(series.figures, variable, lang=lang, years=series.years["year"],
                       note=series_note(series, variable, lang=lang))


def series_sentences(series: KwbSeries, variable: str, *, lang: str = "nl") -> str:
    """The comparison sentence of ``variable`` plus any warning about a jump between years."""
    return " ".join([comparison_sentence(series.figures, variable, lang=lang),
                     *jump_sentences(series.figures, variable, lang=lang)])
