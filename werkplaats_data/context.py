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
import warnings
from functools import cache
from importlib.resources import files

import altair as alt
import pandas as pd

from werkplaats_data.charts import with_source
from werkplaats_data.facts import facts
from werkplaats_data.i18n import format_number, t

OUDE_WESTEN = "BU05990111"
ROTTERDAM_CENTRUM = "WK059901"
ROTTERDAM = "GM0599"
AREAS = (OUDE_WESTEN, ROTTERDAM_CENTRUM, ROTTERDAM)

#: CBS StatLine table ids of "Kerncijfers wijken en buurten" per year (REFERENCES.md §1).
KWB_TABLES = {2017: "83765NED", 2018: "84286NED", 2019: "84583NED", 2020: "84799NED", 2021: "85039NED",
              2022: "85318NED", 2023: "85618NED", 2024: "85984NED", 2025: "86165NED"}

TIDY_COLUMNS = ["year", "area_code", "area_name", "variable", "value", "unit", "source"]
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


def parse_kwb(frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """A ``cbsodata.get_data`` frame of a KWB table → the tidy table.

    ``cbsodata`` puts the area *name* in ``WijkenEnBuurten``; the code is taken from
    ``Codering_3`` (padded: stripped). Columns are matched on their name without the number
    suffix (``AantalInwoners_5`` → ``AantalInwoners``), so any year's table works; columns the
    dictionary does not know are left out. Null or "." is NaN.
    """
    names = {}
    for row in kwb_variables().itertuples():
        for odata in row.odata_names.split("|"):
            names[odata] = row.variable
    code_column = next(c for c in frame.columns if re.sub(r"_\d+$", "", c) == "Codering")
    value_columns = {c: names[base] for c in frame.columns if (base := re.sub(r"_\d+$", "", c)) in names}
    long = frame[[code_column, "WijkenEnBuurten", *value_columns]].melt(
        id_vars=[code_column, "WijkenEnBuurten"], var_name="column", value_name="value")
    table = pd.DataFrame({
        "year": year, "area_code": long[code_column].astype(str), "area_name": long["WijkenEnBuurten"].astype(str),
        "variable": long["column"].map(value_columns), "value": long["value"].astype(object),
        "source": kwb_source(year),
    })
    return _finish(table)


def kwb_live(year: int, *, areas: tuple[str, ...] = AREAS) -> pd.DataFrame:
    """KWB figures of any year from CBS StatLine (needs internet), tidy; falls back to the snapshot.

    When StatLine cannot be reached (or the year has no known table), this returns the snapshot
    year nearest below ``year`` (2014–2018) and warns which year is shown instead; the message is
    also in ``table.attrs["message"]``; ``attrs["year_shown"]`` and ``attrs["live"]`` say which year and how.
    """
    table_id = KWB_TABLES.get(year)
    try:
        if table_id is None:
            raise LookupError(f"no StatLine table id known for KWB {year}")
        import cbsodata

        # The WijkenEnBuurten key is padded to 10 characters in StatLine filters.
        filters = " or ".join(f"WijkenEnBuurten eq '{code:<10}'" for code in areas)
        table = parse_kwb(pd.DataFrame(cbsodata.get_data(table_id, filters=filters)), year)
        table.attrs.update(message=f"KWB {year} live van CBS StatLine ({table_id}).", year_shown=year, live=True)
        return table
    except Exception as error:  # no internet, CBS down, table changed: the snapshot keeps the notebook going
        snapshot = kwb_snapshot()
        shown = max([y for y in snapshot["year"].unique() if y <= year] or [snapshot["year"].min()])
        message = (f"KWB {year} kon niet van CBS StatLine worden gehaald ({type(error).__name__}); "
                   f"we tonen de meegeleverde momentopname van KWB {shown}. / "
                   f"Could not fetch KWB {year} from CBS StatLine; showing the shipped snapshot of KWB {shown}.")
        warnings.warn(message, stacklevel=2)
        table = snapshot[(snapshot["year"] == shown) & snapshot["area_code"].isin(areas)].reset_index(drop=True)
        table.attrs.update(message=message, year_shown=int(shown), live=False)
        return table


def kwb_live_note(table: pd.DataFrame, *, lang: str = "nl") -> str:
    """A sentence for the reader: which KWB year a ``kwb_live`` table shows, and whether it came live from CBS
    or from the shipped snapshot (because StatLine could not be reached)."""
    key = "context.live.online" if table.attrs.get("live") else "context.live.snapshot"
    return t(key, lang, year=table.attrs.get("year_shown", "?"))


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


def trend_chart(kwb: pd.DataFrame, variable: str, *, lang: str = "nl", title: str | None = None) -> alt.TopLevelMixin:
    """Lines per area over the years for one KWB variable; the default title compares Oude Westen with Rotterdam.

    Years where the figure is not available are gaps (never 0). The caption names the KWB years shown.
    """
    spec = kwb_variables().set_index("variable").loc[variable]
    label = spec["label_nl"] if lang == "nl" else spec["label_en"]
    data = kwb[(kwb["variable"] == variable)].dropna(subset=["value"])
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
    years = sorted(data["year"].unique())
    source = t("source.cbs", lang, year=f"{years[0]}–{years[-1]}" if years else "")
    chart = alt.Chart(data, title=title).mark_line(point=True).encode(
        x=alt.X("year:O", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("value:Q", title=f"{label} ({_unit_word(spec['unit'])})"),
        color=alt.Color("area_name:N", title=None, sort=["Oude Westen"], legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("area_name:N", title=t("context.area", lang)), alt.Tooltip("year:O"),
                 alt.Tooltip("value:Q", title=label, format=",.1f")],
    ).properties(width=520)
    return with_source(chart, source)


def _fmt(value: float, unit: str, lang: str) -> str:
    if unit == "percent":
        return format_number(value, lang, decimals=1) + "%"
    return ("€ " if unit == "EUR" else "") + format_number(value, lang)


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
