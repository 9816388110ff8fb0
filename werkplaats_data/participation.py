"""Who takes part, who stays, and who carries the work: participation from the release tables.

All functions are pure: release tables in (``attendance``, ``sessions``, ``people``,
``paid_support``), a DataFrame or an Altair chart out. The rules are stated in each docstring.

Shared rules:

- **Session hours** = end_time − start_time (both "HH:MM"). When a time is missing, or the end is
  not after the start, the hours are unknown: they are left out of hour totals, unless you pass
  ``missing_hours`` (e.g. 2.0 = "count such a session as two hours").
- **Volunteer roles** are ``volunteer`` and ``coordinator`` (step 4 of the participatieladder: unpaid
  work with responsibility for others). ``visitor`` is step 3. ``expert`` (a guest teacher or
  specialist) is neither, unless you pass it in ``roles``.
- **Periods** are pandas period codes: ``"M"`` month, ``"Q"`` quarter, ``"Y"`` year.
- **Public** (``public=True``, see ``privacy.public_mode``): counts of people pass the small-cell
  rule (below 10 suppressed, others rounded to 5), shares only on a base of 10 or more, and no
  person id leaves a function that has the keyword. Without it, a student with the research
  release sees the exact figures.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from werkplaats_data.charts import HIGHLIGHT_TEXT, PALETTE, with_source
from werkplaats_data.facts import facts
from werkplaats_data.i18n import format_date, format_number, t
from werkplaats_data.privacy import MIN_CELL, count_text, safe_share, small_cell

VOLUNTEER_ROLES = ("volunteer", "coordinator")
STATUSES = ("prospective", "new", "active", "inactive")


# --- building blocks ---------------------------------------------------------------------------

def session_hours(sessions: pd.DataFrame, *, missing_hours: float | None = None) -> pd.Series:
    """Hours of each session (end_time − start_time), indexed like ``sessions``.

    Unknown (NaN) when a time is missing or the end is not after the start; with ``missing_hours``
    such sessions count as that many hours instead.
    """
    start = pd.to_datetime(sessions["start_time"], format="%H:%M", errors="coerce")
    end = pd.to_datetime(sessions["end_time"], format="%H:%M", errors="coerce")
    hours = (end - start).dt.total_seconds() / 3600
    hours = hours.where(hours > 0)
    if missing_hours is not None:
        hours = hours.fillna(missing_hours)
    return hours.astype(float)


def attendance_detail(attendance: pd.DataFrame, sessions: pd.DataFrame, *,
                      missing_hours: float | None = None) -> pd.DataFrame:
    """Attendance joined to its session: session_id, person_id, role, activity_id, date, hours.

    Attendance rows whose session is not in ``sessions`` are left out (they have no date).
    """
    info = sessions[["session_id", "activity_id", "date"]].assign(
        hours=session_hours(sessions, missing_hours=missing_hours))
    detail = attendance[["session_id", "person_id", "role"]].merge(info, on="session_id", how="inner")
    detail["date"] = pd.to_datetime(detail["date"])
    return detail


def in_period(attendance: pd.DataFrame, sessions: pd.DataFrame, period: tuple | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Attendance and sessions limited to the sessions held in ``period`` (first day, last day, both included).

    ``period=None`` keeps everything. Attendance at a session outside the period is left out.
    """
    if period is None:
        return attendance, sessions
    first, last = (pd.Timestamp(day) for day in period)
    kept = sessions[pd.to_datetime(sessions["date"]).between(first, last)]
    return attendance[attendance["session_id"].isin(kept["session_id"])], kept


def period_number(dates: pd.Series, period: str) -> pd.Series:
    """A running number per period, so that "k periods later" is a subtraction (month, quarter, year)."""
    dates = pd.to_datetime(dates)
    if period == "M":
        return dates.dt.year * 12 + dates.dt.month - 1
    if period == "Q":
        return dates.dt.year * 4 + (dates.dt.month - 1) // 3
    if period == "Y":
        return dates.dt.year
    raise ValueError(f"period must be 'M', 'Q' or 'Y', not {period!r}")


def _month(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates).dt.to_period("M").dt.to_timestamp()


# --- people ------------------------------------------------------------------------------------

def status_day(sessions: pd.DataFrame, period: tuple | None = None) -> pd.Timestamp:
    """The day a status is taken on: the last session date (within ``period`` when given).

    A period without sessions gives its last day; no sessions at all (and no period) gives NaT.
    """
    dates = pd.to_datetime(sessions["date"])
    if period is not None:
        last_day = pd.Timestamp(period[1])
        dates = dates[dates.between(pd.Timestamp(period[0]), last_day)]
        return dates.max() if len(dates) else last_day
    return dates.max() if len(dates) else pd.NaT


def person_lifecycle(attendance: pd.DataFrame, sessions: pd.DataFrame, people: pd.DataFrame | None = None, *,
                     period: tuple | None = None, as_of: str | pd.Timestamp | None = None, lapse_days: int = 90,
                     new_days: int = 90, missing_hours: float | None = None) -> pd.DataFrame:
    """One row per person: first_seen, last_seen, sessions, hours, main_role, status.

    The status is the one on the day ``as_of``, from all attendance up to and including that day;
    sessions after ``as_of`` are left out, as if they had not happened yet. ``as_of`` defaults to
    ``status_day(sessions, period)``: the last session date (in ``period``, when given). For a
    period, pass the *full* tables with ``period=``: someone who came only before the period is
    then inactive, not prospective.

    - ``prospective``: in ``people`` and known by ``as_of`` (``first_seen`` on or before it, or
      unknown) but never at a session up to ``as_of`` (e.g. signed up, not yet come);
    - ``new``: first session at most ``new_days`` days before ``as_of``;
    - ``active``: last session at most ``lapse_days`` days before ``as_of`` (and not new);
    - ``inactive``: no session in the last ``lapse_days`` days.

    ``main_role`` is the role the person had most often (ties: the first in visitor, volunteer,
    coordinator, expert). Hours are the summed session hours (see the module rule).
    """
    as_of = pd.Timestamp(as_of) if as_of is not None else status_day(sessions, period)
    detail = attendance_detail(attendance, sessions, missing_hours=missing_hours)
    if pd.notna(as_of):
        detail = detail[detail["date"] <= as_of]
    grouped = detail.groupby("person_id")
    table = pd.DataFrame({
        "first_seen": grouped["date"].min(),
        "last_seen": grouped["date"].max(),
        "sessions": grouped["session_id"].nunique(),
        "hours": grouped["hours"].sum(min_count=0),
    })
    role_order = {"visitor": 0, "volunteer": 1, "coordinator": 2, "expert": 3}
    counts = detail.assign(order=detail["role"].map(role_order)).groupby(["person_id", "role", "order"]).size()
    counts = counts.rename("n").reset_index().sort_values(["person_id", "n", "order"], ascending=[True, False, True])
    table["main_role"] = counts.drop_duplicates("person_id").set_index("person_id")["role"]
    days_since_first = (as_of - table["first_seen"]).dt.days
    days_since_last = (as_of - table["last_seen"]).dt.days
    table["status"] = "active"
    table.loc[days_since_last > lapse_days, "status"] = "inactive"
    table.loc[days_since_first <= new_days, "status"] = "new"
    if people is not None:
        first_known = pd.to_datetime(people["first_seen"])
        on_time = (first_known <= as_of) if pd.notna(as_of) else True  # no sessions at all: everyone is known
        known = first_known.isna() | on_time
        never = people.loc[known & ~people["person_id"].isin(table.index), ["person_id", "first_seen"]]
        never = never.set_index("person_id").assign(last_seen=pd.NaT, sessions=0, hours=0.0, main_role=None,
                                                    status="prospective")
        table = pd.concat([table, never]) if len(never) else table
    table.index.name = "person_id"
    table["sessions"] = table["sessions"].astype(int)
    return table.reset_index()


def status_counts(lifecycle: pd.DataFrame, *, public: bool = False) -> pd.DataFrame:
    """Number of people per status (all four statuses, zero when none): status, people.

    ``public``: the counts pass the small-cell rule (empty below 10, else rounded to 5).
    """
    counts = lifecycle["status"].value_counts().reindex(list(STATUSES), fill_value=0)
    counts = counts.rename_axis("status").rename("people").reset_index()
    return small_cell(counts, "people") if public else counts


def retention_table(attendance: pd.DataFrame, sessions: pd.DataFrame, *, period: str = "Q",
                    by: str | None = None, with_size: bool = False) -> pd.DataFrame:
    """Share of each first-visit cohort still taking part k periods later.

    Rows are cohorts (period of first attendance), columns k = 0, 1, 2, …; values in [0, 1].
    A person counts as taking part in a period when they attended at least one session in it.
    k = 0 is always 1. A cell is empty (NaN) when period cohort + k lies after the last session
    date in ``sessions``: it has not happened yet. A period without any session counts as
    nobody taking part (0).

    ``by="activity_id"`` gives one block of cohorts per activity (cohort = first period at *that*
    activity); ``by="role"`` one block per role (cohort = first period in *that* role). The index is
    then (group, cohort). ``with_size=True`` adds a column ``size``: people in the cohort.
    """
    detail = attendance_detail(attendance, sessions)
    keys = [by] if by else []
    detail["p"] = period_number(detail["date"], period)
    detail["label"] = detail["date"].dt.to_period(period).astype(str)
    last_p = int(period_number(sessions["date"], period).max()) if len(sessions) else 0
    taking_part = detail[keys + ["person_id", "p"]].drop_duplicates()
    first = (detail.sort_values("p").drop_duplicates(keys + ["person_id"])
             [keys + ["person_id", "p", "label"]].rename(columns={"p": "cohort_p", "label": "cohort"}))
    taking_part = taking_part.merge(first, on=keys + ["person_id"])
    taking_part["k"] = taking_part["p"] - taking_part["cohort_p"]
    rows = keys + ["cohort_p", "cohort"]
    size = first.groupby(rows).size().rename("size")
    present = taking_part.groupby(rows + ["k"])["person_id"].nunique().unstack("k")
    max_k = int(last_p - first["cohort_p"].min()) if len(first) else 0
    table = present.reindex(index=size.index, columns=range(max_k + 1)).fillna(0).div(size, axis=0)
    cohort_p = table.index.get_level_values("cohort_p")
    for k in table.columns:  # cohort + k after the last session: not yet observed
        table.loc[cohort_p + k > last_p, k] = float("nan")
    table = table.droplevel("cohort_p").rename_axis(columns="k")
    if with_size:
        table.insert(0, "size", size.to_numpy())
    return table


def retention_summary(table: pd.DataFrame, *, ks: tuple[int, ...] = (1, 2, 4), public: bool = False) -> pd.DataFrame:
    """Share of people still taking part k periods after their first time, all cohorts pooled.

    Takes ``retention_table(..., with_size=True)``. For each k it adds up, over the cohorts for
    which k periods later has already happened, the people still taking part, and divides by
    those cohorts' sizes. Rows are the groups of ``by`` (or one row "all"), columns the ks;
    NaN when no cohort is old enough. ``public``: also NaN unless ``privacy.safe_share`` allows it
    (10 or more people still taking part, and 10 or more not).
    """
    keys = [name for name in table.index.names[:-1]]
    groups = table.groupby(level=keys) if keys else [("all", table)]
    rows = {}
    for group, part in groups:
        row = {}
        for k in ks:
            observed = part[part[k].notna()] if k in part.columns else None
            row[k] = (float("nan") if observed is None else
                      _share((observed[k] * observed["size"]).sum(), observed["size"].sum(), public=public))
        rows[group[0] if isinstance(group, tuple) else group] = row
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis(keys[0] if keys else "group")


def conversions(attendance: pd.DataFrame, sessions: pd.DataFrame, *,
                roles: tuple[str, ...] = VOLUNTEER_ROLES) -> pd.DataFrame:
    """Visitor → volunteer (participatieladder step 3 → 4), per person who started as a visitor.

    One row per person whose first attendance was in the role ``visitor``: first_visit, became
    (date of the first session in one of ``roles``, empty if never), days (from first visit to
    that date). People who started as a volunteer entered at step 4 and are not in this table.
    """
    detail = attendance_detail(attendance, sessions).sort_values(["date", "session_id"])
    first = detail.drop_duplicates("person_id")
    starters = first.loc[first["role"] == "visitor", ["person_id", "date"]].rename(columns={"date": "first_visit"})
    became = detail[detail["role"].isin(roles)].groupby("person_id")["date"].min().rename("became")
    table = starters.merge(became, left_on="person_id", right_index=True, how="left")
    table["days"] = (table["became"] - table["first_visit"]).dt.days
    return table.reset_index(drop=True)


def _share(part: float, base: float, *, public: bool) -> float:
    """part / base (NaN without a base); in public output only as ``privacy.safe_share`` allows."""
    if public:
        share = safe_share(part, base)
        return float("nan") if share is None else share
    return part / base if base else float("nan")


def conversion_summary(conversions_table: pd.DataFrame, *, public: bool = False) -> pd.DataFrame:
    """One row: visitors (who started as visitor), converted, share (0–1), median_days to convert.

    ``public``: visitors and converted pass the small-cell rule, the share is ``privacy.safe_share``
    (10 or more who converted and who did not) and the median needs 10 people who converted (else empty).
    """
    visitors = len(conversions_table)
    converted = int(conversions_table["became"].notna().sum())
    smallest = MIN_CELL if public else 1
    summary = pd.DataFrame({
        "visitors": [visitors],
        "converted": [converted],
        "share": [_share(converted, visitors, public=public)],
        "median_days": [conversions_table["days"].median() if converted >= smallest else float("nan")],
    })
    return small_cell(summary, ["visitors", "converted"]) if public else summary


# --- work and who carries it -------------------------------------------------------------------

def volunteer_hours(attendance: pd.DataFrame, sessions: pd.DataFrame, *, roles: tuple[str, ...] = VOLUNTEER_ROLES,
                    missing_hours: float | None = None) -> pd.DataFrame:
    """Volunteer hours per activity per month: activity_id, month, volunteers, hours.

    A volunteer's hours at a session are the session's hours (see the module rule); ``volunteers``
    is the number of different people in ``roles`` that month. Months without volunteers are
    not listed (``continuity`` fills them with zeros).
    """
    detail = attendance_detail(attendance, sessions, missing_hours=missing_hours)
    detail = detail[detail["role"].isin(roles)].assign(month=lambda d: _month(d["date"]))
    grouped = detail.groupby(["activity_id", "month"])
    return pd.DataFrame({
        "volunteers": grouped["person_id"].nunique(),
        "hours": grouped["hours"].sum(min_count=0),
    }).reset_index()


def key_person_factor(contributions, *, share: float = 0.5) -> int:
    """The fewest people who together do at least ``share`` of the work (CHAOSS contributor absence factor).

    Sort the contributions from large to small and count how many you need before their sum
    reaches ``share`` × the total. Example (CHAOSS): 1000, 202, 90, 33, 332, 343, 42, 433 → 2.
    No work at all gives 0. A factor of 1 means one person's absence stops half the work.
    """
    values = sorted((float(v) for v in contributions if pd.notna(v) and v > 0), reverse=True)
    total = sum(values)
    running = 0.0
    for n, value in enumerate(values, start=1):
        running += value
        if running >= share * total:
            return n
    return 0


def key_person_table(attendance: pd.DataFrame, sessions: pd.DataFrame, *, roles: tuple[str, ...] = VOLUNTEER_ROLES,
                     measure: str = "hours", period: str | None = None, last_days: int | None = None,
                     share: float = 0.5, missing_hours: float | None = None,
                     activity_id: str | None = None, public: bool = False) -> pd.DataFrame:
    """Key-person factor per activity (and per period): activity_id, [period,] people, work, key_person_factor.

    Work per person is their summed session hours (``measure="hours"``) or their number of
    sessions (``measure="sessions"``), counting only attendance in ``roles``. Pass
    ``roles=("coordinator",)`` for the same view over coordination. ``period`` ("M", "Q", "Y")
    gives one row per activity per period. ``last_days`` counts only the sessions in the last
    that many days up to the last session date (the risk *now*, not over all years).
    ``activity_id`` keeps one activity. ``public``: ``people`` passes the small-cell rule and the
    factor (itself a number of people) is shown only for teams of 10 or more.
    """
    detail = attendance_detail(attendance, sessions, missing_hours=missing_hours)
    detail = detail[detail["role"].isin(roles)]
    if activity_id is not None:
        detail = detail[detail["activity_id"] == activity_id]
    if last_days is not None:
        detail = detail[detail["date"] > pd.to_datetime(sessions["date"]).max() - pd.Timedelta(days=last_days)]
    detail = detail.assign(work=detail["hours"] if measure == "hours" else 1.0)
    keys = ["activity_id"]
    if period:
        detail = detail.assign(period=detail["date"].dt.to_period(period).astype(str))
        keys.append("period")
    per_person = detail.groupby(keys + ["person_id"])["work"].sum().reset_index()
    rows = [
        {**dict(zip(keys, group if isinstance(group, tuple) else (group,))),
         "people": part["person_id"].nunique(), "work": float(part["work"].sum()),
         "key_person_factor": key_person_factor(part["work"], share=share)}
        for group, part in per_person.groupby(keys)
    ]
    table = pd.DataFrame(rows, columns=keys + ["people", "work", "key_person_factor"])
    if public:
        factor = table["key_person_factor"].where(table["people"] >= MIN_CELL)
        table = small_cell(table, "people").assign(key_person_factor=pd.array(factor, dtype="Int64"))
    return table


def paid_hours_per_month(paid_support: pd.DataFrame, *, until: str | pd.Timestamp) -> pd.DataFrame:
    """Paid support hours per activity per month: activity_id, month, paid_hours.

    Each period pays ``hours_per_week`` / 7 hours for every day from ``start`` to ``end``
    (both included); an empty ``end`` means "still running" and is read as ``until``.
    """
    rows = []
    for row in paid_support.itertuples(index=False):
        end = row.end if pd.notna(row.end) else pd.Timestamp(until)
        days = pd.date_range(row.start, end, freq="D")
        rows.append(pd.DataFrame({"activity_id": row.activity_id, "month": _month(pd.Series(days)),
                                  "paid_hours": row.hours_per_week / 7}))
    if not rows:
        return pd.DataFrame({"activity_id": pd.Series(dtype=object), "month": pd.Series(dtype="datetime64[ns]"),
                             "paid_hours": pd.Series(dtype=float)})
    return pd.concat(rows).groupby(["activity_id", "month"], as_index=False)["paid_hours"].sum()


def continuity(attendance: pd.DataFrame, sessions: pd.DataFrame, paid_support: pd.DataFrame, *,
               activity_id: str | None = None, roles: tuple[str, ...] = VOLUNTEER_ROLES,
               missing_hours: float | None = None, public: bool = False) -> pd.DataFrame:
    """Per activity per month: volunteers, sessions, volunteer_hours and paid_hours, with every month filled in.

    The months observed are those of ``sessions`` (all activities): from the month of the first
    session to the last session date. Paid support counts only in those months, so with
    ``in_period`` tables the paid hours are limited to the period too (paid months outside it
    would otherwise show up as months "with support" but without volunteers). Per activity the
    months run from its first session or first paid month (whichever is earlier) to the end; a
    month with nothing in it shows zeros, so a team that stops is visible as a drop to 0.
    ``activity_id`` keeps one activity. No sessions: an empty table. ``public``: ``volunteers``
    passes the small-cell rule (empty below 10).
    """
    columns = ["activity_id", "month", "volunteers", "sessions", "volunteer_hours", "paid_hours"]
    if not len(sessions):
        return pd.DataFrame(columns=columns)
    first = _month(pd.Series([pd.to_datetime(sessions["date"]).min()]))[0]
    last = pd.to_datetime(sessions["date"]).max()
    if activity_id is not None:
        sessions = sessions[sessions["activity_id"] == activity_id]
        paid_support = paid_support[paid_support["activity_id"] == activity_id]
    vol = volunteer_hours(attendance, sessions, roles=roles, missing_hours=missing_hours).rename(
        columns={"hours": "volunteer_hours"})
    n_sessions = (sessions.assign(month=_month(sessions["date"])).groupby(["activity_id", "month"])
                  .size().rename("sessions").reset_index())
    paid = paid_hours_per_month(paid_support, until=last)
    paid = paid[paid["month"].between(first, last)]
    frames = []
    for act in sorted(set(n_sessions["activity_id"]) | set(paid["activity_id"])):
        starts = [d for d in (n_sessions.loc[n_sessions["activity_id"] == act, "month"].min(),
                              paid.loc[paid["activity_id"] == act, "month"].min()) if pd.notna(d)]
        months = pd.date_range(min(starts), _month(pd.Series([last]))[0], freq="MS")
        frames.append(pd.DataFrame({"activity_id": act, "month": months}))
    if not frames:
        return pd.DataFrame(columns=columns)
    table = pd.concat(frames)
    for part in (vol, n_sessions, paid):
        table = table.merge(part, on=["activity_id", "month"], how="left")
    table = table.fillna({"volunteers": 0, "sessions": 0, "volunteer_hours": 0.0, "paid_hours": 0.0})
    table[["volunteers", "sessions"]] = table[["volunteers", "sessions"]].astype(int)
    table = table[columns].reset_index(drop=True)
    return small_cell(table, "volunteers") if public else table


def support_effect(continuity_table: pd.DataFrame, *, public: bool = False) -> pd.DataFrame:
    """Per activity: mean volunteers per month with and without paid support.

    Columns: activity_id, volunteers_with_support, volunteers_without_support (after support
    began; NaN when there is no such month), months_with_support, months_without_support.
    A month counts as "with support" when it has any paid hours. Months before the first paid
    month are left out, so the comparison is "during" against "after". Pass the exact
    ``continuity`` table; ``public`` then treats the means as counts of people (empty below 10,
    else rounded to 5).
    """
    rows = []
    for act, part in continuity_table.groupby("activity_id"):
        with_support = part["paid_hours"] > 0
        if not with_support.any():
            continue
        after_start = part[part["month"] >= part.loc[with_support, "month"].min()]
        on = after_start[after_start["paid_hours"] > 0]
        off = after_start[after_start["paid_hours"] == 0]
        rows.append({"activity_id": act,
                     "volunteers_with_support": on["volunteers"].mean(),
                     "volunteers_without_support": off["volunteers"].mean() if len(off) else float("nan"),
                     "months_with_support": len(on), "months_without_support": len(off)})
    effect = pd.DataFrame(rows, columns=["activity_id", "volunteers_with_support", "volunteers_without_support",
                                         "months_with_support", "months_without_support"])
    return small_cell(effect, ["volunteers_with_support", "volunteers_without_support"]) if public else effect


# --- sentences: the findings in words, computed on the data -----------------------------------

def support_sentence(effect: pd.DataFrame, activity_id: str, *, activity_name: str | None = None,
                     lang: str = "nl", public: bool = False) -> str:
    """What paid support went with for one activity, from the exact ``support_effect`` table.

    Says the mean volunteers per month with and without support and whether there were fewer
    without; or that support is still running; or that there was none in the data. ``public``
    shows the means as counts under the small-cell rule; "fewer or not" is read from the exact means.
    """
    name = activity_name or activity_id
    rows = effect[effect["activity_id"] == activity_id]
    if rows.empty:
        return t("participation.support.none", lang, activity=name)
    row = rows.iloc[0]
    values = {"activity": name, "months_with": int(row["months_with_support"]),
              "with_support": count_text(row["volunteers_with_support"], lang, public=public, decimals=1)}
    if not row["months_without_support"]:
        return t("participation.support.running", lang, **values)
    sentence = t("participation.support.sentence", lang, months_without=int(row["months_without_support"]),
                 without_support=count_text(row["volunteers_without_support"], lang, public=public, decimals=1),
                 **values)
    fewer = fewer_without_support(effect, activity_id)
    return f"{sentence} {t('participation.support.fewer' if fewer else 'participation.support.not_fewer', lang)}"


def fewer_without_support(effect: pd.DataFrame, activity_id: str) -> bool:
    """True when the activity had months after its paid support and fewer volunteers a month in them
    (from the exact ``support_effect`` table)."""
    rows = effect[effect["activity_id"] == activity_id]
    if rows.empty or not rows["months_without_support"].iloc[0]:
        return False
    return bool(rows["volunteers_without_support"].iloc[0] < rows["volunteers_with_support"].iloc[0])


def coordination_sentence(coordinators: pd.DataFrame, *, lang: str = "nl") -> str:
    """How many activities lean on one coordinator, from ``key_person_table(..., roles=("coordinator",))``.

    In a public table the factors of small teams are suppressed; the sentence then says so.
    """
    if coordinators.empty:
        return t("participation.coordination.none", lang)
    shown = coordinators.dropna(subset=["key_person_factor"])
    if shown.empty:
        return t("participation.coordination.suppressed", lang, min_cell=MIN_CELL)
    return t("participation.coordination.sentence", lang, n=int((shown["key_person_factor"] <= 1).sum()),
             total=len(shown))


def conversion_sentence(conversions_table: pd.DataFrame, *, lang: str = "nl", public: bool = False) -> str:
    """Visitor → volunteer in words: how many started as visitor, the share who made the step, the median days."""
    if conversions_table.empty:
        return t("participation.conversion.none", lang)
    if public and len(conversions_table) < MIN_CELL:
        return t("participation.conversion.too_few", lang, min_cell=MIN_CELL)
    summary = conversion_summary(conversions_table, public=public).iloc[0]
    values = {"pct": _percent(summary["share"]), "visitors": count_text(len(conversions_table), lang, public=public)}
    if pd.isna(summary["median_days"]):
        return t("participation.conversion.sentence_short", lang, **values)
    return t("participation.conversion.sentence", lang, days=format_number(summary["median_days"], lang), **values)


def key_person_trend(by_year: pd.DataFrame, *, activity_name: str, lang: str = "nl") -> str:
    """The key-person factor per year of one activity, from ``key_person_table(..., period="Y", activity_id=...)``.

    "–" marks a year whose factor is suppressed (public, a team under 10).
    """
    if by_year.empty:
        return t("participation.keyperson.trend_none", lang, activity=activity_name)
    values = ", ".join(f"{'–' if pd.isna(f) else int(f)} ({y})" for y, f in zip(by_year["period"], by_year["key_person_factor"]))
    sentence = t("participation.keyperson.trend", lang, activity=activity_name, values=values)
    if by_year["key_person_factor"].isna().any():
        sentence += " " + t("participation.keyperson.suppressed", lang, min_cell=MIN_CELL)
    return sentence


def retention_sentence(by_role: pd.DataFrame, *, lang: str = "nl") -> str:
    """Volunteers against visitors one period after their first time in that role, from
    ``retention_summary(retention_table(..., by="role", with_size=True), ks=(1, ...))`` (exact or public)."""
    def share(role: str) -> str:
        value = by_role[1].get(role, float("nan")) if 1 in by_role.columns else float("nan")
        return _percent(value)

    return t("participation.retention.by_role", lang, volunteer=share("volunteer"), visitor=share("visitor"))


def report_coaches_sentence(*, lang: str = "nl") -> str:
    """What the Werkplaats's own report says about the energy coaches (start, trained, left), with its source."""
    report = facts()
    start = pd.Timestamp(report.loc["energy_coaches_start", "value"])
    month_year = format_date(start, lang).partition(" ")[2]  # "1 september 2022" → "september 2022"
    return t("participation.report.coaches", lang, start=month_year,
             trained=report.loc["energy_coaches_trained", "value"], left=report.loc["energy_coaches_remaining", "value"],
             source=report["source"].iloc[0])


def meaning_bullets(effect: pd.DataFrame, coordinators: pd.DataFrame, conversions_table: pd.DataFrame, *,
                    activity_id: str, activity_name: str | None = None, lang: str = "nl",
                    public: bool = False) -> list[str]:
    """The "Wat betekent dit?" points for the working group, each built on a computed sentence.

    ``effect`` is the exact ``support_effect`` table, ``coordinators`` a ``key_person_table`` over
    the coordinator role (exact or public). Advice is added only where the data supports it: "plan
    support in" when there were fewer volunteers without support, "a second coordinator" when an
    activity leans on one coordinator.
    """
    support = support_sentence(effect, activity_id, activity_name=activity_name, lang=lang, public=public)
    fewer = fewer_without_support(effect, activity_id)
    leaning = bool((coordinators["key_person_factor"].dropna() <= 1).any())
    return [
        t("participation.meaning.support_fewer" if fewer else "participation.meaning.support_not_fewer", lang,
          sentence=support),
        t("participation.meaning.coordination_risk" if leaning else "participation.meaning.coordination", lang,
          sentence=coordination_sentence(coordinators, lang=lang)),
        t("participation.meaning.conversion", lang, sentence=conversion_sentence(conversions_table, lang=lang, public=public)),
    ]


# --- charts ------------------------------------------------------------------------------------

def status_chart(lifecycle: pd.DataFrame, *, source: str, lang: str = "nl", public: bool = False,
                 include_prospective: bool = False) -> alt.TopLevelMixin:
    """Bar chart of people per status; the title says how many are still active (new or active) of how many.

    Rule: only people who came to a session count (``prospective`` people, known from other registers
    only, are left out of bars and total) unless ``include_prospective``. ``public``: bars and title
    follow the small-cell rule (a suppressed bar is left out).
    """
    if not include_prospective:
        lifecycle = lifecycle[lifecycle["status"] != "prospective"]
    exact = status_counts(lifecycle)
    active = int(exact.loc[exact["status"].isin(["new", "active"]), "people"].sum())
    title = t("participation.status.title", lang, active=count_text(active, lang, public=public),
              total=count_text(int(exact["people"].sum()), lang, public=public))
    counts = status_counts(lifecycle, public=public).dropna(subset=["people"])
    counts["label"] = counts["status"].map(lambda s: t(f"participation.status.{s}", lang))
    chart = alt.Chart(counts, title=title).mark_bar().encode(
        x=alt.X("label:N", sort=None, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("people:Q", title=t("participation.people", lang)),
        tooltip=[alt.Tooltip("label:N", title=t("participation.status", lang)),
                 alt.Tooltip("people:Q", title=t("participation.people", lang))],
    )
    return with_source(chart, source)


def retention_chart(table: pd.DataFrame, *, source: str, lang: str = "nl", public: bool = False) -> alt.TopLevelMixin:
    """Heat map of ``retention_table(..., with_size=True)`` (without ``by``): cohorts down, periods later across.

    The title gives the share of all people who came back one period after their first time
    (``retention_summary``, cohorts pooled). ``public``: cohorts of fewer than 10 people are
    left out, and a cell only shows as ``privacy.safe_share`` allows (10 or more who stayed and who did not).
    """
    shown = table[table["size"] >= MIN_CELL] if public else table
    long = shown.drop(columns=["size"]).stack().rename("share").reset_index()
    if public:
        long["share"] = [_share(s * n, n, public=True) for s, n in zip(long["share"], long["cohort"].map(shown["size"]))]
        long = long.dropna(subset=["share"])
    long["k"] = long["k"].astype(int)
    after_one = retention_summary(table, ks=(1,), public=public).iloc[0, 0]
    title = (t("participation.retention.title", lang, pct=round(100 * after_one))
             if pd.notna(after_one) else t("participation.retention.title_short", lang))
    chart = alt.Chart(long, title=title).mark_rect().encode(
        x=alt.X("k:O", title=t("participation.retention.k", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("cohort:O", title=t("participation.retention.cohort", lang)),
        color=alt.Color("share:Q", title=t("participation.share", lang),
                        scale=alt.Scale(domain=[0, 1], scheme="blues"), legend=alt.Legend(format=".0%")),
        tooltip=[alt.Tooltip("cohort:O", title=t("participation.retention.cohort", lang)),
                 alt.Tooltip("k:O", title=t("participation.retention.k", lang)),
                 alt.Tooltip("share:Q", title=t("participation.share", lang), format=".0%")],
    )
    return with_source(chart, source)


def volunteer_hours_chart(hours: pd.DataFrame, activities: pd.DataFrame, *, source: str,
                          lang: str = "nl") -> alt.TopLevelMixin:
    """Stacked bars of volunteer hours per month, one colour per activity; the title names the biggest."""
    names = activity_names(activities, lang)
    data = hours.assign(activity=hours["activity_id"].map(names).fillna(hours["activity_id"]))
    totals = data.groupby("activity")["hours"].sum()
    title = (t("participation.hours.title", lang, activity=totals.idxmax(), hours=round(totals.max()))
             if len(totals) else t("participation.hours.title_empty", lang))
    chart = alt.Chart(data, title=title).mark_bar().encode(
        x=alt.X("yearmonth(month):T", title=None),
        y=alt.Y("sum(hours):Q", title=t("participation.hours", lang)),
        color=alt.Color("activity:N", title=t("participation.activity", lang)),
        tooltip=[alt.Tooltip("activity:N", title=t("participation.activity", lang)),
                 alt.Tooltip("yearmonth(month):T", title=t("participation.month", lang)),
                 alt.Tooltip("sum(hours):Q", title=t("participation.hours", lang), format=",.0f")],
    )
    return with_source(chart, source)


def key_person_chart(table: pd.DataFrame, activities: pd.DataFrame, *, source: str,
                     lang: str = "nl") -> alt.TopLevelMixin:
    """Bars of the key-person factor per activity (from ``key_person_table`` without ``period``).

    Activities that lean on one person (factor 1) are coloured; the title counts them. Activities
    whose factor is suppressed (a public table, teams under 10) are left out.
    """
    names = activity_names(activities, lang)
    table = table.dropna(subset=["key_person_factor"])
    data = table.assign(activity=table["activity_id"].map(names).fillna(table["activity_id"]),
                        risk=table["key_person_factor"] <= 1)
    title = t("participation.keyperson.title", lang, n=int(data["risk"].sum()), total=len(data))
    chart = alt.Chart(data, title=title).mark_bar().encode(
        y=alt.Y("activity:N", sort="x", title=None),
        x=alt.X("key_person_factor:Q", title=t("participation.keyperson.axis", lang), axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("risk:N", scale=alt.Scale(domain=[True, False], range=["#D55E00", "#0072B2"]), legend=None),
        tooltip=[alt.Tooltip("activity:N", title=t("participation.activity", lang)),
                 alt.Tooltip("key_person_factor:Q", title=t("participation.keyperson.axis", lang)),
                 alt.Tooltip("people:Q", title=t("participation.people", lang))],
    )
    return with_source(chart, source)


def conversion_months(conversions_table: pd.DataFrame, *, public: bool = False) -> pd.DataFrame:
    """People per whole number of months (30.44 days) from first visit to first volunteer session: months, people.

    Only people who made the step. ``public``: the counts pass the small-cell rule and
    suppressed months are left out.
    """
    months = (conversions_table["days"].dropna() / 30.44).round().astype(int)
    counts = months.value_counts().sort_index().rename_axis("months").rename("people").reset_index()
    return small_cell(counts, "people").dropna(subset=["people"]) if public else counts


def conversion_chart(conversions_table: pd.DataFrame, *, source: str, lang: str = "nl",
                     public: bool = False) -> alt.TopLevelMixin:
    """Bars of people per month from first visit to first volunteer session; the title gives the share who made the step.

    The chart holds counts per month only (no person ids); ``public`` applies the small-cell rule
    (``conversion_months``, ``conversion_summary``).
    """
    summary = conversion_summary(conversions_table, public=public).iloc[0]
    title = t("participation.conversion.title", lang, pct=_percent(summary["share"]),
              visitors=count_text(len(conversions_table), lang, public=public))
    chart = alt.Chart(conversion_months(conversions_table, public=public), title=title).mark_bar().encode(
        x=alt.X("months:O", title=t("participation.conversion.months", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("people:Q", title=t("participation.people", lang)),
    )
    return with_source(chart, source)


def _percent(share: float) -> str:
    """A share as "12%", or "–" when it is not there (no base, or a base too small to publish)."""
    return "–" if pd.isna(share) else f"{round(100 * share)}%"


def continuity_chart(table: pd.DataFrame, *, activity_id: str, source: str, lang: str = "nl",
                     activity_name: str | None = None, public: bool = False) -> alt.TopLevelMixin:
    """Volunteers per month (line) over paid support hours per month (shaded bars), for one activity.

    The title says what happened after paid support stopped, when it did: how many volunteers
    were active in the last month against the most there ever were. Pass the exact
    ``continuity`` table; ``public`` applies the small-cell rule to the line and the title
    (months under 10 volunteers have no point).
    """
    data = table[table["activity_id"] == activity_id]
    name = activity_name or activity_id
    paid_months = data.loc[data["paid_hours"] > 0, "month"]
    peak = count_text(int(data["volunteers"].max()) if len(data) else 0, lang, public=public)
    last = count_text(int(data["volunteers"].iloc[-1]) if len(data) else 0, lang, public=public)
    if public:
        data = small_cell(data, "volunteers")
    if len(paid_months) and paid_months.max() < data["month"].max():
        title = t("participation.continuity.title_stopped", lang, activity=name, peak=peak, last=last)
    else:
        title = t("participation.continuity.title", lang, activity=name, peak=peak, last=last)
    base = alt.Chart(data).encode(x=alt.X("month:T", title=None))
    paid = base.mark_bar(color=PALETTE[1], opacity=0.45).encode(
        y=alt.Y("paid_hours:Q", title=t("participation.continuity.paid", lang), axis=alt.Axis(titleColor=HIGHLIGHT_TEXT)),
        tooltip=[alt.Tooltip("yearmonth(month):T", title=t("participation.month", lang)),
                 alt.Tooltip("paid_hours:Q", title=t("participation.continuity.paid", lang), format=",.0f")],
    )
    volunteers = base.mark_line(point=True, color=PALETTE[0]).encode(
        y=alt.Y("volunteers:Q", title=t("participation.continuity.volunteers", lang), axis=alt.Axis(titleColor=PALETTE[0])),
        tooltip=[alt.Tooltip("yearmonth(month):T", title=t("participation.month", lang)),
                 alt.Tooltip("volunteers:Q", title=t("participation.continuity.volunteers", lang)),
                 alt.Tooltip("sessions:Q", title=t("participation.sessions", lang))],
    )
    chart = alt.layer(paid, volunteers, title=title).resolve_scale(y="independent")
    return with_source(chart, source)


def activity_name(activities: pd.DataFrame, activity_id: str, lang: str = "nl") -> str | None:
    """The activity's name in Dutch (``lang="nl"``) or English (any other language); None when it is not listed."""
    return activity_names(activities, lang).get(activity_id)


def activity_names(activities: pd.DataFrame, lang: str = "nl") -> dict:
    """activity_id → name, in Dutch (``lang="nl"``) or English (any other language)."""
    column = "name_nl" if lang == "nl" else "name_en"
    return dict(zip(activities["activity_id"], activities[column]))
