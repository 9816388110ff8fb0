"""The figures of the Werkplaats's own report (2021–2024), with the section they come from."""

from __future__ import annotations

from importlib.resources import files

import pandas as pd

SOURCE = "Werkplaats Duurzaam – Terugblik en vooruitblik (Aktiegroep Het Oude Westen)"


def facts(*, lang: str | None = None) -> pd.DataFrame:
    """The report's figures: fact_id, topic, value, unit, period, statement_en, statement_nl, report_section, source.

    ``value`` is kept as text because the report gives numbers, months and date ranges alike.
    With ``lang`` the columns a reader of ``lang`` sees: value, unit, period, statement (Dutch for
    "nl", English otherwise), source.
    """
    path = files("werkplaats_data") / "data" / "report_facts.csv"
    with path.open(encoding="utf-8") as fh:
        table = pd.read_csv(fh, dtype=str, keep_default_na=False)
    table = table.assign(source=SOURCE).set_index("fact_id", drop=False)
    if lang is None:
        return table
    statement = "statement_nl" if lang == "nl" else "statement_en"
    return table.rename(columns={statement: "statement"})[["value", "unit", "period", "statement", "source"]]


def fact_number(fact_id: str) -> float:
    """One of the report's figures as a number (raises if the fact is not numeric)."""
    return float(facts().loc[fact_id, "value"])
