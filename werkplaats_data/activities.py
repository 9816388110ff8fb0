"""All activities of the Werkplaats over time, Werkplaats Textiel per session, greening on the map,
and stories per theme: the tables and charts the exhibition's "Werkplaats in beeld" and "Verhalen" show.

Counts of people are public here, so they pass the small-cell rule (``privacy.small_cell``:
below 10 suppressed, the rest rounded to 5). Stories count as people (each has a teller), and so
do visits and participations (each is a person or household). Sessions and greening actions are
not counts of people and are shown as they are. ``people_bars`` draws such counts: a bar for a
count of 10 or more, the words "fewer than 10" (and no bar) for a smaller one.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from werkplaats_data import context, greening
from werkplaats_data.charts import HIGHLIGHT_TEXT, MUTED, PALETTE, SEQUENTIAL, TEXT_COLOUR, with_source
from werkplaats_data.i18n import format_number, t
from werkplaats_data.privacy import MIN_CELL, count_text, safe_count, small_cell

TEXTIEL = "textiel"


def _source(lang: str, demo: bool, key: str) -> str:
    return t("source.demo", lang) if demo else t(key, lang)


def people_bars(table: pd.DataFrame, *, key: str, label: str, count: str, lang: str, title: str, axis_title: str,
                source: str, vertical: bool = False, chosen: str | None = None, sort: bool = False) -> alt.TopLevelMixin:
    """Bars of a count of people per row of ``table``, small-cell rule applied here.

    A count of 10 or more is rounded to 5 and drawn as a bar with its number; a smaller one gets no
    bar, only the words "fewer than 10". Rows keep the table's order, or with ``sort=True`` the
    shown counts come first, most first, then the others by label (so their order says nothing
    about their counts; ties by label too). ``key`` identifies a row; with ``chosen`` the chart has a
    parameter ``chosen`` and the row whose key equals it is drawn highlighted (set it from Python
    with ``ChartSlots.set_param``). ``vertical`` draws columns (for periods) instead of rows.
    """
    safe = [safe_count(v) for v in table[count]]
    shown = pd.DataFrame({
        "key": table[key].astype(str).to_numpy(), "label": table[label].astype(str).to_numpy(),
        "shown": pd.array(safe, dtype="Int64"),
        "position": [v or 0 for v in safe],
        "text": [count_text(v, lang, public=True) for v in table[count]],
    })
    if sort:
        shown = shown.sort_values(["position", "label"], ascending=[False, True], ignore_index=True)
    order = shown["label"].tolist()
    top = max([10, *(v for v in safe if v is not None)])
    value = alt.X if not vertical else alt.Y
    category = alt.Y if not vertical else alt.X
    value_axis = value("shown:Q", title=axis_title, scale=alt.Scale(domain=[0, top * 1.15]), axis=alt.Axis(format="d", tickMinStep=5))
    category_axis = category("label:N", sort=order, title=None,
                             axis=alt.Axis(labelLimit=360) if not vertical else alt.Axis(labelAngle=-60, labelLimit=200))
    highlight = "datum.key === chosen"
    bars = alt.Chart(shown).mark_bar().encode(
        value_axis, category_axis,
        color=alt.condition(highlight, alt.value(PALETTE[1]), alt.value(PALETTE[0])) if chosen is not None else alt.value(PALETTE[0]),
        tooltip=[alt.Tooltip("text:N", title=axis_title)],
    )
    words = alt.Chart(shown).mark_text(
        align="left" if not vertical else "center", baseline="middle" if not vertical else "bottom",
        dx=6 if not vertical else 0, dy=0 if not vertical else -4, fontSize=15,
    ).encode(
        value("position:Q"), category("label:N", sort=order), text="shown_text:N",
        color=alt.condition(highlight, alt.value(HIGHLIGHT_TEXT), alt.value(TEXT_COLOUR)) if chosen is not None else alt.value(TEXT_COLOUR),
    )
    if chosen is not None:  # the chosen row is marked by colour and by a sign before its number
        bars = bars.add_params(alt.param(name="chosen", value=chosen))
        words = words.transform_calculate(shown_text=f"({highlight} ? '◀ ' : '') + datum.text" if not vertical
                                          else f"({highlight} ? '▼ ' : '') + datum.text")
    else:
        words = words.transform_calculate(shown_text="datum.text")
    size = {"height": alt.Step(34)} if not vertical else {"height": 240}
    return with_source(alt.layer(bars, words).properties(title=title, **size), source)


def sessions_over_time(sessions: pd.DataFrame, attendance: pd.DataFrame, *, freq: str = "Q") -> pd.DataFrame:
    """Per activity and period: activity_id, period (first day), sessions, people.

    ``sessions`` counts the sessions held; ``people`` counts the different persons in the
    attendance of those sessions (any role), with the small-cell rule applied (NA below 10,
    else rounded to 5). ``freq`` is a pandas period code: "M", "Q" or "Y". Periods without a
    session are left out.
    """
    columns = ["activity_id", "period", "sessions", "people"]
    if sessions.empty:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(columns, ["object", "datetime64[ns]", "int64", "Int64"])})
    periods = sessions[["session_id", "activity_id"]].assign(period=sessions["date"].dt.to_period(freq).dt.to_timestamp())
    held = periods.groupby(["activity_id", "period"]).size().rename("sessions")
    present = attendance[["session_id", "person_id"]].merge(periods, on="session_id")
    people = present.groupby(["activity_id", "period"])["person_id"].nunique().rename("people")
    table = pd.concat([held, people], axis=1).reset_index()
    table["people"] = table["people"].fillna(0)
    table["sessions"] = table["sessions"].astype("int64")
    return small_cell(table, "people")[columns].sort_values(["activity_id", "period"], ignore_index=True)


def _safe_people_text(count, lang: str) -> str:
    """A count that already passed ``small_cell`` as text: NA there means suppressed ("fewer than 10")."""
    return t("small_cell.suppressed", lang, min_cell=MIN_CELL) if pd.isna(count) else count_text(count, lang, public=True)


def activities_chart(table: pd.DataFrame, activities: pd.DataFrame, *, lang: str = "nl", demo: bool = True) -> alt.TopLevelMixin:
    """A grid: one row per activity, one column per period, darker where more sessions were held.

    The tooltip gives the sessions and the (small-cell-safe) number of different people.
    """
    column = "name_nl" if lang == "nl" else "name_en"
    names = dict(zip(activities["activity_id"], activities[column]))
    shown = table.assign(activity=table["activity_id"].map(lambda a: names.get(a, a)),
                         people_text=[_safe_people_text(v, lang) for v in table["people"]])
    order = shown.groupby("activity")["sessions"].sum().sort_values(ascending=False).index.tolist()
    chart = alt.Chart(shown[["activity", "period", "sessions", "people_text"]]).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X("yearquarter(period):O", title=None, axis=alt.Axis(labelAngle=-60)),
        y=alt.Y("activity:N", sort=order, title=None),
        color=alt.Color("sessions:Q", title=t("activities.sessions", lang), scale=alt.Scale(range=SEQUENTIAL, domainMin=0)),
        tooltip=[alt.Tooltip("activity:N", title=t("activities.activity", lang)),
                 alt.Tooltip("yearquarter(period):O", title=t("activities.period", lang)),
                 alt.Tooltip("sessions:Q", title=t("activities.sessions", lang)),
                 alt.Tooltip("people_text:N", title=t("activities.people", lang))],
    ).properties(title=t("activities.chart_title", lang, sessions=format_number(int(table["sessions"].sum()), lang)),
                 height=alt.Step(30))
    return with_source(chart, _source(lang, demo, "activities.source"))


def textiel_sessions(sessions: pd.DataFrame, attendance: pd.DataFrame, *, activity_id: str = TEXTIEL,
                     freq: str = "Q") -> pd.DataFrame:
    """Werkplaats Textiel per period: period, sessions, attendances, people.

    ``attendances`` counts the participations (attendance rows of the activity's sessions),
    ``people`` the different persons in the period; both are counts of people and returned raw
    (a chart or table for the public applies the small-cell rule: ``textiel_chart`` does).
    An average per session is not given: for a group below 10 it would point to the people in it
    (the report's own figure, 8 to 10 per Friday, can be quoted with its source instead).
    """
    columns = ["period", "sessions", "attendances", "people"]
    own = sessions[sessions["activity_id"] == activity_id]
    if own.empty:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(columns, ["datetime64[ns]", "int64", "int64", "int64"])})
    periods = own[["session_id"]].assign(period=own["date"].dt.to_period(freq).dt.to_timestamp())
    present = attendance[["session_id", "person_id"]].merge(periods, on="session_id")
    table = pd.concat([
        periods.groupby("period").size().rename("sessions"),
        present.groupby("period").size().rename("attendances"),
        present.groupby("period")["person_id"].nunique().rename("people"),
    ], axis=1).fillna(0).astype("int64").reset_index()
    return table[columns].sort_values("period", ignore_index=True)


def quarter_label(period, lang: str = "nl") -> str:
    """A quarter as readers of ``lang`` write it: 'K1 2024' in Dutch, 'Q1 2024' in English."""
    return t("activities.quarter", lang, quarter=(period.month - 1) // 3 + 1, year=period.year)


def textiel_chart(table: pd.DataFrame, *, lang: str = "nl", demo: bool = True) -> alt.TopLevelMixin:
    """Columns of participations in Werkplaats Textiel per quarter (small-cell rule applied)."""
    shown = table.assign(label=[quarter_label(p, lang) for p in table["period"]], key=table["period"].astype(str))
    return people_bars(shown, key="key", label="label", count="attendances", lang=lang, vertical=True,
                       title=t("activities.textiel.title", lang, sessions=format_number(int(table["sessions"].sum()), lang)),
                       axis_title=t("activities.textiel.attendances", lang), source=_source(lang, demo, "activities.source"))


def greening_totals(table: pd.DataFrame) -> pd.DataFrame:
    """The greening totals the map shows: kind, unit, actions, quantity (``greening.totals_by_kind``
    without the kinds that never happened)."""
    totals = greening.totals_by_kind(table)
    return totals[totals["actions"] > 0].reset_index(drop=True)


def greening_sentence(totals: pd.DataFrame, lang: str = "nl") -> str:
    """The totals as one line, e.g. "48 × Geveltuin (stuks) · 571 × Tegels eruit (tegels)"; units in ``lang``."""
    parts = []
    for row in totals.itertuples():
        unit = greening.unit_label(row.unit, lang)
        parts.append(t("activities.greening.total", lang, quantity=format_number(row.quantity, lang),
                       kind=t(f"greening.kind.{row.kind}", lang)) + (f" ({unit})" if unit else ""))
    return " · ".join(parts)


def _centre(feature: dict) -> tuple[float, float]:
    """The middle of a buurt's bounding box (lon, lat)."""
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    points = [point for polygon in polygons for point in polygon[0]]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2


def greening_map(table: pd.DataFrame, *, lang: str = "nl", demo: bool = True, around: float = 0.025,
                 width: int = 560, height: int = 400) -> alt.TopLevelMixin:
    """The buurten around Oude Westen (centres within ``around`` degrees), Oude Westen coloured and named.

    Tapping a buurt shows its name; Oude Westen's tooltip also gives the greening actions there.
    The buurt is the finest level the map has: actions are not placed on streets or addresses.
    Boundaries: ``context.buurt_boundaries`` (CBS/Kadaster 2022, CC BY 4.0).
    """
    actions = int(greening_totals(table)["actions"].sum())
    features = context.buurt_boundaries()["features"]
    home = next(f for f in features if f["properties"]["statcode"] == context.OUDE_WESTEN)
    home_lon, home_lat = _centre(home)
    near = []
    for feature in features:
        lon, lat = _centre(feature)
        if abs(lon - home_lon) <= around and abs(lat - home_lat) <= around * 0.6:
            ours = feature["properties"]["statcode"] == context.OUDE_WESTEN
            feature["properties"].update(ours=ours, actions=actions if ours else None)
            near.append(feature)
    base = alt.Chart(alt.Data(values=near)).project(type="mercator").properties(width=width, height=height)
    name = alt.Tooltip("properties.statnaam:N", title=t("context.buurt", lang))
    others = base.mark_geoshape(fill=MUTED, stroke="white", strokeWidth=1).encode(tooltip=[name])
    ours = base.mark_geoshape(fill=PALETTE[2], stroke=TEXT_COLOUR, strokeWidth=3).encode(
        tooltip=[name, alt.Tooltip("properties.actions:Q", title=t("activities.greening.actions", lang))],
    ).transform_filter("datum.properties.ours")
    label = alt.Chart(alt.Data(values=[{"lon": home_lon, "lat": home_lat, "text": home["properties"]["statnaam"]}])).mark_text(
        fontSize=16, fontWeight="bold", color=TEXT_COLOUR, dy=-4).encode(longitude="lon:Q", latitude="lat:Q", text="text:N")
    source = t("context.map.source", lang) + " · " + _source(lang, demo, "greening.source")
    return with_source(alt.layer(others, ours, label, title=t("activities.greening.map_title", lang)), source)


def stories_per_theme(stories: pd.DataFrame) -> pd.DataFrame:
    """theme, stories: how many stories name each theme, most first.

    A translation is the same story as its original (``original_id``), so it is counted once.
    ``themes`` may be a ';'-separated text (as ``stories.load_stories`` gives it) or a list.
    """
    if stories.empty:
        return pd.DataFrame({"theme": pd.Series(dtype="object"), "stories": pd.Series(dtype="int64")})
    originals = stories.drop_duplicates("original_id")
    rows = [(theme, original) for themes, original in zip(originals["themes"], originals["original_id"])
            for theme in theme_list(themes)]
    table = pd.DataFrame(rows, columns=["theme", "original_id"]).drop_duplicates()
    counts = table.groupby("theme").size().rename("stories").reset_index()
    return counts.sort_values(["stories", "theme"], ascending=[False, True], ignore_index=True)


def theme_list(themes) -> list[str]:
    """A story's themes as a list, from a ';'-separated text or a list; empty for nothing."""
    if isinstance(themes, (list, tuple)):
        return [str(x).strip() for x in themes if str(x).strip()]
    if not isinstance(themes, str):
        return []
    return [part.strip() for part in themes.split(";") if part.strip()]


def theme_label(theme: str, lang: str = "nl") -> str:
    """The theme's name from the translation table, or the code with spaces when it has none."""
    try:
        return t(f"activities.theme.{theme}", lang)
    except KeyError:
        return theme.replace("_", " ")


def stories_theme_chart(table: pd.DataFrame, *, lang: str = "nl", demo: bool = True, chosen: str = "all") -> alt.TopLevelMixin:
    """Bars of stories per theme (translations counted once), small-cell rule applied: a story has a teller.

    Themes with 10 or more stories come first, most first; the others follow in alphabetical order
    of their label, so their order tells nothing. The parameter ``chosen`` (a theme code, or
    "all") highlights the theme a visitor tapped.
    """
    shown = table.assign(label=[theme_label(th, lang) for th in table["theme"]])
    return people_bars(shown, key="theme", label="label", count="stories", lang=lang, chosen=chosen, sort=True,
                       title=t("activities.stories.title", lang), axis_title=t("activities.stories.count", lang),
                       source=_source(lang, demo, "activities.stories.source"))
