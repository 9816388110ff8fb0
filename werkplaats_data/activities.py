"""All activities of the Werkplaats over time, Werkplaats Textiel per session, greening on the map,
and stories per theme: the tables and charts the exhibition's "Werkplaats in beeld" and "Verhalen" show.

Counts of people are public here, so they pass the small-cell rule (``privacy.small_cell``:
below 10 suppressed, the rest rounded to 5). Counts of sessions, greening actions and stories
are not counts of people and are shown as they are.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from werkplaats_data import context, greening
from werkplaats_data.charts import with_source
from werkplaats_data.i18n import format_number, t
from werkplaats_data.privacy import small_cell

TEXTIEL = "textiel"


def _source(lang: str, demo: bool, key: str) -> str:
    return t("source.demo", lang) if demo else t(key, lang)


def _people_text(count, lang: str) -> str:
    """A small-cell-safe count as text: the number, or "fewer than 10"."""
    return t("small_cell.suppressed", lang) if pd.isna(count) else format_number(count, lang)


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


def activities_chart(table: pd.DataFrame, activities: pd.DataFrame, *, lang: str = "nl", demo: bool = True) -> alt.TopLevelMixin:
    """A grid: one row per activity, one column per period, darker where more sessions were held.

    The tooltip gives the sessions and the (small-cell-safe) number of different people.
    """
    column = "name_nl" if lang == "nl" else "name_en"
    names = dict(zip(activities["activity_id"], activities[column]))
    shown = table.assign(activity=table["activity_id"].map(lambda a: names.get(a, a)),
                         people_text=[_people_text(v, lang) for v in table["people"]])
    order = shown.groupby("activity")["sessions"].sum().sort_values(ascending=False).index.tolist()
    chart = alt.Chart(shown[["activity", "period", "sessions", "people_text"]]).mark_rect(stroke="white", strokeWidth=1).encode(
        x=alt.X("yearquarter(period):O", title=None, axis=alt.Axis(labelAngle=-60)),
        y=alt.Y("activity:N", sort=order, title=None),
        color=alt.Color("sessions:Q", title=t("activities.sessions", lang), scale=alt.Scale(scheme="blues", domainMin=0)),
        tooltip=[alt.Tooltip("activity:N", title=t("activities.activity", lang)),
                 alt.Tooltip("yearquarter(period):O", title=t("activities.period", lang)),
                 alt.Tooltip("sessions:Q", title=t("activities.sessions", lang)),
                 alt.Tooltip("people_text:N", title=t("activities.people", lang))],
    ).properties(title=t("activities.chart_title", lang, sessions=format_number(int(table["sessions"].sum()), lang)),
                 height=alt.Step(30))
    return with_source(chart, _source(lang, demo, "activities.source"))


def textiel_sessions(sessions: pd.DataFrame, attendance: pd.DataFrame, *, activity_id: str = TEXTIEL,
                     freq: str = "Q") -> pd.DataFrame:
    """Werkplaats Textiel per period: period, sessions, per_session, people.

    ``per_session`` is the average number of participants per session (attendance rows of the
    activity's sessions divided by its sessions, one decimal); ``people`` the different persons
    in the period, small-cell rule applied. When ``people`` is suppressed (fewer than 10
    different persons), ``per_session`` is suppressed too: a small group's average would point to it.
    """
    columns = ["period", "sessions", "per_session", "people"]
    own = sessions[sessions["activity_id"] == activity_id]
    if own.empty:
        return pd.DataFrame({c: pd.Series(dtype=d) for c, d in zip(columns, ["datetime64[ns]", "int64", "Float64", "Int64"])})
    periods = own[["session_id"]].assign(period=own["date"].dt.to_period(freq).dt.to_timestamp())
    present = attendance[["session_id", "person_id"]].merge(periods, on="session_id")
    table = pd.concat([
        periods.groupby("period").size().rename("sessions"),
        present.groupby("period").size().rename("attendances"),
        present.groupby("period")["person_id"].nunique().rename("people"),
    ], axis=1).fillna(0).reset_index()
    table["sessions"] = table["sessions"].astype("int64")
    table = small_cell(table, "people")
    per_session = (table["attendances"] / table["sessions"]).round(1).astype("Float64")
    table["per_session"] = per_session.where(table["people"].notna())
    return table[columns].sort_values("period", ignore_index=True)


def textiel_chart(table: pd.DataFrame, *, lang: str = "nl", demo: bool = True) -> alt.TopLevelMixin:
    """Bars of the average number of participants per Friday session, per period."""
    shown = table.dropna(subset=["per_session"]).assign(
        people_text=[_people_text(v, lang) for v in table.dropna(subset=["per_session"])["people"]])
    shown = shown.astype({"per_session": float})
    chart = alt.Chart(shown[["period", "sessions", "per_session", "people_text"]]).mark_bar().encode(
        x=alt.X("yearquarter(period):O", title=None, axis=alt.Axis(labelAngle=-60)),
        y=alt.Y("per_session:Q", title=t("activities.textiel.per_session", lang)),
        tooltip=[alt.Tooltip("yearquarter(period):O", title=t("activities.period", lang)),
                 alt.Tooltip("sessions:Q", title=t("activities.sessions", lang)),
                 alt.Tooltip("per_session:Q", title=t("activities.textiel.per_session", lang), format=".1f"),
                 alt.Tooltip("people_text:N", title=t("activities.people", lang))],
    ).properties(title=t("activities.textiel.title", lang, sessions=format_number(int(table["sessions"].sum()), lang)),
                 height=220)
    return with_source(chart, _source(lang, demo, "activities.source"))


def greening_totals(table: pd.DataFrame) -> pd.DataFrame:
    """The greening totals the map shows: kind, unit, actions, quantity (``greening.totals_by_kind``
    without the kinds that never happened)."""
    totals = greening.totals_by_kind(table)
    return totals[totals["actions"] > 0].reset_index(drop=True)


def greening_sentence(totals: pd.DataFrame, lang: str = "nl") -> str:
    """The totals as one line, e.g. "48 × Geveltuin (stuks) · 571 × Tegels eruit (tegels)"."""
    parts = [f"{format_number(row.quantity, lang)} × {t(f'greening.kind.{row.kind}', lang)}" + (f" ({row.unit})" if row.unit else "")
             for row in totals.itertuples()]
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
    others = base.mark_geoshape(fill="#C9D1D9", stroke="white", strokeWidth=1).encode(tooltip=[name])
    ours = base.mark_geoshape(fill="#009E73", stroke="#1F2A36", strokeWidth=3).encode(
        tooltip=[name, alt.Tooltip("properties.actions:Q", title=t("activities.greening.actions", lang))],
    ).transform_filter("datum.properties.ours")
    label = alt.Chart(alt.Data(values=[{"lon": home_lon, "lat": home_lat, "text": home["properties"]["statnaam"]}])).mark_text(
        fontSize=16, fontWeight="bold", color="#1F2A36", dy=-4).encode(longitude="lon:Q", latitude="lat:Q", text="text:N")
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


def stories_theme_chart(table: pd.DataFrame, *, lang: str = "nl", demo: bool = True) -> alt.TopLevelMixin:
    """Bars of stories per theme (translations counted once)."""
    shown = table.assign(label=[theme_label(th, lang) for th in table["theme"]])
    chart = alt.Chart(shown[["label", "stories"]]).mark_bar().encode(
        x=alt.X("stories:Q", title=t("activities.stories.count", lang), axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("label:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
        tooltip=[alt.Tooltip("label:N", title=t("activities.stories.theme", lang)), "stories:Q"],
    ).properties(title=t("activities.stories.title", lang), height=alt.Step(26))
    return with_source(chart, _source(lang, demo, "activities.stories.source"))

