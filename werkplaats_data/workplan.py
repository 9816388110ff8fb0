"""The work plan as data, and its review against the release.

The 2025 working group writes its plan in a YAML file or in the spreadsheet template (same fields,
Dutch names, see ``data/workplan/demo_2025.yaml``). ``read_plan(path)`` turns either into a ``Plan``;
whatever is wrong in it (a missing owner, a quarter written as "najaar", a number that is not a
number) becomes a line in ``plan.problems`` — a "to fix in the plan" list — and the rest of the
plan is still used.

The review functions compare the plan with the release:

- ``planned_vs_realised``: sessions and reach per activity and quarter, planned against realised;
- ``continuity_panel``: per activity the volunteer trend, retention, key-person factor and paid support
  hours, each with its rule in words next to the result (descriptive, no overall score);
- ``without_coordination``: running activities that have no coordination today;
- ``support_needed``: the support hours per week the plan asks for against what exists.

Owners are the group's own planning information: ``public_owner`` gives what a public report may
print (the role, and of a name only the first letter).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

import pandas as pd
import yaml

from werkplaats_data.errors import UserError
from werkplaats_data.i18n import t

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
#: Status words the plan may use (Dutch, as the group writes them) and their meaning.
STATUSES = {"loopt": "running", "nieuw": "new", "gepauzeerd": "paused", "stopt": "stopping"}
#: Number fields of an activity in the plan: Dutch name in the file → English column name.
NUMBER_FIELDS = {
    "vrijwilligers_nodig": "volunteers_needed",
    "betaalde_uren_per_week": "paid_support_hours_per_week",
    "budget_euro": "budget_eur",
}
QUARTER_FIELDS = {"bijeenkomsten": "planned_sessions", "bereik": "planned_reach"}
ACTIVITY_COLUMNS = ["activity_id", "owner", "owner_role", "status", *NUMBER_FIELDS.values(), "risks"]
QUARTER_COLUMNS = ["activity_id", "quarter", *QUARTER_FIELDS.values()]
PROBLEM_COLUMNS = ["where", "key", "values"]


def demo_plan_path() -> Path:
    """The shipped demo plan for 2025 (made-up; labelled as demo data)."""
    return Path(str(files("werkplaats_data") / "data" / "workplan" / "demo_2025.yaml"))


def template_path() -> Path:
    """The spreadsheet template: the demo plan as a workbook the group can fill in."""
    return Path(str(files("werkplaats_data") / "data" / "workplan" / "werkplan_sjabloon.xlsx"))


@dataclass(frozen=True)
class Plan:
    """A work plan: its goals, one row per activity, one row per activity and quarter, and what to fix."""

    title: str
    year: int
    demo: bool
    goals: list[str]
    project_leader: dict
    activities: pd.DataFrame
    quarters: pd.DataFrame
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))

    def problem_texts(self, lang: str = "nl") -> list[str]:
        """Each thing to fix in the plan as one sentence: where it is, what is wrong, what to do."""
        return [f"{row.where}: {t(row.key, lang, **row.values)}" for row in self.problems.itertuples()]


# ---------------------------------------------------------------- reading


def read_plan(path: str | Path) -> Plan:
    """Read a work plan from YAML (.yaml/.yml) or the spreadsheet template (.xlsx).

    A file that cannot be read at all raises ``UserError``; mistakes inside the plan become
    ``plan.problems`` and the rest of the plan is kept.
    """
    path = Path(path)
    if not path.exists():
        raise UserError(f"Het werkplan {path} bestaat niet. Kijk of de naam klopt, of begin met het voorbeeld {demo_plan_path()}.")
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as err:
            mark = getattr(err, "problem_mark", None)
            where = f" (regel {mark.line + 1})" if mark else ""
            raise UserError(f"Het werkplan {path.name} is geen geldige YAML{where}. Vergelijk het met het voorbeeld {demo_plan_path().name}.") from err
    elif suffix == ".xlsx":
        data = workbook_to_dict(path)
    else:
        raise UserError(f"Het werkplan {path.name} moet een .yaml- of .xlsx-bestand zijn.")
    if not isinstance(data, dict):
        raise UserError(f"Het werkplan {path.name} heeft niet de vorm van het voorbeeld (titel, jaar, activiteiten). Begin met {demo_plan_path().name}.")
    return plan_from_dict(data)


#: Sheets of the spreadsheet template and their columns (Dutch, as in the YAML file).
SHEET_PLAN = "plan"
SHEET_GOALS = "doelen"
SHEET_ACTIVITIES = "activiteiten"
SHEET_QUARTERS = "kwartalen"
ACTIVITY_SHEET_COLUMNS = ["activiteit", "eigenaar", "rol_eigenaar", "status", *NUMBER_FIELDS, "risicos"]
QUARTER_SHEET_COLUMNS = ["activiteit", "kwartaal", *QUARTER_FIELDS]
LEADER_FIELDS = ("rol", "betaalde_uren_per_week", "nu_uren_per_week")


def workbook_to_dict(path: Path) -> dict:
    """The spreadsheet template read into the same structure as the YAML file.

    Sheets: 'plan' (veld, waarde: titel, jaar, voorbeeld, projectleider_…), 'doelen' (one goal per
    row), 'activiteiten' (one activity per row; risks one per line in the cell) and 'kwartalen'
    (one row per activity and quarter). A quarter given twice for an activity is kept as a problem.
    """
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object)
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        raise UserError(f"Het werkplan {path.name} kan niet als spreadsheet worden gelezen ({err}). Sla het op als .xlsx.") from err
    missing = [s for s in (SHEET_PLAN, SHEET_ACTIVITIES, SHEET_QUARTERS) if s not in sheets]
    if missing:
        raise UserError(f"Het werkplan {path.name} mist het tabblad {', '.join(missing)}. Begin met het sjabloon {template_path().name}.")

    def clean(value):
        return None if value is None or (isinstance(value, float) and pd.isna(value)) else value

    fields = {str(r["veld"]).strip(): clean(r["waarde"]) for _, r in sheets[SHEET_PLAN].iterrows() if clean(r["veld"])}
    data = {"titel": fields.get("titel"), "jaar": fields.get("jaar"),
            "voorbeeld": str(fields.get("voorbeeld", "")).strip().lower() in ("true", "ja", "1"),
            "projectleider": {f: fields.get(f"projectleider_{f}") for f in LEADER_FIELDS}}
    goals = sheets.get(SHEET_GOALS)
    data["doelen"] = [str(g) for g in goals.iloc[:, 0] if clean(g)] if goals is not None and goals.shape[1] else []
    data["activiteiten"] = []
    blocks = {}
    for _, row in sheets[SHEET_ACTIVITIES].iterrows():
        entry = {c: clean(row.get(c)) for c in ACTIVITY_SHEET_COLUMNS}
        if not any(v is not None for v in entry.values()):
            continue
        risks = entry.pop("risicos")
        entry["risicos"] = [r.strip() for r in str(risks).splitlines() if r.strip()] if risks else []
        entry["per_kwartaal"] = {}
        data["activiteiten"].append(entry)
        blocks.setdefault(str(entry["activiteit"] or "").strip(), entry)
    for _, row in sheets[SHEET_QUARTERS].iterrows():
        activity = str(clean(row.get("activiteit")) or "").strip()
        label = clean(row.get("kwartaal"))
        if not activity and label is None:
            continue
        entry = blocks.get(activity)
        if entry is None:  # quarters for an activity without a row: keep them visible as their own block
            entry = blocks[activity] = {"activiteit": activity, "per_kwartaal": {}}
            data["activiteiten"].append(entry)
        key = label
        while key in entry["per_kwartaal"]:
            key = f"{key} (nog eens)"
        entry["per_kwartaal"][key] = {f: clean(row.get(f)) for f in QUARTER_FIELDS}
    return data


def write_workbook(data: dict, path: Path) -> Path:
    """Write a plan (the YAML structure) as the spreadsheet template; ``workbook_to_dict`` reads it back."""
    leader = data.get("projectleider") or {}
    plan_rows = [("titel", data.get("titel")), ("jaar", data.get("jaar")), ("voorbeeld", bool(data.get("voorbeeld")))]
    plan_rows += [(f"projectleider_{f}", leader.get(f)) for f in LEADER_FIELDS]
    activities, quarters = [], []
    for entry in data.get("activiteiten") or []:
        activities.append({c: ("\n".join(entry.get(c) or []) if c == "risicos" else entry.get(c)) for c in ACTIVITY_SHEET_COLUMNS})
        for label, figures in (entry.get("per_kwartaal") or {}).items():
            quarters.append({"activiteit": entry.get("activiteit"), "kwartaal": label, **{f: figures.get(f) for f in QUARTER_FIELDS}})
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame(plan_rows, columns=["veld", "waarde"]).to_excel(writer, sheet_name=SHEET_PLAN, index=False)
        pd.DataFrame({"doel": data.get("doelen") or []}).to_excel(writer, sheet_name=SHEET_GOALS, index=False)
        pd.DataFrame(activities, columns=ACTIVITY_SHEET_COLUMNS).to_excel(writer, sheet_name=SHEET_ACTIVITIES, index=False)
        pd.DataFrame(quarters, columns=QUARTER_SHEET_COLUMNS).to_excel(writer, sheet_name=SHEET_QUARTERS, index=False)
        for sheet in writer.sheets.values():
            for column in sheet.columns:
                width = max(len(str(c.value or "")) for c in column)
                sheet.column_dimensions[column[0].column_letter].width = min(max(12, width + 2), 60)
    return path


def parse_quarter(value) -> str | None:
    """'Q1'…'Q4' (also 'q2', 'K3', 'kwartaal 4', 4) as 'Q1'…'Q4'; anything else (Q5, 'najaar') as None."""
    text = str(value).strip().upper().replace("KWARTAAL", "Q").replace(" ", "")
    match = re.fullmatch(r"[QK]?([1-4])", text)
    return f"Q{match.group(1)}" if match else None


def _number(value) -> float | None:
    """A plan number: int/float, or text like '4', '4,5' or '€ 1.200'; None when it is not a number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    text = str(value).replace("€", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):  # Dutch thousands: 1.200
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return number


def plan_from_dict(data: dict) -> Plan:
    """Check a plan given as a dict (the YAML structure) and build a ``Plan``; problems are collected, not raised."""
    problems: list[dict] = []

    def problem(where: str, key: str, **values) -> None:
        problems.append({"where": where, "key": f"workplan.problem.{key}", "values": values})

    year = _number(data.get("jaar"))
    if year is None or not 2000 <= year <= 2100:
        problem("jaar", "year", value=data.get("jaar"))
        year = None
    goals = data.get("doelen") or []
    if not isinstance(goals, list):
        goals = [goals]
    leader = data.get("projectleider") or {}
    if not isinstance(leader, dict):
        problem("projectleider", "leader")
        leader = {}
    project_leader = {
        "role": str(leader.get("rol") or ""),
        "hours_asked": _number(leader.get("betaalde_uren_per_week", 0)),
        "hours_now": _number(leader.get("nu_uren_per_week", 0)),
    }

    activity_rows, quarter_rows = [], []
    entries = data.get("activiteiten")
    if not isinstance(entries, list) or not entries:
        problem("activiteiten", "no_activities")
        entries = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"activiteit {index}"
        if not isinstance(entry, dict):
            problem(where, "not_a_block")
            continue
        activity_id = str(entry.get("activiteit") or "").strip()
        if not activity_id:
            problem(where, "no_activity_id")
            continue
        where = f"activiteit {index} ({activity_id})"
        if activity_id in seen:
            problem(where, "duplicate", activity=activity_id)
            continue
        seen.add(activity_id)
        owner = str(entry.get("eigenaar") or "").strip()
        if not owner:
            problem(where, "no_owner")
        status = str(entry.get("status") or "").strip().lower()
        if status not in STATUSES:
            problem(where, "status", value=entry.get("status"), allowed=", ".join(STATUSES))
            status = ""
        row = {"activity_id": activity_id, "owner": owner, "owner_role": str(entry.get("rol_eigenaar") or "").strip(),
               "status": status}
        for dutch, english in NUMBER_FIELDS.items():
            raw = entry.get(dutch)
            number = None if raw is None else _number(raw)
            if raw is not None and (number is None or number < 0):
                problem(where, "number", field=dutch, value=raw)
            row[english] = number if number is not None and number >= 0 else float("nan")
        risks = entry.get("risicos") or []
        row["risks"] = [str(r) for r in (risks if isinstance(risks, list) else [risks])]
        activity_rows.append(row)

        per_quarter = entry.get("per_kwartaal") or {}
        if not isinstance(per_quarter, dict):
            problem(where, "quarters_shape")
            per_quarter = {}
        for label, figures in per_quarter.items():
            quarter = parse_quarter(label)
            if quarter is None:
                problem(where, "quarter", value=label)
                continue
            figures = figures if isinstance(figures, dict) else {}
            qrow = {"activity_id": activity_id, "quarter": quarter}
            for dutch, english in QUARTER_FIELDS.items():
                raw = figures.get(dutch)
                number = None if raw is None else _number(raw)
                if raw is not None and (number is None or number < 0):
                    problem(f"{where}, {quarter}", "number", field=dutch, value=raw)
                    number = None
                qrow[english] = float("nan") if number is None else number
            quarter_rows.append(qrow)

    return Plan(
        title=str(data.get("titel") or "Werkplan"),
        year=int(year) if year is not None else 0,
        demo=bool(data.get("voorbeeld", False)),
        goals=[str(g) for g in goals],
        project_leader=project_leader,
        activities=pd.DataFrame(activity_rows, columns=ACTIVITY_COLUMNS),
        quarters=pd.DataFrame(quarter_rows, columns=QUARTER_COLUMNS),
        problems=pd.DataFrame(problems, columns=PROBLEM_COLUMNS),
    )


def check_activities(plan: Plan, activities: pd.DataFrame) -> Plan:
    """The plan without activities the data does not know; each of those becomes a problem to fix."""
    known = set(activities["activity_id"])
    unknown = [a for a in plan.activities["activity_id"] if a not in known]
    if not unknown:
        return plan
    extra = pd.DataFrame([{"where": f"activiteit ({a})", "key": "workplan.problem.unknown_activity",
                           "values": {"activity": a, "known": ", ".join(sorted(known))}} for a in unknown],
                         columns=PROBLEM_COLUMNS)
    return Plan(
        title=plan.title, year=plan.year, demo=plan.demo, goals=plan.goals, project_leader=plan.project_leader,
        activities=plan.activities[~plan.activities["activity_id"].isin(unknown)].reset_index(drop=True),
        quarters=plan.quarters[~plan.quarters["activity_id"].isin(unknown)].reset_index(drop=True),
        problems=pd.concat([plan.problems, extra], ignore_index=True),
    )


def public_owner(owner: str, role: str = "") -> str:
    """What a public report may say about an owner: the role in full, of the name only the first letter.

    'Amina' with role 'coördinator' → 'coördinator (A.)'; no role → 'A.'; nothing → ''. When the
    owner is written inside the role ('community builder' with role 'community builder (…)'), the role alone.
    """
    owner, role = (owner or "").strip(), (role or "").strip()
    if owner and role and owner.lower() in role.lower():
        return role
    initial = f"{owner[0].upper()}." if owner else ""
    if role and initial:
        return f"{role} ({initial})"
    return role or initial


# ---------------------------------------------------------------- review


def quarter_of(dates: pd.Series) -> pd.Series:
    """'Q1'…'Q4' for each date."""
    return "Q" + dates.dt.quarter.astype(str)


def session_reach(sessions: pd.DataFrame, attendance: pd.DataFrame) -> pd.Series:
    """Reach of each session (index: session_id): the counted visitors; when no count was kept,
    the number of visitors on the attendance list (volunteers and coordinators do not count)."""
    listed = attendance[attendance["role"] == "visitor"].groupby("session_id").size()
    counted = sessions.set_index("session_id")["visitors_count"].astype("Float64")
    return counted.fillna(listed.reindex(counted.index).astype("Float64")).fillna(0).astype(float)


def quarter_status(year: int, data_end: pd.Timestamp | None) -> dict[str, str]:
    """For each quarter of ``year``: 'done' when the data runs to its end, 'running' when the data
    ends inside it, 'future' when the data ends before it starts."""
    out = {}
    for number, quarter in enumerate(QUARTERS, start=1):
        start = pd.Timestamp(year=year, month=3 * number - 2, day=1)
        end = start + pd.offsets.QuarterEnd(0)
        if data_end is None or pd.isna(data_end) or data_end < start:
            out[quarter] = "future"
        elif data_end < end:
            out[quarter] = "running"
        else:
            out[quarter] = "done"
    return out


def planned_vs_realised(plan: Plan, sessions: pd.DataFrame, attendance: pd.DataFrame, *,
                        data_end: pd.Timestamp | None = None) -> pd.DataFrame:
    """Sessions and reach per planned activity and quarter of the plan year: planned against realised.

    One row per activity in the plan and quarter Q1–Q4. A quarter the plan does not mention is planned
    as 0. Realised sessions are the sessions of that activity dated in the quarter; realised reach is
    the sum of ``session_reach``. ``data_end`` (default: the last session date) decides the quarter
    status: 'future' quarters have no realised figures (NaN), 'running' quarters are not complete yet.
    ``sessions_share`` and ``reach_share`` are realised / planned (NaN when nothing was planned).
    """
    if data_end is None:
        data_end = sessions["date"].max() if len(sessions) else None
    grid = pd.MultiIndex.from_product([plan.activities["activity_id"], QUARTERS], names=["activity_id", "quarter"])
    planned = (plan.quarters.groupby(["activity_id", "quarter"])[["planned_sessions", "planned_reach"]].sum(min_count=1)
               .reindex(grid).fillna(0.0))
    in_year = sessions[sessions["date"].dt.year == plan.year].copy()
    in_year["quarter"] = quarter_of(in_year["date"])
    in_year["reach"] = in_year["session_id"].map(session_reach(in_year, attendance))
    realised = (in_year.groupby(["activity_id", "quarter"])
                .agg(realised_sessions=("session_id", "size"), realised_reach=("reach", "sum"))
                .astype(float).reindex(grid).fillna(0.0))
    out = planned.join(realised).reset_index()
    status = quarter_status(plan.year, data_end)
    out["quarter_status"] = out["quarter"].map(status)
    future = out["quarter_status"] == "future"
    out.loc[future, ["realised_sessions", "realised_reach"]] = float("nan")
    out["sessions_share"] = out["realised_sessions"] / out["planned_sessions"].where(out["planned_sessions"] > 0)
    out["reach_share"] = out["realised_reach"] / out["planned_reach"].where(out["planned_reach"] > 0)
    return out


def paid_hours_now(paid_support: pd.DataFrame, *, as_of: pd.Timestamp) -> pd.Series:
    """Paid support hours per week per activity on ``as_of``: the sum of the periods that have started
    by then and not yet ended (an empty end means it still runs)."""
    current = paid_support[(paid_support["start"] <= as_of) & (paid_support["end"].isna() | (paid_support["end"] >= as_of))]
    return current.groupby("activity_id")["hours_per_week"].sum().astype(float)


def support_needed(plan: Plan, paid_support: pd.DataFrame, *, as_of: pd.Timestamp) -> pd.DataFrame:
    """"What would it take": per activity in the plan, the paid support hours per week the plan asks
    for against the hours that exist on ``as_of``; the difference is what is missing (negative: the
    plan asks for less than there is). A last row is the project leader for the whole Werkplaats,
    with the hours the plan asks for and the hours it says exist now.
    """
    now = paid_hours_now(paid_support, as_of=as_of)
    out = pd.DataFrame({
        "activity_id": plan.activities["activity_id"],
        "hours_asked": plan.activities["paid_support_hours_per_week"].fillna(0.0).astype(float),
    })
    out["hours_now"] = out["activity_id"].map(now).fillna(0.0)
    leader = plan.project_leader
    if leader.get("hours_asked"):
        out.loc[len(out)] = {"activity_id": "project_leader", "hours_asked": float(leader["hours_asked"]),
                             "hours_now": float(leader.get("hours_now") or 0.0)}
    out["hours_missing"] = out["hours_asked"] - out["hours_now"]
    return out.reset_index(drop=True)


def _last_months(table: pd.DataFrame, *, as_of: pd.Timestamp, months: int, skip: int = 0) -> pd.DataFrame:
    """Rows of a monthly table in the ``months`` months that end ``skip`` months before the month of ``as_of``."""
    end = as_of.to_period("M") - skip
    start = end - (months - 1)
    period = table["month"].dt.to_period("M")
    return table[(period >= start) & (period <= end)]


def continuity_panel(attendance: pd.DataFrame, sessions: pd.DataFrame, paid_support: pd.DataFrame, *,
                     activity_ids: list[str] | None = None, as_of: pd.Timestamp | None = None,
                     months: int = 6, window_days: int = 90) -> pd.DataFrame:
    """The continuity of each activity, measure by measure; every rule is in ``CONTINUITY_RULES``.

    One row per activity (``activity_ids``, default: every activity with sessions), with:

    - ``volunteers_recent`` / ``volunteers_before``: mean number of volunteers (roles volunteer and
      coordinator) per month over the last ``months`` months up to ``as_of``, and the ``months`` before;
      ``trend`` is 'down' when recent is below 80 % of before, 'up' above 120 %, else 'level'
      ('none' when both are 0);
    - ``retention`` and ``retention_base``: of everyone who started as a volunteer at this activity
      (in a quarter whose next quarter is in the data), the share still volunteering there the next
      quarter, and how many people that share is taken over;
    - ``key_person_factor``: the fewest volunteers who together did half of the volunteer turns
      (one person at one session = one turn) in the 12 months up to ``as_of``; 0 when nobody did any;
    - ``paid_hours_now``: paid support hours per week on ``as_of`` (``paid_hours_now``);
    - ``coordinated``: True when there are paid hours now, or someone took part as coordinator in
      the last ``window_days`` days.

    Uses the participation module's ``continuity``, ``retention_table`` and ``key_person_table``.
    """
    from werkplaats_data import participation

    if as_of is None:
        as_of = sessions["date"].max()
    sessions = sessions[sessions["date"] <= as_of]
    if activity_ids is None:
        activity_ids = sorted(sessions["activity_id"].unique())
    volunteers = attendance[attendance["role"].isin(participation.VOLUNTEER_ROLES)]

    monthly = participation.continuity(attendance, sessions, paid_support)
    recent = _last_months(monthly, as_of=as_of, months=months).groupby("activity_id")["volunteers"]
    before = _last_months(monthly, as_of=as_of, months=months, skip=months).groupby("activity_id")["volunteers"]
    # months an activity had not started yet are not in ``monthly``; they count as 0 volunteers
    volunteers_recent = recent.sum() / months
    volunteers_before = before.sum() / months

    retention = participation.retention_table(volunteers, sessions, period="Q", by="activity_id", with_size=True)
    next_quarter = retention[[1, "size"]].dropna() if 1 in retention.columns else pd.DataFrame(columns=[1, "size"])
    kept = (next_quarter[1] * next_quarter["size"]).groupby(level="activity_id").sum()
    base = next_quarter["size"].groupby(level="activity_id").sum()

    last_year = sessions[sessions["date"] > as_of - pd.DateOffset(years=1)]
    key = participation.key_person_table(volunteers, last_year, measure="sessions").set_index("activity_id")

    coordinators = attendance_in_window(attendance, sessions, as_of=as_of, days=window_days)
    coordinators = coordinators[coordinators["role"] == "coordinator"].groupby("activity_id").size()
    paid = paid_hours_now(paid_support, as_of=as_of)

    out = pd.DataFrame({"activity_id": activity_ids})
    out["volunteers_recent"] = out["activity_id"].map(volunteers_recent).fillna(0.0)
    out["volunteers_before"] = out["activity_id"].map(volunteers_before).fillna(0.0)
    out["trend"] = [_trend(r, b) for r, b in zip(out["volunteers_recent"], out["volunteers_before"])]
    out["retention_base"] = out["activity_id"].map(base).fillna(0).astype(int)
    out["retention"] = (out["activity_id"].map(kept) / out["retention_base"].where(out["retention_base"] > 0)).astype(float)
    out["key_person_factor"] = out["activity_id"].map(key["key_person_factor"]).fillna(0).astype(int)
    out["paid_hours_now"] = out["activity_id"].map(paid).fillna(0.0)
    out["coordinated"] = (out["paid_hours_now"] > 0) | (out["activity_id"].map(coordinators).fillna(0) > 0)
    return out


def _trend(recent: float, before: float) -> str:
    if recent == 0 and before == 0:
        return "none"
    if recent < 0.8 * before:
        return "down"
    if recent > 1.2 * before:
        return "up"
    return "level"


def attendance_in_window(attendance: pd.DataFrame, sessions: pd.DataFrame, *, as_of: pd.Timestamp,
                         days: int) -> pd.DataFrame:
    """Attendance at sessions in the ``days`` days up to and including ``as_of``, with the session's activity_id."""
    recent = sessions[(sessions["date"] <= as_of) & (sessions["date"] > as_of - pd.Timedelta(days=days))]
    return attendance.merge(recent[["session_id", "activity_id"]], on="session_id", how="inner")


#: Each continuity measure with its rule, as i18n keys (shown next to the result).
CONTINUITY_RULES = {
    "volunteers": "workplan.rule.volunteers",
    "retention": "workplan.rule.retention",
    "key_person_factor": "workplan.rule.key_person",
    "paid_hours_now": "workplan.rule.paid",
    "coordinated": "workplan.rule.coordinated",
}


def without_coordination(panel: pd.DataFrame, plan: Plan | None = None) -> pd.DataFrame:
    """Activities that run but have no coordination today: rows of ``panel`` with ``coordinated`` False
    and either volunteers in the recent months or status 'loopt' (running) in the plan."""
    running = panel["volunteers_recent"] > 0
    if plan is not None:
        planned_running = plan.activities.loc[plan.activities["status"] == "loopt", "activity_id"]
        running = running | panel["activity_id"].isin(planned_running)
    return panel[running & ~panel["coordinated"]].reset_index(drop=True)


# ---------------------------------------------------------------- the whole review


@dataclass(frozen=True)
class Review:
    """Everything the review shows: the checked plan and the four review tables, on one day ``as_of``."""

    plan: Plan
    as_of: pd.Timestamp
    demo: bool
    activities: pd.DataFrame
    progress: pd.DataFrame
    panel: pd.DataFrame
    uncoordinated: pd.DataFrame
    support: pd.DataFrame
    months: int = 6
    window_days: int = 90

    def name(self, activity_id: str, lang: str = "nl") -> str:
        """The activity's name in ``lang`` (the project leader and unknown ids as themselves)."""
        if activity_id == "project_leader":
            return t("workplan.project_leader", lang)
        column = "name_nl" if lang == "nl" else "name_en"
        names = dict(zip(self.activities["activity_id"], self.activities[column]))
        return names.get(activity_id) or activity_id

    @property
    def missing_project_leader(self) -> bool:
        """True when the plan asks for a project leader and there are no hours for one now."""
        leader = self.plan.project_leader
        return bool(leader.get("hours_asked")) and not leader.get("hours_now")


def review(plan: Plan, release, *, as_of: pd.Timestamp | None = None, months: int = 6, window_days: int = 90) -> Review:
    """Review ``plan`` against a release: unknown activities go to the problems, the rest is compared.

    ``as_of`` (default: the last session date in the release) is the day "now" refers to.
    """
    plan = check_activities(plan, release.activities)
    sessions, attendance, paid = release.sessions, release.attendance, release.paid_support
    if as_of is None:
        as_of = sessions["date"].max() if len(sessions) else pd.Timestamp.today().normalize()
    ids = list(plan.activities["activity_id"])
    panel = continuity_panel(attendance, sessions, paid, activity_ids=ids, as_of=as_of, months=months,
                             window_days=window_days)
    return Review(
        plan=plan, as_of=as_of, demo=bool(release.is_demo or plan.demo), activities=release.activities,
        progress=planned_vs_realised(plan, sessions, attendance, data_end=as_of),
        panel=panel, uncoordinated=without_coordination(panel, plan),
        support=support_needed(plan, paid, as_of=as_of), months=months, window_days=window_days,
    )


# ---------------------------------------------------------------- tables and charts for people


def _count(value: float, *, public: bool, lang: str) -> str:
    """A count of people for display; in public output below 10 is hidden and the rest rounded to 5."""
    from werkplaats_data.privacy import small_cell

    if pd.isna(value):
        return ""
    if public:
        value = small_cell(pd.DataFrame({"n": [round(float(value))]}), "n")["n"].iloc[0]
        if pd.isna(value):
            return t("workplan.suppressed", lang)
    return format_number(float(value), lang)


def format_number(value: float, lang: str = "nl", decimals: int = 0) -> str:
    """Shortcut for ``i18n.format_number``; NaN as an empty string."""
    from werkplaats_data.i18n import format_number as fmt

    return "" if pd.isna(value) else fmt(value, lang, decimals)


def plan_table(rv: Review, *, lang: str = "nl") -> pd.DataFrame:
    """The plan per activity as people read it; owners only as role or initial (``public_owner``)."""
    a = rv.plan.activities
    return pd.DataFrame({
        t("workplan.col.activity", lang): [rv.name(x, lang) for x in a["activity_id"]],
        t("workplan.col.owner", lang): [public_owner(o, r) for o, r in zip(a["owner"], a["owner_role"])],
        t("workplan.col.plan_status", lang): [t(f"workplan.plan_status.{s}", lang) if s else "" for s in a["status"]],
        t("workplan.col.volunteers_needed", lang): [format_number(v, lang) for v in a["volunteers_needed"]],
        t("workplan.col.paid_support_hours_per_week", lang): [format_number(v, lang, 1) for v in a["paid_support_hours_per_week"]],
        t("workplan.col.budget_eur", lang): [format_number(v, lang) for v in a["budget_eur"]],
        t("workplan.col.risks", lang): ["; ".join(r) for r in a["risks"]],
    })


def progress_table(rv: Review, *, lang: str = "nl", public: bool = True) -> pd.DataFrame:
    """Planned against realised per activity and quarter, as people read it.

    Realised reach is a count of visits; in public output it follows the small-cell rule.
    """
    p = rv.progress
    return pd.DataFrame({
        t("workplan.col.activity", lang): [rv.name(x, lang) for x in p["activity_id"]],
        t("workplan.col.quarter", lang): p["quarter"],
        t("workplan.col.quarter_status", lang): [t(f"workplan.quarter_status.{s}", lang) for s in p["quarter_status"]],
        t("workplan.col.planned_sessions", lang): [format_number(v, lang) for v in p["planned_sessions"]],
        t("workplan.col.realised_sessions", lang): [format_number(v, lang) for v in p["realised_sessions"]],
        t("workplan.col.planned_reach", lang): [format_number(v, lang) for v in p["planned_reach"]],
        t("workplan.col.realised_reach", lang): [_count(v, public=public, lang=lang) for v in p["realised_reach"]],
    })


def panel_table(rv: Review, activity_id: str, *, lang: str = "nl", public: bool = True) -> pd.DataFrame:
    """The continuity panel of one activity: measure, result, and the rule in words next to it.

    In public output counts of people below 10 are hidden, others rounded to 5, and the retention
    share is shown only on a base of 10 people or more.
    """
    from werkplaats_data.privacy import safe_share

    row = rv.panel.set_index("activity_id").loc[activity_id]
    volunteers = t("workplan.volunteers_result", lang,
                   recent=_count(row["volunteers_recent"], public=public, lang=lang) or "0",
                   before=_count(row["volunteers_before"], public=public, lang=lang) or "0",
                   trend=t(f"workplan.trend.{row['trend']}", lang))
    share = row["retention"]
    if public:
        share = safe_share(row["retention"] * row["retention_base"], row["retention_base"]) if row["retention_base"] else None
    retention = (t("workplan.retention_result", lang, pct=round(100 * share), base=_count(row["retention_base"], public=public, lang=lang))
                 if share is not None and pd.notna(share) else t("workplan.too_few", lang))
    date = _date_text(rv.as_of, lang)
    rows = [
        ("volunteers", volunteers, t("workplan.rule.volunteers", lang, months=rv.months)),
        ("retention", retention, t("workplan.rule.retention", lang)),
        ("key_person", format_number(row["key_person_factor"], lang), t("workplan.rule.key_person", lang)),
        ("paid", format_number(row["paid_hours_now"], lang, 1), t("workplan.rule.paid", lang, date=date)),
        ("coordinated", t("workplan.yes" if row["coordinated"] else "workplan.no", lang),
         t("workplan.rule.coordinated", lang, days=rv.window_days)),
    ]
    return pd.DataFrame([(t(f"workplan.measure.{m}", lang), result, rule) for m, result, rule in rows],
                        columns=[t("workplan.col.measure", lang), t("workplan.col.result", lang), t("workplan.col.rule", lang)])


def support_table(rv: Review, *, lang: str = "nl") -> pd.DataFrame:
    """"What would it take" as people read it: hours asked, hours now, hours missing per activity."""
    s = rv.support
    return pd.DataFrame({
        t("workplan.col.activity", lang): [rv.name(x, lang) for x in s["activity_id"]],
        t("workplan.col.hours_asked", lang): [format_number(v, lang, 1) for v in s["hours_asked"]],
        t("workplan.col.hours_now", lang): [format_number(v, lang, 1) for v in s["hours_now"]],
        t("workplan.col.hours_missing", lang): [format_number(v, lang, 1) for v in s["hours_missing"]],
    })


def _date_text(value: pd.Timestamp, lang: str) -> str:
    from werkplaats_data.i18n import format_date

    return format_date(value, lang)


def progress_chart(rv: Review, *, source: str, lang: str = "nl"):
    """Bars of sessions planned and held so far (quarters that have started) per activity.

    The title counts the activities that held at least as many sessions as planned so far.
    """
    import altair as alt

    from werkplaats_data.charts import with_source

    started = rv.progress[rv.progress["quarter_status"] != "future"]
    totals = started.groupby("activity_id")[["planned_sessions", "realised_sessions"]].sum().reindex(
        rv.plan.activities["activity_id"]).fillna(0)
    on_track = int((totals["realised_sessions"] >= totals["planned_sessions"]).sum())
    long = totals.reset_index().melt("activity_id", var_name="kind", value_name="sessions")
    long["activity"] = [rv.name(x, lang) for x in long["activity_id"]]
    planned, realised = t("workplan.chart.planned", lang), t("workplan.chart.realised", lang)
    long["kind"] = long["kind"].map({"planned_sessions": planned, "realised_sessions": realised})
    title = t("workplan.chart.progress_title", lang, n=on_track, total=len(totals))
    chart = alt.Chart(long, title=title).mark_bar().encode(
        y=alt.Y("activity:N", title=None, sort=None),
        yOffset=alt.YOffset("kind:N", sort=[planned, realised]),
        x=alt.X("sessions:Q", title=t("workplan.chart.sessions", lang)),
        color=alt.Color("kind:N", title=None, sort=[planned, realised],
                        scale=alt.Scale(range=["#B8C4CE", "#0072B2"]), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("activity:N", title=t("workplan.col.activity", lang)), alt.Tooltip("kind:N", title=" "),
                 alt.Tooltip("sessions:Q", title=t("workplan.chart.sessions", lang))],
    ).properties(width=460)
    return with_source(chart, source)


def support_chart(rv: Review, *, source: str, lang: str = "nl"):
    """Bars of paid support hours per week: asked in the plan against there now, per activity and the project leader."""
    import altair as alt

    from werkplaats_data.charts import with_source

    s = rv.support
    asked, now = t("workplan.chart.asked", lang), t("workplan.chart.now", lang)
    long = s.melt("activity_id", value_vars=["hours_asked", "hours_now"], var_name="kind", value_name="hours")
    long["kind"] = long["kind"].map({"hours_asked": asked, "hours_now": now})
    long["activity"] = [rv.name(x, lang) for x in long["activity_id"]]
    title = t("workplan.chart.support_title", lang, asked=format_number(s["hours_asked"].sum(), lang),
              now=format_number(s["hours_now"].sum(), lang))
    chart = alt.Chart(long, title=title).mark_bar().encode(
        y=alt.Y("activity:N", title=None, sort=None),
        yOffset=alt.YOffset("kind:N", sort=[asked, now]),
        x=alt.X("hours:Q", title=t("workplan.chart.hours", lang)),
        color=alt.Color("kind:N", title=None, sort=[asked, now], scale=alt.Scale(range=["#E69F00", "#009E73"]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("activity:N", title=t("workplan.col.activity", lang)), alt.Tooltip("kind:N", title=" "),
                 alt.Tooltip("hours:Q", title=t("workplan.chart.hours", lang))],
    ).properties(width=460)
    return with_source(chart, source)
