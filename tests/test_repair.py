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
    assert out.dtype == object


def test_every_category_is_ords_or_named_unpowered():
    allowed = set(repair.product_categories()["product_category"])
    for category in set(repair.item_lookup().values()):
        assert category in allowed or category.startswith("Unpowered - "), category


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
