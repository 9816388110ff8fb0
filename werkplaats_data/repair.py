"""Repair Café data: item names to ORDS categories, ORDS files in and out, impact and repair rates.

The Open Repair Data Standard (ORDS, Open Repair Alliance) describes one repair per row. Its
reference tables ship in ``werkplaats_data/data/ords/`` (CC BY-SA 4.0, see the README there).
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib.resources import files

import pandas as pd

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


def categorise_items(items: pd.Series) -> pd.Series:
    """ORDS product category for each item name (same index); unknown names become missing, never dropped.

    Textile and other unpowered items get a non-ORDS category named as in the ORDS unpowered summary
    ("Unpowered - Textile", "Unpowered - Bicycle", ...). See ``categorise_item`` for the matching rule.
    """
    mapping = {name: categorise_item(name) for name in items.dropna().unique()}
    out = items.map(mapping).astype(object)
    return out.where(out.notna(), None)
