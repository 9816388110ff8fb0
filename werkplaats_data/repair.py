"""Repair Café data: item names to ORDS categories, ORDS files in and out, impact and repair rates.

The Open Repair Data Standard (ORDS, Open Repair Alliance) describes one repair per row. Its
reference tables ship in ``werkplaats_data/data/ords/`` (CC BY-SA 4.0, see the README there).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from statistics import NormalDist

import altair as alt
import ftfy
import numpy as np
import pandas as pd

from werkplaats_data.charts import PALETTE, with_source
from werkplaats_data.clean import take
from werkplaats_data.i18n import t
from werkplaats_data.registers import SYNONYMS, header_key
from werkplaats_data.schemas import REPAIR_STATUSES, TABLES

ORDS_DATA = files("werkplaats_data") / "data" / "ords"
#: Categories that collect many unrelated items; a more specific category wins when a name is in both.
CATCH_ALL_CATEGORIES = ("Misc", "Toy", "Small home electrical", "Large home electrical")
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
    unpowered items). Our own list wins. A name the ORDS list puts in several categories goes to the
    one that is not a catch-all (Misc, Toy, Small/Large home electrical); if still several, the one with
    the lowest ORDS id.
    """
    order = {c: i for i, c in zip(product_categories()["product_category_id"], product_categories()["product_category"])}
    canonical = _canonical_category()
    candidates: dict[str, set[str]] = {normalise_name(c): {c} for c in canonical.values()}
    for row in _read("item_type_translations.csv").itertuples(index=False):
        category = canonical.get(row.product_category.lower())
        if category is None:  # the upstream file has one stray row "product_category_ords,partner_product,#N/A"
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


def fix_text(text: str) -> str:
    """Repair double-encoded UTF-8 ("d?©faut" → "défaut", "â€“" → "–"); other text is left as it is.

    Two patterns occur in real ORDS files. (1) UTF-8 read as Windows-1252 and saved again: ftfy's
    ``fix_encoding`` undoes it. (2) UTF-8 read as Mac Roman, where the lead byte 0xC3 ("√") became "?":
    "é" (C3 A9) shows as "?©". We rebuild each "?" + character as the two UTF-8 bytes C3 and the
    character's Mac Roman byte, when those bytes are a valid UTF-8 letter.
    """
    if text.isascii():
        return text
    text = ftfy.fix_encoding(text)
    return _MAC_ROMAN_LOST_LEAD.sub(_rebuild_c3, text)


_MAC_ROMAN_LOST_LEAD = re.compile(r"\?([^\x00-\x7f])")


def _rebuild_c3(match: re.Match) -> str:
    try:
        byte = match.group(1).encode("mac_roman")
        return (b"\xc3" + byte).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return match.group(0)


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


def _barrier(value: str) -> str | None:
    """Canonical barrier for a spelling variant ("No way to open product" → "No way to open the product")."""
    return SYNONYMS["repair_barrier"].get(header_key(value))


def read_ords(source, *, earliest_date: str = EARLIEST_REAL_DATE) -> OrdsRead:
    """Read an ORDS CSV file of any version (0.1, 0.2.1, 0.3) into the canonical ``repairs`` table.

    Rules: every value is read as text first. "????" and "" in ``year_of_manufacture`` mean unknown;
    a year outside 1900–2100 is reported and left empty. ``brand`` "Unknown" becomes empty. Text is
    repaired with ``fix_text``. Status and barrier spellings are matched without case or punctuation;
    an unknown status becomes "Unknown", an unknown barrier empty, and both are reported. A product
    category outside the ORDS list (and the named unpowered ones) is reported and left empty; so is an
    id that does not belong to the category. Records whose date is unreadable or before
    ``earliest_date`` go to ``quarantine`` with the reason. Unknown columns are reported, not read.
    """
    raw = pd.read_csv(source, dtype=str, keep_default_na=False, encoding="utf-8")
    version = ords_version(raw.columns)
    problems: list[dict] = []
    line = pd.Series(raw.index + 2, index=raw.index)  # line 1 is the header

    def report(mask: pd.Series, column: str, problem: str) -> None:
        for i in raw.index[mask]:
            problems.append({"line": int(line[i]), "id": raw.at[i, "id"] if "id" in raw else None,
                             "column": column, "value": raw.at[i, column], "problem": problem})

    known_columns = set().union(*ORDS_COLUMNS.values())
    for column in raw.columns:
        if column not in known_columns:
            problems.append({"line": 1, "id": None, "column": column, "value": None,
                             "problem": "unknown column, not read"})
    text = raw.reindex(columns=sorted(known_columns), fill_value="")
    for column in _TEXT_COLUMNS:
        text[column] = _map_unique(text[column], fix_text)

    out = pd.DataFrame(index=raw.index)
    out["repair_id"] = text["id"]
    date_text = text["event_date"].where(text["event_date"] != "", text["date"])
    out["date"] = pd.to_datetime(date_text, format="%Y-%m-%d", errors="coerce").astype("datetime64[ns]")

    category = _map_unique(text["product_category"], _known_category)
    report((text["product_category"] != "") & category.isna(), "product_category", "category not in the ORDS list")
    if version == "0.3":
        ids = dict(zip(product_categories()["product_category_id"].astype(str), product_categories()["product_category"]))
        wrong_id = (text["product_category_id"] != "") & category.notna() & (text["product_category_id"].map(ids) != category)
        report(wrong_id, "product_category_id", "id does not belong to the product category")
        category = category.where(~wrong_id)
    out["product_category"] = category.astype(object).where(category.notna(), None)
    out["partner_product_category"] = _none_if_empty(text["partner_product_category"])
    out["brand"] = _none_if_empty(text["brand"].where(text["brand"].str.lower() != "unknown", ""))

    year_text = text["year_of_manufacture"].where(~text["year_of_manufacture"].isin(["", "????"]))
    year = pd.to_numeric(year_text, errors="coerce")
    bad_year = year_text.notna() & ~year.between(1900, 2100)
    report(bad_year, "year_of_manufacture", "not a year between 1900 and 2100")
    out["year_of_manufacture"] = year.where(~bad_year).astype("Int64")

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
    for column in ORIGIN_COLUMNS:
        out[column] = _none_if_empty(text[column])

    reason = pd.Series(None, index=raw.index, dtype=object)
    reason[out["date"] < pd.Timestamp(earliest_date)] = f"placeholder date (before {earliest_date})"
    reason[out["date"].isna()] = "date missing or not YYYY-MM-DD"
    quarantined = reason.notna()
    quarantine = out[quarantined].assign(reason=reason[quarantined]).reset_index(drop=True)
    problem_table = pd.DataFrame(problems, columns=["line", "id", "column", "value", "problem"])
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


def to_ords(repairs: pd.DataFrame, *, data_provider: str = WERKPLAATS_PROVIDER, country: str = "NLD",
            group_identifier: str = WERKPLAATS_GROUP) -> pd.DataFrame:
    """The canonical ``repairs`` table as ORDS v0.3 rows (all columns text, in ORDS order).

    Rules: ``product_category_id`` comes from the ORDS list (empty for unpowered items, which have no
    id); an unknown brand is written "Unknown" as ORDS does; ``product_age`` = year of the event minus
    year of manufacture, empty when the year is unknown; dates as YYYY-MM-DD.
    """
    ids = dict(zip(product_categories()["product_category"], product_categories()["product_category_id"].astype(str)))
    year = repairs["year_of_manufacture"].astype("Int64")
    age = (repairs["date"].dt.year.astype("Int64") - year)
    out = pd.DataFrame({
        "id": repairs["repair_id"],
        "data_provider": data_provider,
        "country": country,
        "partner_product_category": repairs["partner_product_category"],
        "product_category": repairs["product_category"],
        "product_category_id": repairs["product_category"].map(ids),
        "brand": repairs["brand"].fillna("Unknown"),
        "year_of_manufacture": year.astype(str).replace("<NA>", ""),
        "product_age": age.astype(str).replace("<NA>", ""),
        "repair_status": repairs["repair_status"],
        "repair_barrier_if_end_of_life": repairs["repair_barrier"],
        "group_identifier": group_identifier,
        "event_date": repairs["date"].dt.strftime("%Y-%m-%d"),
        "problem": repairs["problem"],
    }, columns=list(ORDS_COLUMNS["0.3"]))
    return out.fillna("").astype(object)


def write_ords(repairs: pd.DataFrame, path, **kw) -> None:
    """Write the canonical ``repairs`` table as an ORDS v0.3 CSV file (UTF-8); options as in ``to_ords``."""
    to_ords(repairs, **kw).to_csv(path, index=False, encoding="utf-8")


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
    """Stacked bars: items per month, coloured by outcome (Fixed first)."""
    statuses = [t(f"repair.status.{k}", lang) for k in _STATUS_KEYS.values()]
    data = pd.DataFrame({
        "month": repairs["date"].dt.to_period("M").dt.to_timestamp(),
        "status": repairs["repair_status"].map(lambda s: t(f"repair.status.{_STATUS_KEYS[s]}", lang)),
    }).value_counts().rename("items").reset_index()
    chart = alt.Chart(data, title=t("repair.title.outcomes", lang)).mark_bar().encode(
        x=alt.X("yearmonth(month):T", title=t("repair.axis.month", lang)),
        y=alt.Y("items:Q", title=t("repair.axis.items", lang), stack="zero"),
        color=alt.Color("status:N", title=t("repair.legend.status", lang), sort=statuses, legend=_LEGEND,
                        scale=alt.Scale(domain=statuses, range=[PALETTE[2], PALETTE[1], PALETTE[3], "#9AA5B1"])),
        order=alt.Order("status_order:Q"),
        tooltip=[alt.Tooltip("yearmonth(month):T", title=t("repair.axis.month", lang)),
                 alt.Tooltip("status:N", title=t("repair.legend.status", lang)),
                 alt.Tooltip("items:Q", title=t("repair.axis.items", lang))],
    ).transform_calculate(status_order=f"indexof({statuses!r}, datum.status)")
    return with_source(chart, _sources(lang, demo))


def impact_chart(repairs: pd.DataFrame, *, measure: str = "co2e", lang: str = "nl", demo: bool = False) -> alt.TopLevelMixin:
    """Horizontal bars per category: CO2e avoided (``measure="co2e"``) or waste prevented (``"kg"``) by fixed items."""
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
    """
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
