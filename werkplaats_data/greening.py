"""Greening (Wij(k) Vergroenen): facade gardens, tiles removed, tree pits, rain barrels, maintenance.

Actions are counted per kind, per period and per street. Quantities are only added up within one
kind and one unit (tiles and m² are never summed together).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from werkplaats_data.charts import with_source
from werkplaats_data.i18n import t
from werkplaats_data.privacy import small_cell
from werkplaats_data.schemas import GREENING_KINDS

UNKNOWN_STREET = "onbekend / unknown"


def totals_by_kind(greening: pd.DataFrame) -> pd.DataFrame:
    """Per kind and unit: kind, unit, actions, quantity. All five kinds are listed (zeros when absent)."""
    table = (
        greening.assign(unit=greening["unit"].fillna(""))
        .groupby(["kind", "unit"]).agg(actions=("action_id", "size"), quantity=("quantity", "sum"))
        .reset_index()
    )
    absent = [k for k in GREENING_KINDS if k not in set(table["kind"])]
    filler = pd.DataFrame({"kind": absent, "unit": "", "actions": 0, "quantity": 0.0})
    table = pd.concat([table, filler], ignore_index=True) if absent else table
    order = {k: i for i, k in enumerate(GREENING_KINDS)}
    return table.sort_values(["kind", "unit"], key=lambda s: s.map(order) if s.name == "kind" else s, ignore_index=True)


def actions_over_time(greening: pd.DataFrame, *, freq: str = "Y") -> pd.DataFrame:
    """Actions per period and kind: period (first day), kind, actions, quantity.

    ``freq`` is a pandas period code: "Y" (year), "Q" (quarter) or "M" (month). Every kind
    appears in every period from the first to the last action (zeros where nothing happened).
    """
    columns = ["period", "kind", "actions", "quantity"]
    if greening.empty:
        return pd.DataFrame(columns=columns)
    period = greening["date"].dt.to_period(freq)
    table = greening.assign(period=period).groupby(["period", "kind"]).agg(
        actions=("action_id", "size"), quantity=("quantity", "sum")
    )
    periods = pd.period_range(period.min(), period.max(), freq=period.dt.freq)
    full = pd.MultiIndex.from_product([periods, list(GREENING_KINDS)], names=["period", "kind"])
    table = table.reindex(full, fill_value=0).reset_index()
    table["period"] = table["period"].dt.to_timestamp()
    table["actions"] = table["actions"].astype(int)
    return table[columns]


def actions_by_street(greening: pd.DataFrame) -> pd.DataFrame:
    """Actions per street: street, actions, kinds (how many different kinds), most first.

    An empty street becomes "onbekend / unknown". Before showing this in public, apply the
    small-cell rule (``werkplaats_data.privacy.small_cell``): a street with one facade garden can
    point to one household.
    """
    table = (
        greening.assign(street=greening["street"].fillna(UNKNOWN_STREET))
        .groupby("street").agg(actions=("action_id", "size"), kinds=("kind", "nunique"))
        .reset_index()
    )
    return table.sort_values(["actions", "street"], ascending=[False, True], ignore_index=True)


def _source(lang: str, demo: bool) -> str:
    return t("source.demo", lang) if demo else t("greening.source", lang)


def _kind_label(kind: str, lang: str) -> str:
    return t(f"greening.kind.{kind}", lang)


def over_time_chart(greening: pd.DataFrame, *, lang: str = "nl", demo: bool = True, freq: str = "Y") -> alt.TopLevelMixin:
    """Stacked bars of actions per period by kind; the title gives the total since the first year."""
    table = actions_over_time(greening, freq=freq)
    table = table.assign(label=table["kind"].map(lambda k: _kind_label(k, lang)))
    first = int(table["period"].min().year) if len(table) else "–"
    chart = alt.Chart(table).mark_bar().encode(
        x=alt.X("period:T", title=t("greening.period", lang), timeUnit="year" if freq == "Y" else "yearmonth"),
        y=alt.Y("actions:Q", title=t("greening.actions", lang)),
        color=alt.Color("label:N", title=None, sort=[_kind_label(k, lang) for k in GREENING_KINDS]),
        tooltip=[alt.Tooltip("period:T", format="%Y-%m"), "label:N", "actions:Q", "quantity:Q"],
    ).properties(title=t("greening.over_time_title", lang, total=int(table["actions"].sum()), first=first))
    return with_source(chart, _source(lang, demo))


def street_chart(greening: pd.DataFrame, *, lang: str = "nl", demo: bool = True, top: int = 10,
                 public: bool = False) -> alt.TopLevelMixin:
    """Bars of actions for the ``top`` streets; the title names the busiest street.

    With ``public=True`` the small-cell rule applies: streets with fewer than 10 actions are left
    out and the other counts are rounded to 5.
    """
    table = actions_by_street(greening)
    if public:
        table = small_cell(table, "actions").dropna(subset=["actions"])
    table = table.head(top)
    busiest = table["street"].iloc[0] if len(table) else "–"
    chart = alt.Chart(table).mark_bar().encode(
        x=alt.X("actions:Q", title=t("greening.actions", lang)),
        y=alt.Y("street:N", sort="-x", title=None),
        tooltip=["street:N", "actions:Q", "kinds:Q"],
    ).properties(title=t("greening.street_title", lang, street=busiest))
    return with_source(chart, _source(lang, demo))
