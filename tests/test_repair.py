"""Tests for werkplaats_data.repair: item names → ORDS categories, ORDS files, impact, repair rates."""

from __future__ import annotations

import io

import ftfy.bad_codecs  # noqa: F401  (sloppy-windows-1252)
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from werkplaats_data import repair
from werkplaats_data.errors import UserError


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
        ("Other", "Misc"),  # ORDS lists it under Misc, Toy and Watch/clock: only Misc's "Other" is a name
        ("Overig", "Misc"),
        ("coffee machine", "Coffee maker"),  # own list, sources in item_aliases.csv
        ("camera", "Digital compact camera"),
        ("Hairdryer", "Hair dryer"),
        ("gitaar", "Musical instrument"),
        ("e-bike", "Misc"),  # as Dutch Repair Cafés file it, not Large home electrical
        ("elektrische fiets", "Misc"),
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


def test_remainder_entry_of_toy_and_clock_names_nothing():
    """The tie-break rule step 1: without it "Other" would go to Watch/clock (the only non-catch-all of the three)."""
    translations = repair._read("item_type_translations.csv")
    others = set(translations.loc[translations["en"] == "Other", "product_category"])
    assert others == {"Misc", "Toy", "Watch/clock"}
    assert repair.item_lookup()["other"] == repair.item_lookup()["overig"] == "Misc"
    assert repair.categorise_item("wekker") == "Watch/clock"  # the clock's real names still work


def test_aliases_say_where_they_come_from():
    aliases = repair._read("item_aliases.csv")
    assert (aliases["note"].str.strip() != "").all()
    added = aliases.set_index("term").loc[["coffee machine", "camera", "hairdryer", "gitaar", "e-bike"], "note"]
    assert added.str.contains("ORDS|Open Repair|Restart|Repair Café International").all()


def test_unmatched_items_are_listed_with_count_and_place():
    items = pd.Series(["Xyzzy", "lamp", None, "xyzzy ", "  ", "plumbus", "Xyzzy"], index=[5, 6, 7, 8, 9, 10, 11])
    where = pd.Series(["a.xlsx r5", "a.xlsx r6", "a.xlsx r7", "b.xlsx r2", "b.xlsx r3", "b.xlsx r4", "c.xlsx r1"], index=items.index)
    table = repair.unmatched_items(items, where=where, max_places=2)
    assert table.to_dict("records") == [
        {"item": "Xyzzy", "count": 3, "where": "a.xlsx r5; b.xlsx r2 (+1)"},  # one name, three spellings of case/space
        {"item": "plumbus", "count": 1, "where": "b.xlsx r4"},
    ]
    chosen = pd.Series([None, None, None, None, None, "Lamp", None], index=items.index)  # a chosen category counts as matched
    assert list(repair.unmatched_items(items, chosen)["item"]) == ["Xyzzy"]
    assert list(repair.unmatched_items(items)["where"]) == ["5; 8; 11", "10"]  # default place: the index label
    assert repair.unmatched_items(pd.Series(["lamp", None])).empty


def test_unmatched_items_in_public_show_no_typed_name_and_follow_the_small_cell_rule():
    items = pd.Series(["Xyzzy"] * 11 + ["plumbus", "lamp"])  # 12 unmatched items under 2 names
    table = repair.unmatched_items(items, public=True)
    assert list(table.columns) == ["names", "items"]
    assert pd.isna(table.loc[0, "names"]) and table.loc[0, "items"] == 10  # 2 names: below 10; 12 items → 10
    assert "Xyzzy" not in table.to_string() and "plumbus" not in table.to_string()
    assert repair.unmatched_items(pd.Series(["lamp"]), public=True).empty


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
import gzip  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402

from werkplaats_data import schemas  # noqa: E402

ORDS_DIR = Path(__file__).parent / "data" / "ords"  # gzip copies of the real files (README there)
RCI = ORDS_DIR / (repair.RCI_FILE + ".gz")
RESTART = ORDS_DIR / "OpenRepairData_v0.3_RestartProject_202204.csv.gz"


def _plain_rows(path):
    with gzip.open(path, "rt", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def rci():
    return repair.read_ords(RCI)


@pytest.fixture(scope="module")
def restart():
    return repair.read_ords(RESTART)


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
    assert not read.problems["column"].isin(["country", "id", "product_category_id", "product_age"]).any()


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


def test_restart_barriers_and_problems(restart):
    plain = _plain_rows(RESTART)
    expected = Counter(r["repair_barrier_if_end_of_life"] for r in plain if r["repair_barrier_if_end_of_life"])
    assert Counter(restart.repairs["repair_barrier"].dropna()) == expected  # the file writes the kit's spellings
    assert restart.repairs["product_age"].notna().sum() == sum(r["product_age"] != "" for r in plain)
    problems = set(restart.repairs["problem"].dropna())
    assert "Mouse charger - “Blew” -" in problems  # "â€\uf19d": the quote's byte 9D kept as a private-use character
    assert not any("â€" in p for p in problems)
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


HEADER_03 = ",".join(repair.ORDS_COLUMNS["0.3"])


def _v03(tmp_path, *rows, name="v03.csv", encoding="utf-8", header=HEADER_03):
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return repair.read_ords(path)


def _found(read):
    return set(zip(read.problems["id"].fillna(""), read.problems["column"].fillna("")))


def test_barrier_spelling_variants_and_wrong_id(tmp_path):
    read = _v03(tmp_path,
                "r-1,P,NLD,x,Lamp,15,Unknown,,,End of life,No way to open product,g,2021-01-02,",
                "r-2,P,NLD,x,Lamp,16,Unknown,,,End of life,spare parts not available,g,2021-01-02,",
                "r-3,P,NLD,x,Lamp,15,Unknown,,,End of life,Too old,g,2021-01-02,",
                "r-4,P,NLD,x,Lamp,15,Unknown,,,End of life,Too worn out,g,2021-01-02,",
                "r-5,P,NLD,x,Lamp,15,Unknown,,,End of life,Item too worn out,g,2021-01-02,",
                "r-6,P,NLD,x,Lamp,15,Unknown,,,End of life,No way to open the product,g,2021-01-02,",
                "r-7,P,NLD,x,Lamp,15,Unknown,,,End of life,versleten,g,2021-01-02,")
    assert list(read.repairs["repair_barrier"]) == [
        "No way to open the product", "Spare parts not available", None, "Item too worn out", "Item too worn out",
        "No way to open the product", "Item too worn out"]
    assert list(read.repairs["product_category"]) == ["Lamp", None] + ["Lamp"] * 5
    assert _found(read) == {("r-2", "product_category_id"), ("r-3", "repair_barrier_if_end_of_life")}
    schemas.schema("repairs").validate(repair.canonical_repairs(read.repairs))


def test_ords_barrier_table_matches_the_schema_and_the_kit():
    enum = next(f for f in repair.ords_tableschema()["fields"] if f["name"] == "repair_barrier_if_end_of_life")
    assert set(repair.ORDS_BARRIERS) == set(repair._enum(enum["constraints"]["enum"]))
    assert set(repair.ORDS_BARRIERS.values()) == set(schemas.REPAIR_BARRIERS)


def test_category_id_checks(tmp_path):
    read = _v03(tmp_path,
                "r-1,P,NLD,x,,99,Unknown,,,Fixed,,g,2021-01-02,",      # unknown id, no category
                "r-2,P,NLD,x,,15,Unknown,,,Fixed,,g,2021-01-02,",      # known id, no category: filled
                "r-3,P,NLD,x,Lamp,abc,Unknown,,,Fixed,,g,2021-01-02,")  # not a number
    assert list(read.repairs["product_category"]) == [None, "Lamp", "Lamp"]
    problems = read.problems.set_index("id")
    assert problems.loc["r-1", "column"] == "product_category_id" and "not in the ORDS list" in problems.loc["r-1", "problem"]
    assert problems.loc["r-2", "column"] == "product_category" and problems.loc["r-2", "value"] == "Lamp"
    assert problems.loc["r-3", "column"] == "product_category_id" and problems.loc["r-3", "value"] == "abc"


def test_product_age_is_read_and_checked(tmp_path):
    read = _v03(tmp_path,
                "r-1,P,NLD,x,Lamp,15,Unknown,2015,6,Fixed,,g,2021-01-02,",
                "r-2,P,NLD,x,Lamp,15,Unknown,,abc,Fixed,,g,2021-01-02,",
                "r-3,P,NLD,x,Lamp,15,Unknown,,4.5,Fixed,,g,2021-01-02,",   # no year: event year − age, rounded
                "r-4,P,NLD,x,Lamp,15,Unknown,,-2,Fixed,,g,2021-01-02,")
    assert read.repairs["product_age"].tolist()[::2] == [6.0, 4.5]
    assert read.repairs["product_age"].isna().tolist() == [False, True, False, True]
    assert read.repairs["year_of_manufacture"].fillna(0).tolist() == [2015, 0, 2016, 0]
    assert _found(read) == {("r-2", "product_age"), ("r-4", "product_age")}


def test_duplicate_ids_and_countries_are_reported(tmp_path):
    read = _v03(tmp_path,
                "r-1,P,NLD,x,Lamp,15,Unknown,,,Fixed,,g,2021-01-02,first",
                "r-1,P,NL,x,Lamp,15,Unknown,,,Fixed,,g,2021-01-03,second",
                "r-2,P,XYZ,x,Lamp,15,Unknown,,,Fixed,,g,2021-01-03,",
                ",P,NLD,x,Lamp,15,Unknown,,,Fixed,,g,2021-01-03,")
    assert list(read.repairs["repair_id"]) == ["r-1", "r-2"]
    assert list(read.repairs["problem"]) == ["first", None]
    reasons = read.quarantine.set_index("problem", drop=False)["reason"]
    assert reasons["second"] == "id already used on line 2"
    assert read.quarantine["reason"].tolist()[-1] == "id missing"
    lines = set(zip(read.problems["line"], read.problems["column"]))
    assert {(3, "id"), (3, "country"), (4, "country"), (5, "id")} <= lines
    schemas.schema("repairs").validate(repair.canonical_repairs(read.repairs))


# --- malformed files: read what can be read, report the rest by line and column ------------------

GOOD = "r-{n},P,NLD,x,Lamp,15,Unknown,,,Fixed,,g,2021-01-02,ok"


def test_extra_value_in_the_first_data_row(tmp_path):
    read = _v03(tmp_path, GOOD.format(n=1) + ",surplus", GOOD.format(n=2), GOOD.format(n=3))
    assert list(read.repairs["repair_id"]) == ["r-2", "r-3"]
    assert read.quarantine["repair_id"].tolist() == ["r-1"] and read.quarantine["reason"].tolist() == ["more values than columns"]
    row = read.problems.iloc[0]
    assert (row["line"], row["id"], row["value"]) == (2, "r-1", "surplus") and "quotes" in row["problem"]


def test_extra_value_in_a_later_row_and_trailing_empty_values(tmp_path):
    read = _v03(tmp_path, GOOD.format(n=1), "r-2,P,NLD,x,Lamp,15,Unknown,,,Fixed,,g,2021-01-02,kapot, snoer los",
                GOOD.format(n=3) + ",,")
    assert list(read.repairs["repair_id"]) == ["r-1", "r-3"]  # empty values after the last column do no harm
    assert list(read.problems["line"]) == [3] and read.problems["value"].iloc[0] == " snoer los"


def test_unterminated_quote_keeps_the_following_lines(tmp_path):
    read = _v03(tmp_path, GOOD.format(n=1), 'r-2,P,NLD,x,Lamp,15,Unknown,,,Fixed,,g,2021-01-02,"kapot snoer',
                GOOD.format(n=3), GOOD.format(n=4))
    assert list(read.repairs["repair_id"]) == ["r-1", "r-3", "r-4"]
    assert read.quarantine["repair_id"].tolist() == ["r-2"] and read.quarantine["reason"].iloc[0] == "quote not closed on this line"
    assert read.problems[["line", "id", "column"]].values.tolist() == [[3, "r-2", "problem"]]


def test_quote_in_a_middle_column_that_closes_lines_later(tmp_path):
    read = _v03(tmp_path, GOOD.format(n=1), 'r-2,P,NLD,"x,Lamp,15,Unknown,,,Fixed,,g,2021-01-02,ok',
                'r-3,P,NLD,"x",Lamp,15,Unknown,,,Fixed,,g,2021-01-02,ok', GOOD.format(n=4))
    assert list(read.repairs["repair_id"]) == ["r-1", "r-3", "r-4"]
    assert read.problems["line"].tolist() == [3]


def test_quoted_text_over_several_lines_is_one_record(tmp_path):
    read = _v03(tmp_path, 'r-1,P,NLD,x,Lamp,15,Unknown,,,Fixed,,g,2021-01-02,"line one\nline two"', GOOD.format(n=2))
    assert read.problems.empty and read.repairs["problem"].tolist() == ["line one\nline two", "ok"]
    assert repair.read_ords(io.StringIO("\n".join([HEADER_03, GOOD.format(n=1), "", GOOD.format(n=2)]))).problems.empty


def test_windows_1252_file(tmp_path):
    read = _v03(tmp_path, GOOD.format(n=1), "r-2,P,NLD,x,Lamp,15,Unknown,,,Fixed,,g,2021-01-02,lamp doet het niet, défaut"
                .replace(", défaut", " défaut"), encoding="cp1252")
    assert read.repairs["problem"].tolist() == ["ok", "lamp doet het niet défaut"]
    assert read.problems[["line", "problem"]].values.tolist()[0][0] == 3
    assert "Windows-1252" in read.problems["problem"].iloc[0]


def test_semicolon_file(tmp_path):
    header = HEADER_03.replace(",", ";")
    read = _v03(tmp_path, GOOD.format(n=1).replace(",", ";"), header=header)
    assert read.version == "0.3" and read.repairs["product_category"].tolist() == ["Lamp"]
    assert read.problems[["line", "value"]].values.tolist() == [[1, ";"]]


def test_too_short_row_is_reported(tmp_path):
    read = _v03(tmp_path, "r-1,P,NLD,x,Lamp,15,Unknown,,,Fixed,,g,2021-01-02", GOOD.format(n=2))
    assert list(read.repairs["repair_id"]) == ["r-1", "r-2"]
    row = read.problems.iloc[0]
    assert (row["line"], row["id"], row["column"]) == (2, "r-1", "problem") and "13 of 14" in row["problem"]


def test_a_column_named_twice_is_reported(tmp_path):
    read = _v03(tmp_path, GOOD.format(n=1) + ",other", header=HEADER_03 + ",problem")
    assert read.repairs["problem"].tolist() == ["ok"]
    assert read.problems[["line", "column"]].values.tolist() == [[1, "problem"]]


def test_not_an_ords_file_is_a_plain_message(tmp_path):
    path = tmp_path / "names.csv"
    path.write_text("naam,adres\nAnna,Gaffelstraat 1\n", encoding="utf-8")
    with pytest.raises(UserError, match="names.csv.*not an ORDS file"):
        repair.read_ords(path)


# --- text repair --------------------------------------------------------------------------------

def test_fix_text_examples():
    assert repair.fix_text("Motherboard â€“ terminal") == "Motherboard – terminal"
    assert repair.fix_text("Mouse charger - â€œBlewâ€\uf19d -") == "Mouse charger - “Blew” -"
    assert repair.fix_text("d?©faut", lost_lead=True) == "défaut"
    assert repair.fix_text("Fu?üschalter", lost_lead=True) == "Fußschalter"
    assert repair.fix_text("d?©faut") == "d?©faut"  # the Mac Roman pattern only when the file shows it
    assert repair.undo_lost_lead("Wat?é") == "WatÎ"  # why that rule is off unless the file shows the pattern
    for text in ("Wat is dit?", "l’ouvrir", "Wat?é", "café", "Repair Café International", "Kärcher", "één’’", "“Blew”"):
        assert repair.fix_text(text) == text


def test_lost_lead_repair_only_in_files_that_show_it(tmp_path):
    clean = _v03(tmp_path, GOOD.format(n=1).replace(",ok", ",Wat?é"), name="clean.csv")
    assert clean.repairs["problem"].tolist() == ["Wat?é"]
    mixed = _v03(tmp_path, GOOD.format(n=1).replace(",ok", ",En d?©faut"), GOOD.format(n=2).replace(",ok", ",Fu?üschalter"),
                 name="mac.csv")
    assert mixed.repairs["problem"].tolist() == ["En défaut", "Fußschalter"]


#: Text as people write it: ASCII, accented Latin-1 letters, letters outside Windows-1252 (Polish,
#: Hungarian, Turkish, Czech), Arabic. (Curly quotes and dashes next to accents: see the examples.)
WRITTEN = st.text(alphabet=st.sampled_from(
    [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xC0, 0x100) if chr(c).isalpha()]
    + list("łŁőűğşıčřĕ") + list("مرحبا بكم")))
#: Text as repair problems are written: accented and extended Latin letters, the usual typographic marks.
LATIN = st.text(alphabet=st.sampled_from(
    [chr(c) for c in range(0x20, 0x7F)] + [chr(c) for c in range(0xA1, 0x180) if chr(c).isprintable()]
    + list("–—‘’“”…€•")))


@given(WRITTEN)
@example("Wat?é")
@example("naïve Łódź")
@example("één’’ “x” – l’ouvrir")
def test_correct_text_is_never_changed(text):
    assert repair.fix_text(text) == text


@given(LATIN)
@example("Fußschalter – défaut ’ “x” …")
def test_double_encoded_text_is_repaired(text):
    double = text.encode("utf-8").decode("sloppy-windows-1252")
    assert repair.fix_text(double) == text  # one step back, never more ("Ã‚Â¡" → "Â¡", not "¡")


# --- writing ORDS -----------------------------------------------------------------------------

def _werkplaats_repairs():
    """Seven items as the release has them (string columns as object, like schemas.empty_table)."""
    df = pd.DataFrame({
        "repair_id": ["rc_20230121_01", "rc_20230121_02", "rc_20230218_01", "rc_20230318_01", "rc_20230318_02",
                      "rc_20230318_03", "rc_20230318_04"],
        "date": pd.to_datetime(["2023-01-21", "2023-01-21", "2023-02-18"] + ["2023-03-18"] * 4).astype("datetime64[ns]"),
        "product_category": ["Coffee maker", "Unpowered - Textile", None, "Vacuum", "Lamp", "Toaster", "Kettle"],
        "partner_product_category": ["koffiezetapparaat", "broek", "ding", "Stofzuiger", "lamp", "broodrooster", "waterkoker"],
        "brand": ["Philips", None, None, "Miele", None, None, None],
        "year_of_manufacture": pd.array([2015, None, None, 2001, None, None, None], dtype="Int64"),
        "problem": ["lekt, “zegt” de eigenaar", "zoom los", None, "zuigt niet, snoer kapot", "Wat?é", None, "café\ntwee regels"],
        "repair_status": ["Fixed", "Fixed", "Unknown", "End of life", "End of life", "End of life", "Repairable"],
        "repair_barrier": [None, None, None, "Spare parts not available", "No way to open the product",
                           "Item too worn out", None],
    })
    for column in schemas.TABLES["repairs"].columns:
        if column.dtype == "string":
            df[column.name] = df[column.name].astype(object).where(df[column.name].notna(), None)
    return df


def test_to_ords_columns_and_values():
    ords = repair.to_ords(_werkplaats_repairs())
    assert list(ords.columns) == list(repair.ORDS_COLUMNS["0.3"])
    assert set(ords["data_provider"]) == {"Werkplaats Duurzaam"} and set(ords["country"]) == {"NLD"}
    assert list(ords["id"])[:2] == ["werkplaats-2023012101", "werkplaats-2023012102"]
    assert list(ords["product_category_id"])[:4] == ["36", "", "", "34"]
    assert list(ords["product_age"])[:4] == ["8", "", "", "22"]
    assert list(ords["brand"])[:4] == ["Philips", "Unknown", "Unknown", "Miele"]
    assert list(ords["repair_barrier_if_end_of_life"])[3:6] == [
        "Spare parts not available", "No way to open product", "Too worn out"]  # the schema's spellings


def test_ords_preview_leaves_typed_text_off_a_public_page():
    repairs = _werkplaats_repairs()
    research = repair.ords_preview(repairs, rows=3)
    assert len(research) == 3 and research["problem"].iloc[0] == "lekt, “zegt” de eigenaar"
    public = repair.ords_preview(repairs, public=True)
    assert len(public) == 5 and list(public.columns) == [
        c for c in repair.ORDS_COLUMNS["0.3"] if c not in ("partner_product_category", "brand", "problem")]
    with pytest.raises(charts.NoData) as missing:
        repair.ords_preview(repairs.iloc[:0])
    assert missing.value.key == "repair.no_data"


def test_ords_ids_follow_the_schema_pattern():
    assert list(repair.ords_ids(pd.Series(["rc_20240203_01", "rc_20240203_02"]))) == ["werkplaats-2024020301", "werkplaats-2024020302"]
    assert list(repair.ords_ids(pd.Series(["abc", "rep_1"]), prefix="wd")) == ["wd-1", "wd-2"]  # no digits: numbered
    assert list(repair.ords_ids(pd.Series(["a1", "b1"]))) == ["werkplaats-1", "werkplaats-2"]  # same digits: numbered
    with pytest.raises(ValueError):
        repair.ords_ids(pd.Series(["x1"]), prefix="Werk plaats")


def test_written_file_validates_against_the_ords_tableschema(tmp_path):
    path = tmp_path / "werkplaats_ords.csv"
    repair.write_ords(_werkplaats_repairs(), path)
    problems = repair.tableschema_problems(path)
    assert problems.empty, problems.to_dict("records")


def test_tableschema_check_finds_every_kind_of_break(tmp_path):
    ords = repair.to_ords(_werkplaats_repairs()).head(3).copy()
    ords.loc[0, "id"] = "werkplaats_1"              # pattern
    ords.loc[1, "id"] = ords.loc[2, "id"]             # unique (primary key)
    ords.loc[0, "country"] = "NL"                    # pattern and length
    ords.loc[0, "product_category_id"] = "x"         # type integer
    ords.loc[1, "product_age"] = "old"               # type number
    ords.loc[0, "repair_status"] = "Gerepareerd"     # enum
    ords.loc[1, "repair_barrier_if_end_of_life"] = "No way to open the product"  # enum: not the schema's spelling
    ords.loc[2, "event_date"] = "18-02-2023"         # type date
    ords.loc[2, "id"] = ""                           # required (primary key)
    path = tmp_path / "broken.csv"
    ords.to_csv(path, index=False)
    found = set(zip(repair.tableschema_problems(path)["line"], repair.tableschema_problems(path)["column"]))
    assert found == {(2, "id"), (2, "country"), (2, "product_category_id"), (2, "repair_status"), (3, "product_age"),
                     (3, "repair_barrier_if_end_of_life"), (4, "event_date"), (4, "id")}
    problems = repair.tableschema_problems(path).set_index(["line", "column"])["problem"]
    assert "pattern" in problems.loc[(2, "id")] and "required" in problems.loc[(4, "id")]
    assert problems.loc[(2, "country")].str.contains("pattern|minimum").all()
    (tmp_path / "header.csv").write_text("id,country\nwd-1,NLD\n", encoding="utf-8")
    assert repair.tableschema_problems(tmp_path / "header.csv")["line"].tolist()[0] == 1


def test_round_trip_keeps_every_row(tmp_path):
    original = _werkplaats_repairs()
    path = tmp_path / "werkplaats_ords.csv"
    repair.write_ords(original, path)
    read = repair.read_ords(path)
    assert read.version == "0.3" and read.problems.empty and read.quarantine.empty
    back = repair.canonical_repairs(read.repairs)
    assert list(back["repair_id"]) == list(repair.ords_ids(original["repair_id"]))
    pd.testing.assert_frame_equal(back.drop(columns="repair_id"), original.drop(columns="repair_id"), check_dtype=False)
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
    restart = repair._read("restarters_categories_lca_2021.csv").astype({"weight_kg": float})
    both = factors.merge(restart, left_on="product_category", right_on="name")  # the ORDS table uses Restart's
    assert len(both) >= 30                                                     # numbers where Restart has the category
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


@pytest.mark.parametrize("make", [repair.outcomes_chart, repair.impact_chart, repair.rates_chart])
def test_charts_without_repairs_raise_no_data(make):
    with pytest.raises(charts.NoData, match="repair.no_data"):
        make(_chart_repairs().iloc[:0])


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


def test_summary_three_lines_from_the_data():
    data = _chart_repairs()  # 24 items, 15 fixed: 7 coffee makers, 8 textile
    lines = repair.summary(data, lang="en", demo=True).split("  \n")
    assert len(lines) == 3 and lines[0].startswith("*Question:*")
    assert "24 items brought in from 21 January 2023 to 18 February 2023 (made-up demo data)" in lines[1]
    # Wilson, 15 of 24, z = 1.96: centre (0.625 + z²/48) / (1 + z²/24) = 0.6078, half-width 0.1807
    assert "62% of the items were fixed (95% interval 43–79%)" in lines[2]
    assert "against 54% at Dutch Repair Cafés" in lines[2]  # the shipped table: 10,402 fixed of 19,100 items
    co2e = 7 * 8.75 + 8 * 10.16  # Fixometer: coffee maker 8.75, textile 10.16 kg CO2e per fixed item
    assert f"about {co2e:,.0f} kg CO2e" in lines[2]
    assert len(repair.summary(data.iloc[:0], lang="nl").split("  \n")) == 2


@pytest.mark.parametrize("path", [RCI, RESTART])
def test_fast_and_line_by_line_reading_agree(path, monkeypatch):
    """A regular file is read at once (pyarrow); the careful record-by-record reader gives the same result."""
    fast = repair.read_ords(path)
    monkeypatch.setattr(repair, "_regular_table", lambda *args: None)
    slow = repair.read_ords(path)
    pd.testing.assert_frame_equal(fast.repairs, slow.repairs)
    pd.testing.assert_frame_equal(fast.quarantine, slow.quarantine)
    pd.testing.assert_frame_equal(fast.problems, slow.problems)
