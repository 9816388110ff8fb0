"""Tests for werkplaats_data.repair: item names → ORDS categories, ORDS files, impact, repair rates."""

from __future__ import annotations

import pandas as pd
import pytest

from werkplaats_data import repair


# --- categorise_items -------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "category"),
    [
        ("koffiezetapparaat", "Coffee maker"),  # own list
        ("Koffieapparaat", "Coffee maker"),  # ORDS Dutch name, other case
        ("Stofzuiger", "Vacuum"),  # ORDS also lists it under Toy: the specific category wins
        ("lamp", "Lamp"),
        ("naaimachine", "Sewing machine"),
        ("broek", "Unpowered - Textile"),
        ("  Föhn ", "Hair dryer"),  # accent and spaces
        ("bureaulamp", "Lamp"),
        ("oude Philips  stofzuiger", "Vacuum"),  # word-level match
        ("Vacuum cleaner", "Vacuum"),
        ("spijkerbroek", "Unpowered - Textile"),  # compound: ends with "broek"
        ("T-shirt", "Unpowered - Textile"),
        ("PC Accessory", "PC accessory"),  # category name itself
        ("fiets", "Unpowered - Bicycle"),
        ("radio", "Portable radio"),  # own list settles an ORDS double
    ],
)
def test_categorise_known_names(name, category):
    assert repair.categorise_items(pd.Series([name])).iloc[0] == category


def test_categorise_keeps_every_row_and_index_unknown_is_missing():
    items = pd.Series(["xyzzy", None, "lamp", "xyzzy"], index=[10, 11, 12, 13])
    out = repair.categorise_items(items)
    assert list(out.index) == [10, 11, 12, 13]
    assert out.isna().tolist() == [True, True, False, True]
    assert pd.api.types.is_string_dtype(out)


def test_a_category_chosen_in_the_register_wins_over_the_item_name():
    items = pd.Series(["lamp", "lamp", "xyzzy", None], index=[1, 2, 3, 4])
    chosen = pd.Series(["Naaimachine", None, "Sewing machine", "onzin"], index=[1, 2, 3, 4])
    out = repair.categorise_items(items, chosen)
    assert out[1] == repair.categorise_item("naaimachine")  # the Dutch label chosen from the drop-down
    assert out[2] == repair.categorise_item("lamp")          # nothing chosen: the item decides
    assert out[3] == "Sewing machine"                        # the ORDS name chosen, item unknown
    assert pd.isna(out[4])                                  # an unknown choice and no item: missing


def test_every_category_is_ords_or_named_unpowered():
    allowed = set(repair.product_categories()["product_category"])
    for category in set(repair.item_lookup().values()):
        assert category in allowed or category.startswith("Unpowered - "), category


@pytest.mark.slow
def test_each_own_alias_changes_something(monkeypatch):
    """An alias that the ORDS list already gives is dead data."""
    aliases = repair._read("item_aliases.csv")
    assert aliases["term"].map(repair.normalise_name).is_unique
    original = repair._read
    for row in aliases.itertuples():
        def read(name, term=row.term):
            df = original(name)
            return df[df["term"] != term] if name == "item_aliases.csv" else df

        monkeypatch.setattr(repair, "_read", read)
        repair.item_lookup.cache_clear()
        repair._compound_heads.cache_clear()
        assert repair.categorise_item(row.term) != row.product_category, row.term
    monkeypatch.undo()
    repair.item_lookup.cache_clear()
    repair._compound_heads.cache_clear()


# --- reading real ORDS files -------------------------------------------------------------------

import csv  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

from werkplaats_data import schemas  # noqa: E402

ORDS_DIR = Path("/work/shared/external/ords")
RCI = ORDS_DIR / repair.RCI_FILE
RESTART = ORDS_DIR / "OpenRepairData_v0.3_RestartProject_202204.csv"
needs_real_files = pytest.mark.skipif(not RCI.exists() or not RESTART.exists(), reason="real ORDS files not available")


def _plain_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def rci():
    return repair.read_ords(RCI)


@pytest.fixture(scope="module")
def restart():
    return repair.read_ords(RESTART)


@needs_real_files
@pytest.mark.parametrize(("path", "version", "rows"), [(RCI, "0.2.1", 23048), (RESTART, "0.3", 23940)])
def test_real_file_keeps_every_row(path, version, rows):
    read = repair.read_ords(path)
    plain = _plain_rows(path)
    assert len(plain) == rows
    assert read.version == version
    assert len(read.repairs) + len(read.quarantine) == rows
    schemas.schema("repairs").validate(repair.canonical_repairs(read.repairs))
    # status and country distribution, counted with the csv module
    both = pd.concat([read.repairs, read.quarantine])
    assert Counter(both["repair_status"]) == Counter(r["repair_status"] or "Unknown" for r in plain)
    assert Counter(both["country"]) == Counter(r["country"] for r in plain)


@needs_real_files
def test_rci_traps(rci):
    plain = _plain_rows(RCI)
    placeholder = [r["id"] for r in plain if r["event_date"] < "2000"]
    assert len(placeholder) == 15
    assert sorted(rci.quarantine["repair_id"]) == sorted(placeholder)
    assert rci.quarantine["reason"].str.startswith("placeholder date").all()
    unknown_years = sum(r["year_of_manufacture"] == "????" for r in plain)
    assert unknown_years == 12295  # 53 % of the rows, as REFERENCES.md says
    both = pd.concat([rci.repairs, rci.quarantine])
    assert both["year_of_manufacture"].isna().sum() >= unknown_years
    assert Counter(rci.repairs["country"])["NLD"] == 19100 - 15
    # double-encoded UTF-8 repaired
    problems = set(both["problem"].dropna())
    assert "En défaut" in problems and "Problème son" in problems
    assert not any("?©" in p for p in problems)
    assert "Kärcher" in set(both["brand"].dropna())
    assert both["repair_barrier"].isna().all()  # the RCI file has no barriers


@needs_real_files
def test_restart_barriers_and_problems(restart):
    plain = _plain_rows(RESTART)
    expected = Counter(r["repair_barrier_if_end_of_life"] for r in plain if r["repair_barrier_if_end_of_life"])
    assert Counter(restart.repairs["repair_barrier"].dropna()) == expected
    year_1869 = [r["id"] for r in plain if r["year_of_manufacture"] == "1869"]
    reported = restart.problems[restart.problems["column"] == "year_of_manufacture"]
    assert list(reported["id"]) == year_1869
    assert len(restart.problems[restart.problems["problem"].str.contains("not End of life")]) == 1


# --- crafted files ----------------------------------------------------------------------------

V01 = """id,data_provider,country,language,product_category,brand,model,year_of_manufacture,repair_status,group_identifier,date,problem,colour
a_1,Anstiftung,DEU,German,Hair & Beauty item,Unknown,Unknown,????,Fixed,rc-1,2019-09-01,Schlauch gerissen,red
a_2,Anstiftung,DEU,German,DLSR / Video Camera,Canon,X,2011,End of life,rc-1,2019-08-28,Objektiv,blue
a_3,Anstiftung,DEU,German,Vacuum,AEG,Unknown,1850,Gerepariert,rc-1,1999-12-13,,
a_4,Anstiftung,DEU,German,Lamp,Unknown,Unknown,,,rc-1,01-09-2019,,
"""


def test_crafted_v01(tmp_path):
    path = tmp_path / "v01.csv"
    path.write_text(V01, encoding="utf-8")
    read = repair.read_ords(path)
    assert read.version == "0.1"
    assert list(read.repairs["repair_id"]) == ["a_1", "a_2"]
    first, second = read.repairs.iloc[0], read.repairs.iloc[1]
    assert first["product_category"] == "Hair & beauty item"  # case differs from the list
    assert first["brand"] is None and pd.isna(first["year_of_manufacture"])
    assert first["date"] == pd.Timestamp("2019-09-01")
    assert second["product_category"] is None and second["year_of_manufacture"] == 2011
    q = read.quarantine.set_index("repair_id")["reason"]
    assert q["a_3"].startswith("placeholder date") and q["a_4"].startswith("date missing")
    found = set(zip(read.problems["id"].fillna(""), read.problems["column"]))
    assert found == {
        ("", "colour"),  # unknown column
        ("a_2", "product_category"),  # outside the list
        ("a_3", "year_of_manufacture"),
        ("a_3", "repair_status"),
    }
    assert read.problems.set_index("id").loc["a_2", "line"] == 3


def test_barrier_spelling_variants_and_wrong_id(tmp_path):
    header = ",".join(repair.ORDS_COLUMNS["0.3"])
    rows = [
        "r1,P,NLD,x,Lamp,15,Unknown,,,End of life,No way to open product,g,2021-01-02,",
        "r2,P,NLD,x,Lamp,16,Unknown,,,End of life,spare parts not available,g,2021-01-02,",
        "r3,P,NLD,x,Lamp,15,Unknown,,,End of life,Too old,g,2021-01-02,",
    ]
    path = tmp_path / "v03.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    read = repair.read_ords(path)
    assert list(read.repairs["repair_barrier"]) == ["No way to open the product", "Spare parts not available", None]
    assert list(read.repairs["product_category"]) == ["Lamp", None, "Lamp"]
    assert set(zip(read.problems["id"], read.problems["column"])) == {
        ("r2", "product_category_id"), ("r3", "repair_barrier_if_end_of_life")}


def test_fix_text():
    assert repair.fix_text("d?©faut") == "défaut"
    assert repair.fix_text("Fu?üschalter") == "Fußschalter"
    assert repair.fix_text("Motherboard â€“ terminal") == "Motherboard – terminal"
    assert repair.fix_text("Wat is dit?") == "Wat is dit?"
    assert repair.fix_text("l’ouvrir") == "l’ouvrir"  # curly quotes stay


# --- writing ORDS -----------------------------------------------------------------------------

def _werkplaats_repairs():
    """Four items as the release has them (string columns as object, like schemas.empty_table)."""
    df = pd.DataFrame({
        "repair_id": ["rep_1", "rep_2", "rep_3", "rep_4"],
        "date": pd.to_datetime(["2023-01-21", "2023-01-21", "2023-02-18", "2023-03-18"]).astype("datetime64[ns]"),
        "product_category": ["Coffee maker", "Unpowered - Textile", None, "Vacuum"],
        "partner_product_category": ["koffiezetapparaat", "broek", "ding", "Stofzuiger"],
        "brand": ["Philips", None, None, "Miele"],
        "year_of_manufacture": pd.array([2015, None, None, 2001], dtype="Int64"),
        "problem": ["lekt", "zoom los", None, "zuigt niet, snoer kapot"],
        "repair_status": ["Fixed", "Fixed", "Unknown", "End of life"],
        "repair_barrier": [None, None, None, "Spare parts not available"],
    })
    for column in schemas.TABLES["repairs"].columns:
        if column.dtype == "string":
            df[column.name] = df[column.name].astype(object).where(df[column.name].notna(), None)
    return df


def test_to_ords_columns_and_values():
    ords = repair.to_ords(_werkplaats_repairs())
    assert list(ords.columns) == list(repair.ORDS_COLUMNS["0.3"])
    assert set(ords["data_provider"]) == {"Werkplaats Duurzaam"} and set(ords["country"]) == {"NLD"}
    assert list(ords["product_category_id"]) == ["36", "", "", "34"]
    assert list(ords["product_age"]) == ["8", "", "", "22"]
    assert list(ords["brand"]) == ["Philips", "Unknown", "Unknown", "Miele"]


def test_round_trip_keeps_every_row(tmp_path):
    original = _werkplaats_repairs()
    path = tmp_path / "werkplaats_ords.csv"
    repair.write_ords(original, path)
    read = repair.read_ords(path)
    assert read.version == "0.3" and read.problems.empty and read.quarantine.empty
    pd.testing.assert_frame_equal(repair.canonical_repairs(read.repairs), original, check_dtype=False)
    assert set(read.repairs["group_identifier"]) == {repair.WERKPLAATS_GROUP}


# --- impact -----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("category", "kg", "co2e"),
    [("Coffee maker", 1.28, 8.75), ("Vacuum", 6.80, 18.005), ("Lamp", 2.68, 7.48), ("Sewing machine", 8.60, 17.5),
     ("Small kitchen item", 2.95, 15.45), ("Unpowered - Textile", 0.75, 10.16)],
)
def test_impact_factors_match_references(category, kg, co2e):
    row = repair.impact_factors().set_index("product_category").loc[category]
    assert row["weight_kg"] == pytest.approx(kg)
    assert row["co2e_avoided_kg"] == pytest.approx(co2e)


def test_impact_factors_cover_all_categories_and_agree_with_restart():
    factors = repair.impact_factors()
    assert set(repair.product_categories()["product_category"]) | set(repair.UNPOWERED_CATEGORIES) == set(factors["product_category"])
    restart = pd.read_csv(ORDS_DIR.parent / "restart_lca" / "restarters_categories_lca_2021.csv") if (ORDS_DIR.parent / "restart_lca").exists() else None
    if restart is not None:  # the ORDS table uses Restart's numbers where Restart has the category
        both = factors.merge(restart, left_on="product_category", right_on="name")
        assert len(both) >= 30
        assert (both["weight_kg_x"] - both["weight_kg_y"]).abs().max() < 1e-9


def test_impact_counts_only_fixed_items():
    # 2 fixed coffee makers, 1 fixed trousers, 1 fixed item without category, plus items not fixed
    repairs = pd.DataFrame({
        "product_category": ["Coffee maker", "Coffee maker", "Coffee maker", "Unpowered - Textile", None, "Vacuum", "Vacuum"],
        "repair_status": ["Fixed", "Fixed", "Repairable", "Fixed", "Fixed", "End of life", "Unknown"],
    })
    table = repair.impact(repairs).set_index("product_category")
    assert table.loc["Coffee maker", "fixed"] == 2
    assert table.loc["Coffee maker", "waste_prevented_kg"] == pytest.approx(2.56)
    assert table.loc["Coffee maker", "co2e_avoided_kg"] == pytest.approx(17.5)
    assert "Vacuum" not in table.index
    totals = repair.impact_totals(repairs)
    assert totals == {"fixed": 4, "waste_prevented_kg": pytest.approx(2.56 + 0.75), "co2e_avoided_kg": pytest.approx(17.5 + 10.16)}


# --- repair rates -----------------------------------------------------------------------------

def test_wilson_interval_by_hand():
    # 8 of 10, z = 1.959964: centre (0.8 + 0.19207)/1.38415 = 0.71673, half 0.24571 → 0.4902 … 0.9433
    low, high = repair.wilson_interval(8, 10)
    assert low == pytest.approx(0.4902, abs=1e-4) and high == pytest.approx(0.9433, abs=1e-4)
    low, high = repair.wilson_interval(0, 5)
    assert low == pytest.approx(0.0) and high == pytest.approx(0.4345, abs=1e-4)


def test_repair_rates_counts_unknown_as_not_fixed():
    repairs = pd.DataFrame({
        "product_category": ["Lamp"] * 4 + ["Vacuum"] + [None],
        "repair_status": ["Fixed", "Fixed", "Fixed", "Unknown", "End of life", "Fixed"],
    })
    rates = repair.repair_rates(repairs).set_index("product_category")
    assert rates.loc["Lamp", "items"] == 4 and rates.loc["Lamp", "rate"] == 0.75
    assert rates.loc["Vacuum", "rate"] == 0
    assert len(rates) == 2
    assert (rates["ci_low"] <= rates["rate"]).all() and (rates["rate"] <= rates["ci_high"]).all()


@needs_real_files
def test_dutch_rates_reproduce_references(rci):
    """REFERENCES.md: Dutch RCI 2020 data, coffee maker 57.9 %, vacuum 61.2 %, lamp 69.1 %, sewing machine 75.2 %.

    "2020 data" is the 2020-09 release (events 2016–2020), not events in 2020; the rate is fixed ÷ all items.
    """
    rates = repair.dutch_repair_rates(rci).set_index("product_category")["rate"]
    assert round(rates["Coffee maker"] * 100, 1) == 57.9
    assert round(rates["Vacuum"] * 100, 1) == 61.2
    assert round(rates["Lamp"] * 100, 1) == 69.1
    assert round(rates["Sewing machine"] * 100, 1) == 75.2
    # independently, with plain pandas on the raw file
    raw = pd.read_csv(RCI, dtype=str, keep_default_na=False)
    nl = raw[raw["country"] == "NLD"]
    vacuum = nl[nl["product_category"] == "Vacuum"]
    assert rates["Vacuum"] == (vacuum["repair_status"] == "Fixed").sum() / len(vacuum)


@needs_real_files
def test_shipped_dutch_rates_are_up_to_date(rci):
    shipped = repair.shipped_dutch_repair_rates()
    fresh = repair.dutch_repair_rates(rci)
    pd.testing.assert_frame_equal(shipped[["product_category", "items", "fixed"]], fresh[["product_category", "items", "fixed"]])
    assert (shipped["rate"] - fresh["rate"]).abs().max() < 1e-6
    assert shipped["source"].str.contains("Open Repair Data").all()


# --- charts -----------------------------------------------------------------------------------

from werkplaats_data import charts  # noqa: E402


def _chart_repairs():
    return pd.DataFrame({
        "repair_id": [f"r{i}" for i in range(24)],
        "date": pd.to_datetime(["2023-01-21"] * 12 + ["2023-02-18"] * 12).astype("datetime64[ns]"),
        "product_category": ["Coffee maker"] * 12 + ["Unpowered - Textile"] * 10 + [None] * 2,
        "repair_status": ["Fixed"] * 7 + ["End of life"] * 5 + ["Fixed"] * 8 + ["Repairable"] * 2 + ["Unknown"] * 2,
    })


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_charts_carry_their_sources(lang):
    data = _chart_repairs()
    assert charts.source_of(repair.outcomes_chart(data, lang=lang, demo=True)).startswith(("Bron: voorbeelddata", "Source: demo data"))
    assert "Restart Project" in charts.source_of(repair.impact_chart(data, lang=lang))
    assert "Open Repair Data" in charts.source_of(repair.rates_chart(data, lang=lang))


def test_rates_chart_data_pairs_ours_with_dutch():
    spec = repair.rates_chart(_chart_repairs(), lang="en", min_items=10).to_dict()
    values = next(iter(spec["datasets"].values()))
    pairs = {(v["label"], v["series"]) for v in values}
    # coffee maker here (12 items) and in the Dutch table; textile (10 items) only here
    assert pairs == {("Coffee maker", "Werkplaats Duurzaam"), ("Coffee maker", "Dutch Repair Cafés 2016–2020"),
                     ("Clothing and textile", "Werkplaats Duurzaam")}


def test_every_category_has_a_label():
    for category in repair.impact_factors()["product_category"]:
        assert repair.category_label(category, "nl") and repair.category_label(category, "en")
    assert repair.category_label("Coffee maker", "nl") == "Koffiezetapparaat"


def test_barriers_counts_end_of_life_only():
    repairs = pd.DataFrame({
        "repair_status": ["End of life", "End of life", "End of life", "Fixed", "Repairable"],
        "repair_barrier": ["Lack of equipment", "Lack of equipment", None, None, "Lack of equipment"],
    })
    table = repair.barriers(repairs)
    assert table["items"].tolist() == [2, 1]
    assert table["share"].tolist() == pytest.approx([2 / 3, 1 / 3])
    assert table["repair_barrier"].iloc[0] == "Lack of equipment" and pd.isna(table["repair_barrier"].iloc[1])
