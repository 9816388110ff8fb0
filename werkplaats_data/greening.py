"""Greening (Wij(k) Vergroenen): facade gardens, tiles removed, tree pits, rain barrels, maintenance.

Actions are counted per kind, per period and per street. Quantities are only added up within one
kind and one unit (tiles and m² are never summed together).
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from werkplaats_data.charts import require, with_source
from werkplaats_data.errors import message
from werkplaats_data.i18n import format_date, format_number, t
from werkplaats_data.privacy import MIN_CELL, small_cell
from werkplaats_data.schemas import GREENING_KINDS

UNKNOWN_STREET = message("greening.street.unknown")


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
    """Actions per period, kind and unit: period (first day), kind, unit, actions, quantity.

    ``freq`` is a pandas period code: "Y" (year), "Q" (quarter) or "M" (month). Quantities are
    summed per unit only (40 tegels and 3 m² stay two rows). Every kind appears in every period from
    the first to the last action, with each unit it was counted in (unit "" for a kind never seen),
    with zeros where nothing happened.
    """
    columns = ["period", "kind", "unit", "actions", "quantity"]
    if greening.empty:
        return pd.DataFrame(columns=columns)
    period = greening["date"].dt.to_period(freq)
    table = greening.assign(period=period, unit=greening["unit"].fillna("")).groupby(["period", "kind", "unit"]).agg(
        actions=("action_id", "size"), quantity=("quantity", "sum")
    )
    seen = table.index.droplevel("period").unique().to_frame(index=False)
    absent = pd.DataFrame({"kind": [k for k in GREENING_KINDS if k not in set(seen["kind"])], "unit": ""})
    pairs = pd.concat([seen, absent], ignore_index=True)
    pairs = pairs.assign(order=pairs["kind"].map({k: i for i, k in enumerate(GREENING_KINDS)})).sort_values(["order", "unit"])
    periods = pd.period_range(period.min(), period.max(), freq=period.dt.freq)
    full = pd.MultiIndex.from_tuples([(p, k, u) for p in periods for k, u in zip(pairs["kind"], pairs["unit"])],
                                     names=["period", "kind", "unit"])
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


def summary(greening: pd.DataFrame, *, lang: str = "en", demo: bool = False, public: bool = False) -> str:
    """Three Markdown lines for the top of notebook 07, from the data: question, data, main finding.

    The finding: the kind with the most actions (ties: the order of ``GREENING_KINDS``) and its share,
    and the busiest street (``actions_by_street``, unknown streets left out). With ``public=True`` a
    street is only named with 10 actions or more.
    """
    lines = [t("greening.summary.question", lang)]
    if greening.empty:
        return "  \n".join([*lines, t("greening.summary.empty", lang)])
    lines.append(t("greening.summary.data", lang, actions=format_number(len(greening), lang),
                   first=format_date(greening["date"].min(), lang), last=format_date(greening["date"].max(), lang),
                   source=t("greening.summary.demo" if demo else "greening.summary.register", lang)))
    kinds = totals_by_kind(greening).groupby("kind", sort=False)["actions"].sum().sort_values(ascending=False, kind="stable")
    streets = actions_by_street(greening)
    streets = streets[streets["street"] != UNKNOWN_STREET]
    if public:
        streets = small_cell(streets, "actions").dropna(subset=["actions"])
    street = t("greening.summary.no_street", lang, min_cell=MIN_CELL) if streets.empty else \
        t("greening.summary.street", lang, street=streets["street"].iloc[0])
    lines.append(t("greening.summary.finding", lang, kind=_kind_label(kinds.index[0], lang).lower(),
                   share=format_number(100 * kinds.iloc[0] / len(greening), lang), street=street))
    return "  \n".join(lines)


def _source(lang: str, demo: bool) -> str:
    return t("source.demo", lang) if demo else t("greening.source", lang)


def _kind_label(kind: str, lang: str) -> str:
    return t(f"greening.kind.{kind}", lang)


#: Units the registers use, with their translation key (other units are shown as written).
UNIT_KEYS = {"stuks": "pieces", "stuk": "pieces", "tegels": "tiles", "tegel": "tiles", "m2": "m2", "m²": "m2", "uur": "hours"}


def unit_label(unit: object, lang: str = "nl") -> str:
    """A unit as readers of ``lang`` read it ("tegels" → "tiles" in English); unknown units as written, none as ""."""
    if unit is None or pd.isna(unit) or str(unit).strip() == "":
        return ""
    key = UNIT_KEYS.get(str(unit).strip().lower())
    return t(f"greening.unit.{key}", lang) if key else str(unit).strip()


def over_time_chart(greening: pd.DataFrame, *, lang: str = "nl", demo: bool = True, freq: str = "Y") -> alt.TopLevelMixin:
    """Stacked bars of actions per period by kind; the title gives the total since the first year.
    ``NoData("greening.no_data")`` without actions."""
    table = actions_over_time(require(greening, "greening.no_data"), freq=freq)
    table = table.assign(label=table["kind"].map(lambda k: _kind_label(k, lang)),
                         amount=[f"{format_number(q, lang, 0 if float(q).is_integer() else 1)} {unit_label(u, lang)}".strip()
                                 for q, u in zip(table["quantity"], table["unit"])])
    first = int(table["period"].min().year) if len(table) else "–"
    chart = alt.Chart(table).mark_bar().encode(
        x=alt.X("period:T", title=t("greening.period", lang), timeUnit="year" if freq == "Y" else "yearmonth"),
        y=alt.Y("actions:Q", title=t("greening.actions", lang)),
        color=alt.Color("label:N", title=None, sort=[_kind_label(k, lang) for k in GREENING_KINDS]),
        tooltip=[alt.Tooltip("period:T", format="%Y-%m", title=t("greening.period", lang)),
                 alt.Tooltip("label:N", title=t("greening.kind", lang)),
                 alt.Tooltip("actions:Q", title=t("greening.actions", lang)),
                 alt.Tooltip("amount:N", title=t("greening.amount", lang))],
    ).properties(title=t("greening.over_time_title", lang, total=int(table["actions"].sum()), first=first))
    return with_source(chart, _source(lang, demo))


def street_chart(greening: pd.DataFrame, *, lang: str = "nl", demo: bool = True, top: int = 10,
                 public: bool = False) -> alt.TopLevelMixin:
    """Bars of actions for the ``top`` streets; the title names the busiest street.

    With ``public=True`` the small-cell rule applies: streets with fewer than 10 actions are left
    out and the other counts are rounded to 5. ``NoData("greening.no_data")`` without actions.
    """
    table = actions_by_street(require(greening, "greening.no_data"))
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
