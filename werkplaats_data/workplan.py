"""The work plan as data, and its review against the release.

The 2025 working group writes its plan in a YAML file or in the spreadsheet template (same fields,
Dutch names, see ``data/workplan/demo_2025.yaml``). ``read_plan(path)`` turns either into a ``Plan``;
whatever is wrong in it (a missing owner, a quarter written as "najaar" or twice, a misspelled key,
a number that is not a number, a figure left empty) becomes a line in ``plan.problems`` — a "to fix
in the plan" list — and the rest of the plan is still used; what could not be read stays unknown,
never a silent 0.

The review functions compare the plan with the release:

- ``planned_vs_realised``: sessions and reach per activity and quarter, planned against realised;
- ``continuity_panel``: per activity the volunteer trend, retention, key-person factor and paid support
  hours, each with its rule in words next to the result (descriptive, no overall score);
- ``without_coordination``: running activities that have no coordination today;
- ``support_needed``: the support hours per week the plan asks for against what exists.

Owners are the group's own planning information: ``public_owner`` gives what a public report may
print (the role, with every name left out), ``Review.public_text`` the plan's free text with the
owners' names replaced.
"""

from __future__ import annotations

import difflib
import html
import os
import re
from dataclasses import dataclass, field, replace
from importlib.resources import files
from pathlib import Path

import pandas as pd
import yaml

from werkplaats_data import i18n, participation, yamlfile
from werkplaats_data.errors import UserError, message
from werkplaats_data.i18n import format_date, t
from werkplaats_data.privacy import MIN_CELL, count_text, safe_count, safe_share
from werkplaats_data.redaction import NAME_PARTICLES

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
#: Where a problem is: a field as the plan names it ('jaar'), or a place in words (``_place``: the
#: i18n key ``workplan.where.<name>`` and its values, 'regel 3' in Dutch, 'line 3' in English).
Place = str | tuple[str, dict]


#: Environment variable that carries the plan file to the dashboard's kernel (``workplan dashboard --plan``).
PLAN_ENV = "WERKPLAATS_PLAN"


def plan_file(path: str | Path | None = None) -> Path:
    """The plan to review: ``path``, else the file in ``WERKPLAATS_PLAN``, else the demo plan."""
    chosen = path or os.environ.get(PLAN_ENV)
    return Path(chosen).expanduser() if chosen else demo_plan_path()


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
    year: int | None
    demo: bool
    goals: list[str]
    project_leader: dict
    activities: pd.DataFrame
    quarters: pd.DataFrame
    problems: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PROBLEM_COLUMNS))

    def problem_texts(self, lang: str = "nl") -> list[str]:
        """Each thing to fix in the plan as one sentence: where it is, what is wrong, what to do."""
        return [f"{place_text(row.where, lang)}: {t(row.key, lang, **row.values)}" for row in self.problems.itertuples()]


# ---------------------------------------------------------------- reading


def read_plan(path: str | Path) -> Plan:
    """Read a work plan from YAML (.yaml/.yml) or the spreadsheet template (.xlsx).

    A file that cannot be read at all raises ``UserError``; mistakes inside the plan become
    ``plan.problems`` and the rest of the plan is kept.
    """
    path = Path(path)
    if not path.exists():
        raise UserError(message("workplan.error.no_file", path=path, example=demo_plan_path()))
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        data, found = read_yaml(path)
    elif suffix == ".xlsx":
        data, found = workbook_to_dict(path)
    else:
        raise UserError(message("workplan.error.file_type", name=path.name))
    if not isinstance(data, dict):
        raise UserError(message("workplan.error.shape", name=path.name, example=demo_plan_path().name))
    return plan_from_dict(data, found=found)


def read_yaml(path: Path) -> tuple[object, list[dict]]:
    """The YAML plan file as Python data, and a problem for every key written twice in one block
    (the first is kept, where plain YAML would silently keep the last)."""
    try:
        data, repeated = yamlfile.load(path.read_text(encoding="utf-8"), keep_first=True)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        example = demo_plan_path().name
        text = (message("workplan.error.yaml_line", name=path.name, line=mark.line + 1, example=example) if mark
                else message("workplan.error.yaml", name=path.name, example=example))
        raise UserError(text) from err
    found = [_problem(_place("line", line=line), "key_twice", field=key) for key, line in repeated]
    return data, found


#: Sheets of the spreadsheet template and their columns (Dutch, as in the YAML file).
SHEET_PLAN = "plan"
SHEET_GOALS = "doelen"
SHEET_ACTIVITIES = "activiteiten"
SHEET_QUARTERS = "kwartalen"
ACTIVITY_SHEET_COLUMNS = ["activiteit", "eigenaar", "rol_eigenaar", "status", *NUMBER_FIELDS, "risicos"]
QUARTER_SHEET_COLUMNS = ["activiteit", "kwartaal", *QUARTER_FIELDS]
LEADER_FIELDS = ("rol", "betaalde_uren_per_week", "nu_uren_per_week")
#: The keys a plan knows, per level (the same in YAML and in the spreadsheet).
TOP_KEYS = ("titel", "jaar", "voorbeeld", "doelen", "projectleider", "activiteiten")
ACTIVITY_KEYS = (*ACTIVITY_SHEET_COLUMNS, "per_kwartaal")
PLAN_SHEET_FIELDS = ("titel", "jaar", "voorbeeld", *(f"projectleider_{f}" for f in LEADER_FIELDS))
#: Words people write for a key, with the key they mean (English names, other Dutch words).
KEY_SYNONYMS = {
    "sessies": "bijeenkomsten", "sessions": "bijeenkomsten", "bijeenkomst": "bijeenkomsten", "reach": "bereik",
    "bezoekers": "bereik", "owner": "eigenaar", "trekker": "eigenaar", "role": "rol_eigenaar", "rol": "rol_eigenaar",
    "risks": "risicos", "risico's": "risicos", "risico": "risicos", "budget": "budget_euro", "year": "jaar",
    "title": "titel", "goals": "doelen", "activities": "activiteiten", "quarters": "per_kwartaal",
    "kwartalen": "per_kwartaal", "vrijwilligers": "vrijwilligers_nodig", "uren": "betaalde_uren_per_week",
    "activity": "activiteit", "quarter": "kwartaal",
}


def _problem(where: Place, name: str, /, **values) -> dict:
    """One thing to fix: where it is (a field as the plan names it, or a ``_place``), the i18n key
    ``workplan.problem.<name>`` and the values for its text."""
    return {"where": where, "key": f"workplan.problem.{name}", "values": values}


def _place(name: str, /, **values) -> tuple[str, dict]:
    """A place in the plan said in words (line 3, sheet 'plan', activity 2 …): the i18n key
    ``workplan.where.<name>`` and the values for its text."""
    return f"workplan.where.{name}", values


def place_text(where: Place, lang: str = "nl") -> str:
    """Where a problem is, in ``lang``: a field as the plan names it ('jaar'), or a ``_place`` in words."""
    if isinstance(where, str):
        return where
    key, values = where
    return t(key, lang, **values)


def suggest_key(key, allowed) -> str | None:
    """The known key someone most likely meant by ``key`` ('vrijwiligers_nodig' → 'vrijwilligers_nodig',
    'sessies' → 'bijeenkomsten'), or None."""
    text = str(key).strip().lower()
    meant = KEY_SYNONYMS.get(text)
    if meant in allowed:
        return meant
    close = difflib.get_close_matches(text, list(allowed), n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_keys(block: dict, allowed, where: Place) -> list[dict]:
    """A problem for every key of ``block`` that is not in ``allowed``, with a 'did you mean …' when one is close."""
    out = []
    for key in block:
        if key in allowed:
            continue
        meant = suggest_key(key, allowed)
        out.append(_problem(where, "unknown_key_meant", field=key, meant=meant) if meant
                   else _problem(where, "unknown_key", field=key, allowed=", ".join(allowed)))
    return out


def _cell(value):
    """A spreadsheet cell: None when empty, text stripped, whole numbers as int."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _sheet_rows(frame: pd.DataFrame, allowed, sheet: str) -> tuple[list[tuple[int, dict]], list[dict]]:
    """The non-empty rows of a sheet as (spreadsheet row number, {column: value}) with headers as written
    in lower case, and a problem for each unknown column (its values are left out)."""
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    found = unknown_keys({c: None for c in frame.columns if not c.startswith("unnamed:")}, allowed, _place("sheet", sheet=sheet))
    rows = []
    for number, (_, row) in enumerate(frame.iterrows(), start=2):
        entry = {c: _cell(row.get(c)) for c in allowed}
        if any(v is not None for v in entry.values()):
            rows.append((number, entry))
    return rows, found


def workbook_to_dict(path: Path) -> tuple[dict, list[dict]]:
    """The spreadsheet template read into the same structure as the YAML file, and what is wrong in its shape.

    Sheets: 'plan' (veld, waarde: titel, jaar, voorbeeld, projectleider_…), 'doelen' (one goal per
    row), 'activiteiten' (one activity per row; risks one per line in the cell) and 'kwartalen'
    (one row per activity and quarter, kept as a list so a quarter entered twice is seen as such).
    Headers count whatever their letter case; an unknown column or field is a problem.
    """
    try:
        sheets = pd.read_excel(path, sheet_name=None, dtype=object)
    except Exception as err:  # openpyxl raises many kinds for a damaged file
        raise UserError(message("workplan.error.not_a_spreadsheet", name=path.name, error=err)) from err
    sheets = {str(name).strip().lower(): frame for name, frame in sheets.items()}
    missing = [s for s in (SHEET_PLAN, SHEET_ACTIVITIES, SHEET_QUARTERS) if s not in sheets]
    if missing:
        raise UserError(message("workplan.error.missing_sheet", name=path.name, sheets=", ".join(missing), template=template_path().name))

    plan_rows, found = _sheet_rows(sheets[SHEET_PLAN], ("veld", "waarde"), SHEET_PLAN)
    fields = {str(r["veld"]).strip().lower(): r["waarde"] for _, r in plan_rows if r["veld"] is not None}
    found += unknown_keys(fields, PLAN_SHEET_FIELDS, _place("sheet", sheet=SHEET_PLAN))
    data = {"titel": fields.get("titel"), "jaar": fields.get("jaar"),
            "voorbeeld": str(fields.get("voorbeeld", "")).strip().lower() in ("true", "ja", "1"),
            "projectleider": {f: fields[f"projectleider_{f}"] for f in LEADER_FIELDS if f"projectleider_{f}" in fields}}
    goals = sheets.get(SHEET_GOALS)
    data["doelen"] = [str(g) for g in map(_cell, goals.iloc[:, 0]) if g] if goals is not None and goals.shape[1] else []

    rows, more = _sheet_rows(sheets[SHEET_ACTIVITIES], ACTIVITY_SHEET_COLUMNS, SHEET_ACTIVITIES)
    found += more
    data["activiteiten"], blocks = [], {}
    for _, entry in rows:
        risks = entry.pop("risicos")
        entry["risicos"] = [r.strip() for r in str(risks).splitlines() if r.strip()] if risks else []
        entry["per_kwartaal"] = []
        data["activiteiten"].append(entry)
        blocks.setdefault(str(entry["activiteit"] or "").strip().casefold(), entry)
    rows, more = _sheet_rows(sheets[SHEET_QUARTERS], QUARTER_SHEET_COLUMNS, SHEET_QUARTERS)
    found += more
    for _, row in rows:
        activity = str(row.pop("activiteit") or "").strip()
        entry = blocks.get(activity.casefold())
        if entry is None:  # quarters for an activity without a row: keep them visible as their own block
            entry = blocks[activity.casefold()] = {"activiteit": activity, "per_kwartaal": []}
            data["activiteiten"].append(entry)
        entry["per_kwartaal"].append(row)
    return data, found


def quarter_entries(per_quarter) -> list[tuple[object, object]]:
    """(label, figures) for each quarter of an activity, from the YAML form ({Q1: {…}}) or the
    spreadsheet form ([{kwartaal: Q1, …}]); anything else gives no entries."""
    if isinstance(per_quarter, dict):
        return list(per_quarter.items())
    if isinstance(per_quarter, list):
        return [(row.get("kwartaal"), {k: v for k, v in row.items() if k != "kwartaal"}) if isinstance(row, dict)
                else (row, None) for row in per_quarter]
    return []


def write_workbook(data: dict, path: Path) -> Path:
    """Write a plan (the YAML structure) as the spreadsheet template; ``workbook_to_dict`` reads it back.

    A quarter that is not a block of figures (``Q1: 3``) gets a row with empty figures, which the
    plan check then lists as missing.
    """
    leader = data.get("projectleider") or {}
    plan_rows = [("titel", data.get("titel")), ("jaar", data.get("jaar")), ("voorbeeld", bool(data.get("voorbeeld")))]
    plan_rows += [(f"projectleider_{f}", leader.get(f)) for f in LEADER_FIELDS]
    activities, quarters = [], []
    for entry in data.get("activiteiten") or []:
        activities.append({c: ("\n".join(entry.get(c) or []) if c == "risicos" else entry.get(c)) for c in ACTIVITY_SHEET_COLUMNS})
        for label, figures in quarter_entries(entry.get("per_kwartaal")):
            figures = figures if isinstance(figures, dict) else {}
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
        return None if pd.isna(value) else float(value)
    text = str(value).replace("€", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", text):  # Dutch thousands: 1.200
        text = text.replace(".", "")
    text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        return None


def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def plan_from_dict(data: dict, *, found: list[dict] = ()) -> Plan:
    """Check a plan given as a dict (the YAML structure) and build a ``Plan``; problems are collected, not raised.

    ``found`` are problems already seen while reading the file (a key twice, an unknown column).
    Every key is checked against the known ones; a number that is not a number, a figure left
    empty and a quarter that is not a block of figures are problems and stay unknown (NaN), never 0.
    """
    problems: list[dict] = list(found)

    def problem(where: Place, name: str, /, **values) -> None:
        problems.append(_problem(where, name, **values))

    def figure(where: Place, block: dict, key: str, *, required: bool = True, default=float("nan")) -> float:
        """A number of 0 or more from ``block[key]``; a problem and NaN when it is not one (or missing)."""
        raw = block.get(key)
        if _empty(raw):
            if required:
                problem(where, "figure_missing", field=key)
            return float("nan") if required else default
        number = _number(raw)
        if number is None or number < 0:
            problem(where, "number", field=key, value=raw)
            return float("nan")
        return number

    problems += unknown_keys(data, TOP_KEYS, "plan")
    year = _number(data.get("jaar")) if not _empty(data.get("jaar")) else None
    if _empty(data.get("jaar")):
        problem("jaar", "no_year")
    elif year is None or not year.is_integer() or not 2000 <= year <= 2100:
        problem("jaar", "year", value=data.get("jaar"))
        year = None
    title = str(data.get("titel") or "").strip()
    if not title:
        problem("titel", "no_title")
    goals = data.get("doelen") or []
    goals = [str(g).strip() for g in (goals if isinstance(goals, list) else [goals]) if not _empty(g)]
    if not goals:
        problem("doelen", "no_goals")

    leader = data.get("projectleider")
    hours_asked, hours_now, role = 0.0, 0.0, ""
    if leader is not None and not isinstance(leader, dict):
        problem("projectleider", "leader")
    elif leader and not all(_empty(v) for v in leader.values()):
        problems.extend(unknown_keys(leader, LEADER_FIELDS, "projectleider"))
        role = str(leader.get("rol") or "").strip()
        hours_asked = figure("projectleider", leader, "betaalde_uren_per_week")
        hours_now = figure("projectleider", leader, "nu_uren_per_week", required=False, default=0.0)
    project_leader = {"role": role, "hours_asked": hours_asked, "hours_now": hours_now}

    activity_rows, quarter_rows = [], []
    entries = data.get("activiteiten")
    if not isinstance(entries, list) or not entries:
        problem("activiteiten", "no_activities")
        entries = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        where = _place("activity", index=index)
        if not isinstance(entry, dict):
            problem(where, "not_a_block")
            continue
        activity_id = str(entry.get("activiteit") or "").strip()
        if not activity_id:
            problem(where, "no_activity_id")
            continue
        where = _place("activity_id", index=index, activity=activity_id)
        if activity_id.casefold() in seen:
            problem(where, "duplicate", activity=activity_id)
            continue
        seen.add(activity_id.casefold())
        problems.extend(unknown_keys(entry, ACTIVITY_KEYS, where))
        owner, owner_role = str(entry.get("eigenaar") or "").strip(), str(entry.get("rol_eigenaar") or "").strip()
        if not owner:
            problem(where, "no_owner")
        elif not owner_role and not is_group(owner):
            problem(where, "no_role")
        status = str(entry.get("status") or "").strip().lower()
        if status not in STATUSES:
            problem(where, "status", value=entry.get("status"), allowed=", ".join(STATUSES))
            status = ""
        row = {"activity_id": activity_id, "owner": owner, "owner_role": owner_role, "status": status}
        for dutch, english in NUMBER_FIELDS.items():
            row[english] = figure(where, entry, dutch, required=False)
        risks = entry.get("risicos") or []
        row["risks"] = [str(r) for r in (risks if isinstance(risks, list) else [risks]) if not _empty(r)]
        activity_rows.append(row)

        per_quarter = entry.get("per_kwartaal") or {}
        if not isinstance(per_quarter, (dict, list)):
            problem(where, "quarters_shape")
        labels: dict[str, object] = {}
        for label, figures in quarter_entries(per_quarter):
            quarter = parse_quarter(label)
            if quarter is None:
                problem(where, "quarter", value=label)
                continue
            in_quarter = _place("activity_quarter", index=index, activity=activity_id, quarter=quarter)
            if quarter in labels:
                if str(labels[quarter]).strip() == str(label).strip():
                    problem(in_quarter, "quarter_twice_same", quarter=quarter)
                else:
                    problem(in_quarter, "quarter_twice", quarter=quarter, first=labels[quarter], second=label)
                continue
            labels[quarter] = label
            qrow = {"activity_id": activity_id, "quarter": quarter}
            if _empty(figures) or figures == {}:
                problem(in_quarter, "quarter_empty", quarter=quarter)
                figures = {}
            elif not isinstance(figures, dict):
                problem(in_quarter, "quarter_not_block", quarter=quarter, value=figures)
                figures = {}
            else:
                problems.extend(unknown_keys(figures, QUARTER_FIELDS, in_quarter))
            for dutch, english in QUARTER_FIELDS.items():
                qrow[english] = figure(in_quarter, figures, dutch, required=bool(figures))
            quarter_rows.append(qrow)

    return Plan(
        title=title or "Werkplan",
        year=int(year) if year is not None else None,
        demo=bool(data.get("voorbeeld", False)),
        goals=goals,
        project_leader=project_leader,
        activities=pd.DataFrame(activity_rows, columns=ACTIVITY_COLUMNS),
        quarters=pd.DataFrame(quarter_rows, columns=QUARTER_COLUMNS),
        problems=pd.DataFrame(problems, columns=PROBLEM_COLUMNS),
    )


def _with_problems(plan: Plan, extra: list[dict], **changes) -> Plan:
    """A copy of ``plan`` with more problems (and other fields changed)."""
    problems = pd.concat([plan.problems, pd.DataFrame(extra, columns=PROBLEM_COLUMNS)], ignore_index=True) if extra else plan.problems
    return replace(plan, problems=problems, **changes)


def check_activities(plan: Plan, activities: pd.DataFrame) -> Plan:
    """The plan with its activities matched to the data's: an activity written as its code or its name in
    any letter case ('Textiel', 'Repair Café') is that activity; one the data does not know becomes a problem
    and is left out (with 'did you mean …' when a code is close)."""
    lookup: dict[str, str] = {}
    for column in ("name_en", "name_nl", "activity_id"):  # codes win over names
        if column in activities:
            lookup.update({str(v).strip().casefold(): a for v, a in zip(activities[column], activities["activity_id"]) if pd.notna(v)})
    known = sorted(activities["activity_id"])
    mapping, extra, seen = {}, [], set()
    for written in plan.activities["activity_id"]:
        code = lookup.get(written.strip().casefold())
        if code is None:
            close = difflib.get_close_matches(written.strip().casefold(), list(lookup), n=1, cutoff=0.75)
            meant = lookup[close[0]] if close else None
            extra.append(_problem(_place("activity_written", activity=written),
                                  "unknown_activity_meant" if meant else "unknown_activity",
                                  activity=written, meant=meant, known=", ".join(known)))
        elif code in seen:
            extra.append(_problem(_place("activity_written", activity=written), "duplicate", activity=written))
        else:
            seen.add(code)
            mapping[written] = code
    keep = plan.activities["activity_id"].isin(list(mapping))
    acts = plan.activities[keep].assign(activity_id=lambda d: d["activity_id"].map(mapping)).reset_index(drop=True)
    quarters = plan.quarters[plan.quarters["activity_id"].isin(list(mapping))]
    quarters = quarters.assign(activity_id=quarters["activity_id"].map(mapping)).reset_index(drop=True)
    return _with_problems(plan, extra, activities=acts, quarters=quarters)


def with_year(plan: Plan, as_of: pd.Timestamp) -> Plan:
    """The plan with a year: its own, or when it has none (missing or not a year) the year of ``as_of``,
    the last day of the data, which the to-fix list then says."""
    if plan.year is not None:
        return plan
    return _with_problems(plan, [_problem("jaar", "year_from_data", year=as_of.year)], year=int(as_of.year))


#: First words of an owner that is a group or a role rather than a person ("werkgroep exposities").
GROUP_WORDS = frozenset({"werkgroep", "groep", "team", "commissie", "bestuur", "kerngroep", "vrijwilligers",
                         "vrijwilliger", "coördinator", "coordinator", "community", "projectleider", "stichting",
                         "gemeente", "bewoners", "iedereen", "niemand", "vacature", "onbekend", "group", "board",
                         "volunteers", "volunteer", "nobody", "vacancy"})
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def name_words(text: str) -> list[str]:
    """The words of a name that could identify someone: letters only, two or more, no particles."""
    return [w for w in _WORD.findall(text or "") if len(w) > 1 and w.casefold() not in NAME_PARTICLES]


def is_group(owner: str) -> bool:
    """True when the owner is a group or a role ('team Wij(k) Vergroenen', 'community builder'), i.e. its
    first word (after de/het …) is one of ``GROUP_WORDS``; otherwise the owner is a person."""
    words = [w for w in _WORD.findall(owner or "") if w.casefold() not in NAME_PARTICLES]
    return bool(words) and words[0].casefold() in GROUP_WORDS


def owner_names(owner: str, *, not_names=frozenset()) -> set[str]:
    """The words of an owner that are a person's name, to keep out of public output.

    A person ('Amina', 'Karim de Vries'): every word except particles. A group ('team Noor',
    'community builder'): only its capitalised words after the first ('Noor'). Words in
    ``not_names`` (the activities' own names, e.g. 'Textiel', 'Vergroenen') are never names.
    """
    skip = {w.casefold() for w in not_names} | GROUP_WORDS
    words = name_words(owner)
    if is_group(owner):
        words = [w for w in words[1:] if w[0].isupper()]
    return {w for w in words if w.casefold() not in skip}


def activity_words(activities: pd.DataFrame | None) -> set[str]:
    """Every word of the activities' ids and Dutch and English names (never taken for a person's name)."""
    if activities is None:
        return set()
    texts = [str(v) for c in ("activity_id", "name_nl", "name_en") if c in activities for v in activities[c].dropna()]
    return {w for text in texts for w in _WORD.findall(text.replace("_", " "))}


def plan_names(plan: Plan, activities: pd.DataFrame | None = None) -> set[str]:
    """Every name word of every owner in the plan (``owner_names``)."""
    not_names = activity_words(activities)
    return {w for owner in plan.activities["owner"] for w in owner_names(owner, not_names=not_names)}


def remove_names(text: str, names, *, placeholder: str = "") -> str:
    """``text`` with each of ``names`` (whole words, any letter case; a run of names with particles such
    as 'Karim de Vries' at once) replaced by ``placeholder``; with no placeholder the name is left out
    and the spaces, commas and brackets around it tidied."""
    names = sorted({n for n in names if n}, key=len, reverse=True)
    if not text or not names:
        return text or ""
    name = f"(?:{'|'.join(re.escape(n) for n in names)})"
    particle = f"(?:{'|'.join(re.escape(p) for p in sorted(NAME_PARTICLES, key=len, reverse=True))})"
    # a whole name at once, with the particles inside it and before it: "Karim de Vries", "de Wit"
    pattern = rf"(?<!\w)(?:{particle}\s+)*{name}(?:\s+(?:{particle}\s+)*{name})*(?!\w)"
    out = re.sub(pattern, placeholder, text, flags=re.IGNORECASE)
    if not placeholder:
        out = re.sub(r"\(\s*[,;&]?\s*\)", "", out)
        out = re.sub(r"\s+([,;)])", r"\1", re.sub(r"\(\s+", "(", re.sub(r"\s{2,}", " ", out)))
        out = re.sub(r"([,;&])(\s*[,;&])+", r"\1", out).strip(" ,;&-–")
    return out


def public_owner(owner: str, role: str = "", *, names=None) -> str:
    """What a public report may say about who leads an activity: the role, with every name left out.

    ``names`` are the name words to leave out (default: the owner's own). 'Amina' with role
    'coördinator Amina' → 'coördinator'; a group without a role ('werkgroep exposities') → the group;
    a person without a role → '' (the plan check asks for a role). No initials: they would be made up
    for a group and identifying for a person.
    """
    owner, role = (owner or "").strip(), (role or "").strip()
    names = owner_names(owner) if names is None else names
    if role:
        return remove_names(role, names)
    return remove_names(owner, names) if is_group(owner) else ""


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
    as 0; a figure the plan gives but not as a number stays unknown (NaN). Realised sessions are the sessions of that activity dated in the quarter; realised reach is
    the sum of ``session_reach``. ``data_end`` (default: the last session date) decides the quarter
    status: 'future' quarters have no realised figures (NaN), 'running' quarters are not complete yet.
    ``sessions_share`` and ``reach_share`` are realised / planned (NaN when nothing was planned).
    A plan without a year is taken for the year of ``data_end`` (``with_year``, as ``review`` does).
    """
    if data_end is None:
        data_end = sessions["date"].max() if len(sessions) else None
    year = with_year(plan, pd.Timestamp.today() if data_end is None else data_end).year
    grid = pd.MultiIndex.from_product([plan.activities["activity_id"], QUARTERS], names=["activity_id", "quarter"])
    planned = (plan.quarters.groupby(["activity_id", "quarter"])[["planned_sessions", "planned_reach"]].sum(min_count=1)
               .reindex(grid, fill_value=0.0))
    in_year = sessions[sessions["date"].dt.year == year].copy()
    in_year["quarter"] = quarter_of(in_year["date"])
    in_year["reach"] = in_year["session_id"].map(session_reach(in_year, attendance))
    realised = (in_year.groupby(["activity_id", "quarter"])
                .agg(realised_sessions=("session_id", "size"), realised_reach=("reach", "sum"))
                .astype(float).reindex(grid).fillna(0.0))
    out = planned.join(realised).reset_index()
    status = quarter_status(year, data_end)
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
    with the hours the plan asks for and the hours it says exist now (NaN when the plan has them,
    but not as a number).
    """
    now = paid_hours_now(paid_support, as_of=as_of)
    out = pd.DataFrame({
        "activity_id": plan.activities["activity_id"],
        "hours_asked": plan.activities["paid_support_hours_per_week"].fillna(0.0).astype(float),
    })
    out["hours_now"] = out["activity_id"].map(now).fillna(0.0)
    leader = plan.project_leader
    if leader["hours_asked"] != 0:
        out.loc[len(out)] = {"activity_id": "project_leader", "hours_asked": float(leader["hours_asked"]),
                             "hours_now": float(leader["hours_now"])}
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
    #: Name words to keep out of public output: every owner's (``plan_names``) and any given to ``review``.
    private_names: frozenset = frozenset()

    def name(self, activity_id: str, lang: str = "nl") -> str:
        """The activity's name in ``lang`` (the project leader and unknown ids as themselves)."""
        if activity_id == "project_leader":
            return t("workplan.project_leader", lang)
        column = "name_nl" if lang == "nl" else "name_en"
        names = dict(zip(self.activities["activity_id"], self.activities[column]))
        return names.get(activity_id) or activity_id

    @property
    def missing_project_leader(self) -> bool:
        """True when the plan asks for a project leader (also when its hours are not written as a number)
        and the plan says there are no hours for one now."""
        leader = self.plan.project_leader
        return leader["hours_asked"] != 0 and leader["hours_now"] == 0

    def no_leader_text(self, lang: str = "nl") -> str:
        """The sentence that names the missing project leader and the hours the plan asks for one."""
        leader = self.plan.project_leader
        role = remove_names(leader["role"], self.private_names) or t("workplan.project_leader", lang)
        if pd.isna(leader["hours_asked"]):
            return t("workplan.report.no_leader_unknown", lang, role=role)
        return t("workplan.report.no_leader", lang, role=role, hours=format_number(leader["hours_asked"], lang))

    def public_text(self, text: str, lang: str = "nl") -> str:
        """Free text of the plan (a goal, a risk, a role) fit for public output: every private name
        replaced by '[naam]'."""
        return remove_names(text, self.private_names, placeholder=t("workplan.name_removed", lang))


def review(plan: Plan, release, *, as_of: pd.Timestamp | None = None, months: int = 6, window_days: int = 90,
           also_private=()) -> Review:
    """Review ``plan`` against a release: unknown activities go to the problems, the rest is compared.

    ``as_of`` (default: the last session date in the release) is the day "now" refers to; a plan
    without a valid year is reviewed for the year of ``as_of`` (``with_year``). ``also_private`` are
    more names to keep out of public output besides the owners' (e.g. the stories' redaction list).
    """
    sessions, attendance, paid = release.sessions, release.attendance, release.paid_support
    if as_of is None:
        as_of = sessions["date"].max() if len(sessions) else pd.Timestamp.today().normalize()
    names = plan_names(plan, release.activities) | set(also_private)  # also of owners of unknown activities
    plan = with_year(check_activities(plan, release.activities), as_of)
    ids = list(plan.activities["activity_id"])
    panel = continuity_panel(attendance, sessions, paid, activity_ids=ids, as_of=as_of, months=months,
                             window_days=window_days)
    return Review(
        plan=plan, as_of=as_of, demo=bool(release.is_demo or plan.demo), activities=release.activities,
        progress=planned_vs_realised(plan, sessions, attendance, data_end=as_of),
        panel=panel, uncoordinated=without_coordination(panel, plan),
        support=support_needed(plan, paid, as_of=as_of), months=months, window_days=window_days,
        private_names=frozenset(names),
    )


# ---------------------------------------------------------------- tables and charts for people


def _volunteers_text(row, *, months: int, public: bool, lang: str) -> str:
    """The volunteer trend: both monthly means and the direction; in public output, when neither mean
    may be shown (both below the small-cell threshold), the direction alone in words."""
    trend = row["trend"]
    if trend == "none":
        return t("workplan.trend_words.none", lang, months=2 * months)
    if public and all(safe_count(row[c]) is None for c in ("volunteers_recent", "volunteers_before")):
        return t(f"workplan.trend_words.{trend}", lang, months=months, min_cell=MIN_CELL)
    return t("workplan.volunteers_result", lang, trend=t(f"workplan.trend.{trend}", lang),
             recent=count_text(row["volunteers_recent"], lang, public=public),
             before=count_text(row["volunteers_before"], lang, public=public))


def _key_person_text(factor: int, lang: str) -> str:
    """The key-person factor in words: '1 persoon', '3 mensen', or no volunteer turns at all."""
    if factor == 0:
        return t("workplan.key_person_none", lang)
    return t("workplan.key_person_one" if factor == 1 else "workplan.key_person_many", lang, n=format_number(factor, lang))


def format_number(value: float, lang: str = "nl", decimals: int = 0) -> str:
    """Shortcut for ``i18n.format_number``; NaN as an empty string."""
    return "" if pd.isna(value) else i18n.format_number(value, lang, decimals)


def plan_table(rv: Review, *, lang: str = "nl") -> pd.DataFrame:
    """The plan per activity as the public may read it: who leads it as a role only (``public_owner``),
    risks with every private name replaced (``Review.public_text``)."""
    a = rv.plan.activities
    return pd.DataFrame({
        t("workplan.col.activity", lang): [rv.name(x, lang) for x in a["activity_id"]],
        t("workplan.col.owner", lang): [public_owner(o, r, names=rv.private_names) for o, r in zip(a["owner"], a["owner_role"])],
        t("workplan.col.plan_status", lang): [t(f"workplan.plan_status.{s}", lang) if s else "" for s in a["status"]],
        t("workplan.col.volunteers_needed", lang): [format_number(v, lang) for v in a["volunteers_needed"]],
        t("workplan.col.paid_support_hours_per_week", lang): [format_number(v, lang, 1) for v in a["paid_support_hours_per_week"]],
        t("workplan.col.budget_eur", lang): [format_number(v, lang) for v in a["budget_eur"]],
        t("workplan.col.risks", lang): ["; ".join(rv.public_text(x, lang) for x in r) for r in a["risks"]],
    })


def progress_table(rv: Review, *, lang: str = "nl", public: bool = True) -> pd.DataFrame:
    """Planned against realised per activity and quarter, as people read it.

    Realised reach is a count of visits; in public output it follows the small-cell rule. A quarter
    still to come has no realised figures (empty cells).
    """
    p = rv.progress
    return pd.DataFrame({
        t("workplan.col.activity", lang): [rv.name(x, lang) for x in p["activity_id"]],
        t("workplan.col.quarter", lang): p["quarter"],
        t("workplan.col.quarter_status", lang): [t(f"workplan.quarter_status.{s}", lang) for s in p["quarter_status"]],
        t("workplan.col.planned_sessions", lang): [format_number(v, lang) for v in p["planned_sessions"]],
        t("workplan.col.realised_sessions", lang): [format_number(v, lang) for v in p["realised_sessions"]],
        t("workplan.col.planned_reach", lang): [format_number(v, lang) for v in p["planned_reach"]],
        t("workplan.col.realised_reach", lang): [
            "" if pd.isna(v) else count_text(v, lang, public=public) for v in p["realised_reach"]],
    })


def panel_table(rv: Review, activity_id: str, *, lang: str = "nl", public: bool = True) -> pd.DataFrame:
    """The continuity panel of one activity: measure, result, and the rule in words next to it.

    In public output counts of people below 10 are hidden (a trend then in words only), others rounded
    to 5, and the retention share is shown only on a base of 10 people or more. The key-person factor
    is a measure of how the work is spread, not a head count, and is shown as it is.
    """
    row = rv.panel.set_index("activity_id").loc[activity_id]
    volunteers = _volunteers_text(row, months=rv.months, public=public, lang=lang)
    share = row["retention"]
    if public:
        share = safe_share(row["retention"] * row["retention_base"], row["retention_base"]) if row["retention_base"] else None
    retention = (t("workplan.retention_result", lang, pct=round(100 * share), base=count_text(row["retention_base"], lang, public=public))
                 if share is not None and pd.notna(share) else t("workplan.too_few", lang))
    date = format_date(rv.as_of, lang)
    rows = [
        ("volunteers", volunteers, t("workplan.rule.volunteers", lang, months=rv.months)),
        ("retention", retention, t("workplan.rule.retention", lang)),
        ("key_person", _key_person_text(int(row["key_person_factor"]), lang), t("workplan.rule.key_person", lang)),
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


def coordination_html(rv: Review, *, lang: str = "nl") -> str:
    """The coordination part of the review as HTML (every text escaped): the activities running without
    a coordinator, or that there are none, and the missing project leader when the plan asks for one."""
    if len(rv.uncoordinated):
        names = "".join(f"<li>{html.escape(rv.name(a, lang))}</li>" for a in rv.uncoordinated["activity_id"])
        out = f'<p>{html.escape(t("workplan.report.uncoordinated_intro", lang))}</p><ul>{names}</ul>'
    else:
        out = f'<p>{html.escape(t("workplan.report.uncoordinated_none", lang))}</p>'
    if rv.missing_project_leader:
        out += f'<p class="flag"><strong>{html.escape(rv.no_leader_text(lang))}</strong></p>'
    return out


def progress_chart(rv: Review, *, source: str, lang: str = "nl"):
    """Bars of sessions planned and held so far (quarters that have started) per activity.

    The title counts the activities that held at least as many sessions as planned so far; an activity
    whose plan has a quarter with an unknown number of sessions has no planned bar and is not counted.
    """
    import altair as alt

    from werkplaats_data.charts import MUTED, PALETTE, with_source

    started = rv.progress[rv.progress["quarter_status"] != "future"]
    totals = (started.groupby("activity_id")[["planned_sessions", "realised_sessions"]].agg(lambda x: x.sum(skipna=False))
              .reindex(rv.plan.activities["activity_id"], fill_value=0.0))
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
                        scale=alt.Scale(range=[MUTED, PALETTE[0]]), legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("activity:N", title=t("workplan.col.activity", lang)), alt.Tooltip("kind:N", title=" "),
                 alt.Tooltip("sessions:Q", title=t("workplan.chart.sessions", lang))],
    ).properties(width=460)
    return with_source(chart, source)


def support_chart(rv: Review, *, source: str, lang: str = "nl"):
    """Bars of paid support hours per week: asked in the plan against there now, per activity and the project leader.

    When the plan gives some hours not as a number, the title says the total asked is at least the sum of the others.
    """
    import altair as alt

    from werkplaats_data.charts import PALETTE, with_source

    s = rv.support
    asked, now = t("workplan.chart.asked", lang), t("workplan.chart.now", lang)
    long = s.melt("activity_id", value_vars=["hours_asked", "hours_now"], var_name="kind", value_name="hours")
    long["kind"] = long["kind"].map({"hours_asked": asked, "hours_now": now})
    long["activity"] = [rv.name(x, lang) for x in long["activity_id"]]
    key = "workplan.chart.support_title_unknown" if s["hours_asked"].isna().any() else "workplan.chart.support_title"
    title = t(key, lang, asked=format_number(s["hours_asked"].sum(), lang), now=format_number(s["hours_now"].sum(), lang))
    chart = alt.Chart(long, title=title).mark_bar().encode(
        y=alt.Y("activity:N", title=None, sort=None),
        yOffset=alt.YOffset("kind:N", sort=[asked, now]),
        x=alt.X("hours:Q", title=t("workplan.chart.hours", lang)),
        color=alt.Color("kind:N", title=None, sort=[asked, now], scale=alt.Scale(range=[PALETTE[1], PALETTE[2]]),
                        legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("activity:N", title=t("workplan.col.activity", lang)), alt.Tooltip("kind:N", title=" "),
                 alt.Tooltip("hours:Q", title=t("workplan.chart.hours", lang))],
    ).properties(width=460)
    return with_source(chart, source)
