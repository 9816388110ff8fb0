"""Energy: coach visits and their estimated savings, the Postcoderoos solar roof, energy poverty.

Every assumption is a named parameter in ``werkplaats_data/data/energy/`` with its source, or
marked "schatting / estimate" there:

- ``measures.csv``: the measure codes coaches record, with estimated kWh and m³ saved per year;
- ``measure_aliases.csv``: other ways coaches write a measure ("ledlampen") and its code;
- ``energy_tax.csv``: energy-tax rate (first bracket, € per kWh ex VAT) per year — only verified years;
- ``parameters.csv``: VAT rate and the Postcoderoos rules;
- ``prices.csv``: the consumer price used to turn savings into euros;
- ``cbs_use.csv``: average electricity and gas use per dwelling (CBS);
- ``poverty_indicators.csv``: the CBS/TNO energy-poverty indicators (HEQ, LIHE, LILEK, LEK, ZLEK,
  LEKWI, LARI and the headline LIHE and/or LILEK), each with its definition and the thresholds it uses;
- ``poverty_thresholds.csv``: those thresholds (energy quotes, low-income line, energy labels,
  minimum budget) with their source, all marked unverified.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files

import altair as alt
import pandas as pd

from werkplaats_data.activities import people_bars
from werkplaats_data.charts import require, with_source
from werkplaats_data.errors import UserError, message
from werkplaats_data.i18n import format_date, format_number, t
from werkplaats_data.privacy import MIN_CELL, count_text, safe_count, small_cell

OUDE_WESTEN = "BU05990111"


# ----- parameter tables ---------------------------------------------------------------------


@cache
def _read_once(name: str) -> pd.DataFrame:
    with (files("werkplaats_data") / "data" / "energy" / name).open(encoding="utf-8") as fh:
        return pd.read_csv(fh)


@cache
def _read_text_once(name: str) -> pd.DataFrame:
    with (files("werkplaats_data") / "data" / "energy" / name).open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def _read_text(name: str) -> pd.DataFrame:
    """A parameter table read as text (values that are not all numbers), copied for the caller."""
    return _read_text_once(name).copy()


def _read(name: str) -> pd.DataFrame:
    """A parameter table from ``data/energy`` (read from disk once per session; callers get a copy)."""
    return _read_once(name).copy()


@cache
def _measures() -> pd.DataFrame:
    return _read("measures.csv").set_index("code", drop=False)


def _label_column(lang: str) -> str:
    """The suffix of the language columns (label_…, definition_…, meaning_…) a reader of ``lang`` gets: "nl", else "en"."""
    return "nl" if lang == "nl" else "en"


def measures(*, lang: str | None = None) -> pd.DataFrame:
    """The measure table: code, label_nl, label_en, kwh_per_year, gas_m3_per_year, source (indexed by code).

    With ``lang``: label (in ``lang``: Dutch for "nl", English otherwise), kwh_per_year, gas_m3_per_year, source.
    """
    table = _measures().copy()
    if lang is None:
        return table
    return table.rename(columns={f"label_{_label_column(lang)}": "label"})[["label", "kwh_per_year", "gas_m3_per_year", "source"]]


def energy_tax_rates() -> pd.DataFrame:
    """Verified energy-tax rates: year, rate_eur_per_kwh_ex_vat, source. Other years are not known."""
    return _read("energy_tax.csv")


def parameter(name: str) -> float:
    """A named parameter from ``parameters.csv`` (e.g. ``vat_rate``)."""
    return float(_indexed("parameters.csv", "name", "value")[name])


@cache
def _indexed(file: str, key: str, column: str) -> pd.Series:
    """One column of a parameter table by its key (built once: the kiosk looks values up often)."""
    return _read_once(file).set_index(key)[column]


def prices() -> pd.DataFrame:
    """Consumer prices used for euro estimates: carrier, unit, eur_per_unit_incl_vat, year, source."""
    return _read("prices.csv").set_index("carrier", drop=False)


def newest_cbs_year(area_code: str = OUDE_WESTEN) -> int:
    """The newest year in ``cbs_use`` with both figures (kWh and m³ gas per dwelling) for the area."""
    table = cbs_use(area_code=area_code).dropna(subset=["kwh_per_dwelling", "gas_m3_per_dwelling"])
    if table.empty:
        raise UserError(message("energy.error.no_cbs_area", area=area_code))
    return int(table["year"].max())


def cbs_use(*, area_code: str | None = None, year: int | None = None) -> pd.DataFrame:
    """CBS average use per dwelling: area_code, area_name, year, kwh_per_dwelling, gas_m3_per_dwelling, source."""
    table = _read("cbs_use.csv")
    if area_code is not None:
        table = table[table["area_code"] == area_code]
    if year is not None:
        table = table[table["year"] == year]
    return table.reset_index(drop=True)


def poverty_indicators(*, lang: str | None = None) -> pd.DataFrame:
    """Energy-poverty indicators (CBS/TNO): code, labels, definition (nl, en), the threshold parameters
    each uses (``thresholds``, names in ``poverty_thresholds``, ';'-separated), the NL 2019 share, source.

    With ``lang``: code, label, definition (Dutch for "nl", English otherwise), thresholds, nl_2019_percent.
    """
    table = _read("poverty_indicators.csv")
    if lang is None:
        return table
    text = _label_column(lang)
    return table.rename(columns={f"label_{text}": "label", f"definition_{text}": "definition"})[
        ["code", "label", "definition", "thresholds", "nl_2019_percent"]]


def poverty_thresholds(*, lang: str | None = None) -> pd.DataFrame:
    """Thresholds used by the indicators: name, value (a number, or labels such as "E;F;G"), unit,
    meaning_en, meaning_nl, source (marked unverified where they are).

    With ``lang``: value, unit, meaning (Dutch for "nl", English otherwise), source.
    """
    table = _read_text("poverty_thresholds.csv").set_index("name", drop=False)
    if lang is None:
        return table
    return table.rename(columns={f"meaning_{_label_column(lang)}": "meaning"})[["value", "unit", "meaning", "source"]]


# ----- coach visits ---------------------------------------------------------------------------


@cache
def _code_lookup() -> dict[str, str]:
    known = _measures()
    lookup = {}
    for column in ("code", "label_nl", "label_en"):
        lookup.update({str(text).lower(): code for text, code in zip(known[column], known["code"])})
    aliases = _read("measure_aliases.csv")
    lookup.update({alias.lower(): code for alias, code in zip(aliases["alias"], aliases["code"])})
    return lookup


def measure_code(text: str) -> str:
    """The measure code for what a coach wrote: a code, a Dutch or English label, or an alias.

    Matching ignores case and extra spaces ("Ledlampen" → led_lamps; aliases in
    ``measure_aliases.csv``). Text that matches nothing comes back lower-cased, so
    ``unknown_measures`` can show it.
    """
    cleaned = " ".join(str(text).split()).lower()
    return _code_lookup().get(cleaned, cleaned)


def split_measures(energy_visits: pd.DataFrame) -> pd.DataFrame:
    """One row per measure per visit: visit_id, date, household_id, coach_id, measure (a code).

    ``measures`` is split on ';' (a ',' is accepted too), each part becomes a code with
    ``measure_code``, empty parts are dropped; visits without measures give no rows.
    """
    long = energy_visits[["visit_id", "date", "household_id", "coach_id"]].assign(
        measure=energy_visits["measures"].fillna("").str.split(r"[;,]", regex=True)
    ).explode("measure")
    long = long[long["measure"].fillna("").str.strip() != ""]
    long["measure"] = long["measure"].map(measure_code)
    return long.reset_index(drop=True)


def unknown_measures(energy_visits: pd.DataFrame) -> pd.DataFrame:
    """Measures recorded on a visit that are not in the measure table: visit_id, measure."""
    long = split_measures(energy_visits)
    return long.loc[~long["measure"].isin(_measures().index), ["visit_id", "measure"]].reset_index(drop=True)


def unknown_measure_counts(energy_visits: pd.DataFrame, *, public: bool = False) -> pd.Series:
    """How often each unrecognised measure text was recorded (see ``unknown_measures``), most frequent first.

    With ``public=True`` only texts recorded at 10 visits or more are listed, counts rounded to 5.
    """
    counts = unknown_measures(energy_visits)["measure"].value_counts()
    if public:
        counts = counts.map(safe_count).dropna().astype(int)
    return counts


def reach(energy_visits: pd.DataFrame, *, public: bool = False) -> pd.DataFrame:
    """One row: visits, households (distinct household_id), coaches (distinct coach_id), first and last visit date.

    With ``public=True`` the three counts follow the small-cell rule (below 10 empty, rounded to 5).
    """
    table = pd.DataFrame([{
        "visits": len(energy_visits), "households": energy_visits["household_id"].nunique(),
        "coaches": energy_visits["coach_id"].nunique(),
        "first": energy_visits["date"].min() if len(energy_visits) else None,
        "last": energy_visits["date"].max() if len(energy_visits) else None,
    }])
    return small_cell(table, ["visits", "households", "coaches"]) if public else table


def visit_estimates(energy_visits: pd.DataFrame) -> pd.DataFrame:
    """Each visit's estimated yearly savings, filled in from the measure table where the register is empty.

    Columns: visit_id, date, household_id, coach_id, kwh, gas_m3, from_register (True when
    the coach's own estimate was used for both). A missing estimate becomes the sum of the
    measure table's figures for the visit's measures (0 when none is known).
    """
    long = split_measures(energy_visits).join(_measures()[["kwh_per_year", "gas_m3_per_year"]], on="measure")
    from_table = long.groupby("visit_id")[["kwh_per_year", "gas_m3_per_year"]].sum()
    out = energy_visits[["visit_id", "date", "household_id", "coach_id"]].copy()
    out["kwh"] = energy_visits["est_kwh_saved"].fillna(energy_visits["visit_id"].map(from_table["kwh_per_year"]).fillna(0.0))
    out["gas_m3"] = energy_visits["est_gas_m3_saved"].fillna(energy_visits["visit_id"].map(from_table["gas_m3_per_year"]).fillna(0.0))
    out["from_register"] = energy_visits["est_kwh_saved"].notna() & energy_visits["est_gas_m3_saved"].notna()
    return out.reset_index(drop=True)


def visits_per_month(energy_visits: pd.DataFrame) -> pd.DataFrame:
    """Per calendar month: month (first day), visits, households, active_coaches.

    A coach is active in a month when they made at least one visit that month. Months with no
    visits between the first and last visit appear with zeros.
    """
    columns = ["month", "visits", "households", "active_coaches"]
    if energy_visits.empty:
        return pd.DataFrame(columns=columns)
    month = energy_visits["date"].dt.to_period("M")
    table = energy_visits.assign(month=month).groupby("month").agg(
        visits=("visit_id", "size"), households=("household_id", "nunique"), active_coaches=("coach_id", "nunique")
    )
    months = pd.period_range(month.min(), month.max(), freq="M")
    table = table.reindex(months, fill_value=0)
    table.index = months.to_timestamp()
    return table.rename_axis("month").reset_index()[columns]


def measure_counts(energy_visits: pd.DataFrame, *, lang: str = "nl") -> pd.DataFrame:
    """How often each measure was taken: measure, label, visits, households, kwh_per_year, gas_m3_per_year.

    ``kwh_per_year`` and ``gas_m3_per_year`` are the measure table's estimate times the number of
    visits. Codes not in the measure table keep their code as label and get no estimate (empty).
    Sorted by visits, most first.
    """
    long = split_measures(energy_visits)
    table = long.groupby("measure").agg(visits=("visit_id", "size"), households=("household_id", "nunique")).reset_index()
    known = _measures()
    label_column = "label_nl" if lang == "nl" else "label_en"
    table["label"] = table["measure"].map(known[label_column]).fillna(table["measure"])
    table["kwh_per_year"] = table["measure"].map(known["kwh_per_year"]) * table["visits"]
    table["gas_m3_per_year"] = table["measure"].map(known["gas_m3_per_year"]) * table["visits"]
    return table.sort_values(["visits", "measure"], ascending=[False, True], ignore_index=True)


def savings_vs_cbs(energy_visits: pd.DataFrame, *, area_code: str = OUDE_WESTEN, year: int | None = None) -> pd.DataFrame:
    """Estimated saving per visited household against CBS average use per dwelling.

    One row per carrier (electricity in kWh, gas in m³): saved_per_household (mean over visited
    households of the sum of their visits' estimates), use_per_dwelling (CBS, the given area and
    year; default ``newest_cbs_year``), share (saved / use), year, source. Raises ``UserError`` when
    CBS has no figure for that area and year.
    """
    year = newest_cbs_year(area_code) if year is None else year
    reference = cbs_use(area_code=area_code, year=year)
    if reference.empty:
        known = ", ".join(f"{r.area_code} {r.year}" for r in cbs_use().itertuples())
        raise UserError(message("energy.error.no_cbs_year", area=area_code, year=year, known=known))
    per_household = visit_estimates(energy_visits).groupby("household_id")[["kwh", "gas_m3"]].sum()
    saved = per_household.mean() if len(per_household) else pd.Series({"kwh": 0.0, "gas_m3": 0.0})
    row = reference.iloc[0]
    table = pd.DataFrame({
        "carrier": ["electricity", "gas"],
        "unit": ["kWh", "m3"],
        "saved_per_household": [float(saved["kwh"]), float(saved["gas_m3"])],
        "use_per_dwelling": [float(row["kwh_per_dwelling"]), float(row["gas_m3_per_dwelling"])],
    })
    table["share"] = table["saved_per_household"] / table["use_per_dwelling"]
    return table.assign(year=int(row["year"]), source=row["source"])


# ----- "what can I save" --------------------------------------------------------------------


def savings_for(codes, *, price_kwh: float | None = None, price_m3: float | None = None, lang: str = "nl") -> pd.DataFrame:
    """Per chosen measure: measure, label, kwh, gas_m3, eur (per year).

    eur = kwh × price per kWh + m³ × price per m³; prices default to ``prices.csv`` (incl. VAT,
    source stated there). Raises ``UserError`` for a code that is not in the measure table.
    """
    known = _measures()
    unknown = [c for c in codes if c not in known.index]
    if unknown:
        raise UserError(message("energy.error.unknown_measures", measures=", ".join(unknown), known=", ".join(known.index)))
    price_kwh = prices().loc["electricity", "eur_per_unit_incl_vat"] if price_kwh is None else price_kwh
    price_m3 = prices().loc["gas", "eur_per_unit_incl_vat"] if price_m3 is None else price_m3
    chosen = known.loc[list(codes)]
    table = pd.DataFrame({
        "measure": chosen["code"].to_numpy(),
        "label": chosen["label_nl" if lang == "nl" else "label_en"].to_numpy(),
        "kwh": chosen["kwh_per_year"].astype(float).to_numpy(),
        "gas_m3": chosen["gas_m3_per_year"].astype(float).to_numpy(),
    })
    table["eur"] = table["kwh"] * float(price_kwh) + table["gas_m3"] * float(price_m3)
    return table


def what_can_i_save(codes, *, price_kwh: float | None = None, price_m3: float | None = None) -> dict:
    """Totals for a dashboard: {"kwh", "gas_m3", "eur", "price_kwh", "price_m3", "price_source"} per year.

    Sums ``savings_for``; ``price_source`` says where the default prices come from (or "eigen
    invoer / user input" when both prices were given).
    """
    table = savings_for(codes, price_kwh=price_kwh, price_m3=price_m3)
    default = prices()
    origin = message("energy.price.user_input") if price_kwh is not None and price_m3 is not None else "; ".join(default["source"])
    return {
        "kwh": float(table["kwh"].sum()),
        "gas_m3": float(table["gas_m3"].sum()),
        "eur": float(table["eur"].sum()),
        "price_kwh": float(default.loc["electricity", "eur_per_unit_incl_vat"] if price_kwh is None else price_kwh),
        "price_m3": float(default.loc["gas", "eur_per_unit_incl_vat"] if price_m3 is None else price_m3),
        "price_source": origin,
    }


# ----- Postcoderoos ---------------------------------------------------------------------------


def _year(year) -> int:
    """A year as a whole number: 2024, "2024" or 2024.0; anything else is a ``UserError`` saying so."""
    text = str(year).strip()
    if isinstance(year, bool) or not re.fullmatch(r"[0-9]{4}(\.0+)?", text):
        raise UserError(message("energy.error.year", value=repr(year)))
    return int(float(text))


def tax_rate(year: int | str) -> float:
    """The verified energy-tax rate (€ per kWh, ex VAT) for ``year`` (2024 or "2024"); ``UserError`` for other years."""
    rates = _indexed("energy_tax.csv", "year", "rate_eur_per_kwh_ex_vat")
    year = _year(year)
    if year not in rates.index:
        raise UserError(message("energy.error.no_tax_rate", year=year, known=", ".join(map(str, rates.index))))
    return float(rates.loc[year])


def years_without_rate(solar: pd.DataFrame) -> list[int]:
    """The years in ``solar`` for which no verified energy-tax rate is known."""
    known = set(energy_tax_rates()["year"])
    return sorted(int(y) for y in set(solar["year"].dropna()) - known)


def share_benefit(kwh: float, year: int, *, vat: float | None = None) -> float:
    """What ``kwh`` counted kWh are worth in ``year``: kWh × tax rate × (1 + VAT), in €.

    The one Postcoderoos formula, used per row: pass kWh that count, i.e. within the scheme's cap
    (``postcoderoos_benefit`` works them out as ``kwh_counted``). VAT defaults to ``vat_rate`` in
    parameters.csv.
    """
    vat = parameter("vat_rate") if vat is None else vat
    return float(kwh) * tax_rate(year) * (1 + vat)


def postcoderoos_benefit(solar: pd.DataFrame, *, vat: float | None = None, skip_unknown_years: bool = False) -> pd.DataFrame:
    """Each member's yearly benefit: the solar rows plus kwh_counted, rate_eur_per_kwh and benefit_eur.

    The cap (``postcoderoos_max_kwh``, 10,000 kWh) holds per member per year over all their projects:
    when a member's rows in a year add up to more, each row counts in proportion (two rows of 6,000
    kWh count 5,000 each). benefit_eur = ``share_benefit`` of kwh_counted. Raises ``UserError``
    when a year has no verified rate, unless ``skip_unknown_years=True`` (then those rows are left
    out; ``years_without_rate`` lists them).
    """
    missing = years_without_rate(solar)
    if missing and not skip_unknown_years:
        raise UserError(message("energy.error.no_tax_rate_benefit", years=", ".join(map(str, missing))))
    rows = solar[~solar["year"].isin(missing)].copy()
    kwh = rows["kwh_allocated"].astype(float)
    per_member_year = kwh.groupby([rows["person_id"], rows["year"]]).transform("sum")
    cap = parameter("postcoderoos_max_kwh")
    rows["kwh_counted"] = kwh * (cap / per_member_year).clip(upper=1.0).fillna(1.0)
    rows["rate_eur_per_kwh"] = [tax_rate(int(y)) for y in rows["year"]]
    rows["benefit_eur"] = [share_benefit(k, int(y), vat=vat) for k, y in zip(rows["kwh_counted"], rows["year"])]
    return rows.reset_index(drop=True)


def share_yield(solar: pd.DataFrame, *, vat: float | None = None, skip_unknown_years: bool = False) -> pd.DataFrame:
    """What one share yields per project and year: project, year, members, shares, kwh_allocated,
    kwh_per_share, eur_per_share (benefit summed over members ÷ shares)."""
    benefit = postcoderoos_benefit(solar, vat=vat, skip_unknown_years=skip_unknown_years)
    table = benefit.groupby(["project", "year"]).agg(
        members=("person_id", "nunique"), shares=("shares", "sum"),
        kwh_allocated=("kwh_allocated", "sum"), benefit_eur=("benefit_eur", "sum"),
    ).reset_index()
    table["kwh_per_share"] = table["kwh_allocated"] / table["shares"]
    table["eur_per_share"] = table["benefit_eur"] / table["shares"]
    return table


def newest_tax_year() -> int:
    """The newest year with a verified energy-tax rate (``energy_tax_rates``)."""
    return int(energy_tax_rates()["year"].max())


def share_example(kwh: float = 1000, year: int | str | None = None, *, lang: str = "nl", vat: float | None = None) -> str:
    """The Postcoderoos rule as a sum a reader can check: "1.000 kWh in 2024 levert 1.000 × € 0,10880 × 1,21 = € 131,65 op".

    ``year`` defaults to ``newest_tax_year``."""
    year = newest_tax_year() if year is None else year
    vat = parameter("vat_rate") if vat is None else vat
    return t("energy.share_example", lang, kwh=format_number(kwh, lang), year=_year(year),
             rate=format_number(tax_rate(year), lang, 5), factor=format_number(1 + vat, lang, 2),
             eur=format_number(share_benefit(kwh, year, vat=vat), lang, 2))


def missing_rate_note(solar: pd.DataFrame, *, lang: str = "nl") -> str:
    """One sentence: which years of ``solar`` are left out for want of a verified tax rate, or that none is.
    ``NoData("energy.no_solar")`` without solar rows."""
    missing = years_without_rate(require(solar, "energy.no_solar"))
    if not missing:
        return t("energy.all_years_have_rate", lang)
    return t("energy.years_without_rate", lang, years=", ".join(map(str, missing)))


def share_yield_table(solar: pd.DataFrame, *, vat: float | None = None, public: bool = False) -> pd.DataFrame:
    """``share_yield`` of the years with a verified rate; with ``public=True`` members follow the small-cell rule."""
    table = share_yield(solar, vat=vat, skip_unknown_years=True)
    return small_cell(table, "members") if public else table


def estimate_origin(energy_visits: pd.DataFrame, *, public: bool = False) -> pd.Series:
    """Visits whose savings estimate came from the coach's register (True) or from the measure table (False).

    With ``public=True`` the small-cell rule applies (below 10 empty, rounded to 5).
    """
    counts = visit_estimates(energy_visits)["from_register"].value_counts()
    return counts.map(safe_count).astype("Int64") if public else counts


# ----- energy poverty -------------------------------------------------------------------------


def _labels(text: str) -> set[str]:
    return {label.strip().upper() for label in str(text).split(";") if label.strip()}


def classify_energy_poverty(households: pd.DataFrame, *, heq_threshold: float | None = None,
                            lihe_threshold: float | None = None, low_income_ratio: float | None = None,
                            low_energy_labels: str | None = None, very_low_energy_labels: str | None = None) -> pd.DataFrame:
    """Energy-poverty flags per household, following the CBS/TNO indicators (``poverty_indicators``).

    Input columns: household_id, income_eur, energy_cost_eur (both per year); low_income (bool) or
    social_minimum_eur (low income = income ≤ ``low_income_ratio`` × social minimum);
    low_energy_quality (bool) or energy_label (low = one of ``low_energy_labels``). Optional:
    energy_label (for ZLEK), little_means_to_invest (bool, for LEKWI), housing_cost_eur and
    residual_minimum_eur (for LARI). Adds energy_quote = energy_cost_eur / income_eur and:
    HEQ = energy_quote > heq_threshold; LIHE = low income and energy_quote > lihe_threshold;
    LEK = low energy quality; LILEK = low income and LEK; LIHE_or_LILEK = LIHE or LILEK;
    ZLEK = energy_label in ``very_low_energy_labels``; LEKWI = LEK and little means to invest;
    LARI = income − housing costs − energy costs < residual_minimum_eur. An indicator whose input
    columns are missing is empty (NA). Thresholds default to ``poverty_thresholds.csv`` (unverified there).
    """
    limits = poverty_thresholds()["value"]

    def limit(given, name: str) -> float:
        return float(limits[name]) if given is None else float(given)

    out = households.copy()
    out["energy_quote"] = out["energy_cost_eur"] / out["income_eur"]
    if "low_income" in out:
        low_income = out["low_income"].astype(bool)
    else:
        low_income = out["income_eur"] <= limit(low_income_ratio, "low_income_ratio") * out["social_minimum_eur"]
    label = out["energy_label"].astype("string").str.strip().str.upper() if "energy_label" in out else None
    if "low_energy_quality" in out:
        low_quality = out["low_energy_quality"].astype(bool)
    else:
        low_quality = label.isin(_labels(low_energy_labels or limits["low_energy_quality_labels"])).fillna(False)
    missing = pd.Series(pd.NA, index=out.index, dtype="boolean")
    out["HEQ"] = out["energy_quote"] > limit(heq_threshold, "heq_energy_quote")
    out["LIHE"] = low_income & (out["energy_quote"] > limit(lihe_threshold, "lihe_energy_quote"))
    out["LEK"] = low_quality
    out["LILEK"] = low_income & low_quality
    out["LIHE_or_LILEK"] = out["LIHE"] | out["LILEK"]
    out["ZLEK"] = missing if label is None else \
        label.isin(_labels(very_low_energy_labels or limits["very_low_energy_quality_labels"])).fillna(False).astype("boolean")
    out["LEKWI"] = (low_quality & out["little_means_to_invest"].astype(bool)) if "little_means_to_invest" in out else missing
    if {"housing_cost_eur", "residual_minimum_eur"} <= set(out):
        residual = out["income_eur"] - out["housing_cost_eur"] - out["energy_cost_eur"]
        out["LARI"] = residual < out["residual_minimum_eur"]
    else:
        out["LARI"] = missing
    return out


#: The indicators ``classify_energy_poverty`` adds, in the order of ``poverty_indicators.csv``.
POVERTY_CODES = ("HEQ", "LIHE", "LILEK", "LIHE_or_LILEK", "LEK", "ZLEK", "LEKWI", "LARI")


def poverty_shares(classified: pd.DataFrame) -> pd.DataFrame:
    """Share of households per indicator next to the NL 2019 figure, for the indicators the data allow.

    Columns: code, households, share (0–1), nl_2019_percent (empty where the monitor gives none),
    source. Indicators that are empty (their inputs were missing) are left out.
    """
    reference = poverty_indicators().set_index("code")
    codes = [c for c in POVERTY_CODES if c in classified and classified[c].notna().any()]
    return pd.DataFrame({
        "code": codes,
        "households": [int(classified[c].sum()) for c in codes],
        "share": [float(classified[c].astype(float).mean()) if len(classified) else 0.0 for c in codes],
        "nl_2019_percent": [float(reference.loc[c, "nl_2019_percent"]) for c in codes],
        "source": [reference.loc[c, "source"] for c in codes],
    })


# ----- notebook summary ---------------------------------------------------------------------


def summary(energy_visits: pd.DataFrame, solar: pd.DataFrame, *, lang: str = "en", demo: bool = False,
            public: bool = False) -> str:
    """Three Markdown lines for the top of notebook 06, from the data: question, data, main finding.

    The finding: households visited (``reach``), the estimated gas saving per visited household as
    a share of CBS use per dwelling (``savings_vs_cbs``, Oude Westen, newest CBS year) and the range of € per
    share (``share_yield``, verified years only). With ``public=True`` counts follow the small-cell rule.
    """
    lines = [t("energy.summary.question", lang)]
    if energy_visits.empty:
        return "  \n".join([*lines, t("energy.summary.empty", lang)])
    row = reach(energy_visits).iloc[0]
    lines.append(t("energy.summary.data", lang, visits=count_text(row["visits"], lang, public=public),
                   first=format_date(row["first"], lang), last=format_date(row["last"], lang),
                   source=t("energy.summary.demo" if demo else "energy.summary.register", lang)))
    gas = savings_vs_cbs(energy_visits).set_index("carrier").loc["gas", "share"]
    shares = share_yield(solar, skip_unknown_years=True)["eur_per_share"] if len(solar) else pd.Series(dtype=float)
    solar_text = t("energy.summary.no_solar", lang) if shares.empty else t(
        "energy.summary.solar", lang, low=format_number(shares.min(), lang, 2), high=format_number(shares.max(), lang, 2))
    lines.append(t("energy.summary.finding", lang, households=count_text(row["households"], lang, public=public),
                   gas=format_number(100 * gas, lang, 1), solar=solar_text))
    return "  \n".join(lines)


# ----- charts -------------------------------------------------------------------------------


def source(lang: str, demo: bool) -> str:
    """The source line of the energy charts: demo data, or the energy coaches' register."""
    return t("source.demo", lang) if demo else t("energy.source", lang)


def coaches_per_quarter(energy_visits: pd.DataFrame) -> pd.DataFrame:
    """Per quarter: quarter (first day), visits, households, active_coaches (coaches with a visit that quarter)."""
    columns = ["quarter", "visits", "households", "active_coaches"]
    if energy_visits.empty:
        return pd.DataFrame(columns=columns)
    quarter = energy_visits["date"].dt.to_period("Q")
    table = energy_visits.assign(quarter=quarter).groupby("quarter").agg(
        visits=("visit_id", "size"), households=("household_id", "nunique"), active_coaches=("coach_id", "nunique"))
    quarters = pd.period_range(quarter.min(), quarter.max(), freq="Q")
    table = table.reindex(quarters, fill_value=0)
    table.index = quarters.to_timestamp()
    return table.rename_axis("quarter").reset_index()[columns]


def coaches_chart(energy_visits: pd.DataFrame, *, lang: str = "nl", demo: bool = True, public: bool = False) -> alt.TopLevelMixin:
    """Lines of visits and active coaches per month; the title gives the peak and the last month's coaches.

    With ``public=True``: per quarter (``coaches_per_quarter``) with the small-cell rule (below 10
    not shown, rounded to 5), so a team of a few coaches is not shown month by month.
    ``NoData("energy.no_data")`` without visits.
    """
    require(energy_visits, "energy.no_data")
    exact = coaches_per_quarter(energy_visits).rename(columns={"quarter": "month"}) if public else visits_per_month(energy_visits)
    table = small_cell(exact, ["visits", "active_coaches"]) if public else exact
    coaches = table["active_coaches"].dropna()
    peak = int(coaches.max()) if len(coaches) else 0
    last = exact["active_coaches"].iloc[-1] if len(exact) else 0
    if public:
        title = t("energy.coaches_title_few", lang, min_cell=MIN_CELL) if coaches.empty else \
            t("energy.coaches_title_public", lang, peak=format_number(peak, lang), last=count_text(last, lang, public=True))
    else:
        title = t("energy.coaches_title", lang, peak=peak, last=int(last))
    long = table.melt(id_vars="month", value_vars=["visits", "active_coaches"], var_name="series", value_name="count")
    long["series"] = long["series"].map(lambda s: t(f"energy.{s}", lang))
    period = t("energy.quarter" if public else "energy.month", lang)
    chart = alt.Chart(long).mark_line(point=True).encode(
        x=alt.X("month:T", title=period),
        y=alt.Y("count:Q", title=t("energy.count", lang)),
        color=alt.Color("series:N", title=None),
        tooltip=[alt.Tooltip("month:T", format="%Y-%m", title=period), "series:N", "count:Q"],
    ).properties(title=title)
    return with_source(chart, source(lang, demo))


def measures_chart(energy_visits: pd.DataFrame, *, lang: str = "nl", demo: bool = True, public: bool = False,
                   title: str | None = None) -> alt.TopLevelMixin:
    """Bars of households per measure (``measure_counts``: a household counts once per measure); the
    title names the measure most households took, unless ``title`` is given.

    With ``public=True`` the small-cell look of ``activities.people_bars``: a count of 10 or more is
    rounded to 5 and drawn with its number, a smaller one is the words "fewer than 10" without a bar;
    rows by that shown count, then by label. ``NoData("energy.no_data")`` without visits.
    """
    table = measure_counts(require(energy_visits, "energy.no_data"), lang=lang)
    counts = table["households"].map(safe_count) if public else table["households"]
    table = table.assign(order=counts.fillna(0)).sort_values(["order", "label"], ascending=[False, True], ignore_index=True)
    if title is None:
        named = table[table["order"] > 0]  # in public, the measures with 10 households or more
        title = t("energy.measures_title", lang, measure=named["label"].iloc[0]) if len(named) else \
            t("energy.measures_title_few", lang)
    axis = t("energy.households_axis", lang)
    if public:
        return people_bars(table, key="measure", label="label", count="households", lang=lang, title=title,
                           axis_title=axis, source=source(lang, demo))
    chart = alt.Chart(table).mark_bar().encode(
        x=alt.X("households:Q", title=axis, axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y("label:N", sort=list(table["label"]), title=None),
        tooltip=["label:N", alt.Tooltip("households:Q", title=axis), alt.Tooltip("visits:Q", title=t("energy.visits", lang))],
    ).properties(title=title)
    return with_source(chart, source(lang, demo))


def savings_vs_cbs_chart(energy_visits: pd.DataFrame, *, lang: str = "nl", demo: bool = True,
                         area_code: str = OUDE_WESTEN, year: int | None = None) -> alt.TopLevelMixin:
    """Per carrier, the estimated saving per household as a share of CBS use per dwelling (in %), CBS of
    ``year`` (default ``newest_cbs_year``). ``NoData("energy.no_data")`` without visits."""
    table = savings_vs_cbs(require(energy_visits, "energy.no_data"), area_code=area_code, year=year)
    year = int(table["year"].iloc[0])
    table = table.assign(percent=100 * table["share"], label=table["carrier"].map(lambda c: t(f"energy.carrier.{c}", lang)))
    gas = float(table.loc[table["carrier"] == "gas", "percent"].iloc[0])
    chart = alt.Chart(table).mark_bar().encode(
        x=alt.X("percent:Q", title=t("energy.percent_of_use", lang), axis=alt.Axis(tickCount=5)),
        y=alt.Y("label:N", title=None),
        tooltip=["label:N", alt.Tooltip("saved_per_household:Q", format=".0f"), "use_per_dwelling:Q", alt.Tooltip("percent:Q", format=".1f")],
    ).properties(title=t("energy.vs_cbs_title", lang, percent=format_number(gas, lang, 1)), width=520)
    return with_source(chart, f"{source(lang, demo)} · {t('source.cbs', lang, year=year)}")


def share_yield_chart(solar: pd.DataFrame, *, lang: str = "nl", demo: bool = True) -> alt.TopLevelMixin:
    """Bars of € per share per year (years with a verified tax rate only); the title gives the range.

    Only project, year, kWh and € per share reach the browser, never how many members there were.
    ``NoData("energy.no_solar")`` without solar rows.
    """
    table = share_yield(require(solar, "energy.no_solar"), skip_unknown_years=True)[["project", "year", "kwh_per_share", "eur_per_share"]]
    low, high = (format_number(v, lang, 2) if len(table) else "–" for v in (table["eur_per_share"].min(), table["eur_per_share"].max()))
    title = t("energy.share_title_one", lang, eur=low) if len(table) and low == high else \
        t("energy.share_title", lang, low=low, high=high)
    year = t("energy.year", lang)
    chart = alt.Chart(table).mark_bar().encode(
        x=alt.X("year:O", title=year, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("eur_per_share:Q", title=t("energy.eur_per_share", lang), axis=alt.Axis(format="$,.0f")),
        color=alt.Color("project:N", title=None, legend=alt.Legend(orient="bottom")),
        xOffset="project:N",
        tooltip=[alt.Tooltip("project:N"), alt.Tooltip("year:O", title=year),
                 alt.Tooltip("kwh_per_share:Q", format=",.0f"), alt.Tooltip("eur_per_share:Q", format="$,.2f")],
    ).properties(title=title, width=520)
    return with_source(chart, f"{source(lang, demo)} · {t('energy.source_tax', lang)}")
