"""The consent ledger for stories and photos, and the one rule that decides what may be shown.

The ledger is a CSV kept beside the stories (``consents.csv``). Records are only ever added,
never changed: a withdrawal is a new line with ``granted`` = no. Columns are those of the
canonical ``consents`` table (person_id, subject, purpose, granted, date, method): the person is
a pseudonym (the story's ``teller``, or a pseudonym for someone shown in a photo), the subject
a story id or a photo id.

The rule (GDPR art. 7: per purpose, withdrawable): for each person, subject and purpose only
the LATEST decision counts (by date; on the same date the lower line in the file wins).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from werkplaats_data import schemas
from werkplaats_data.errors import UserError

COLUMNS = ("person_id", "subject", "purpose", "granted", "date", "method")
_YES = {"yes", "ja", "true", "1", "y", "j"}
_NO = {"no", "nee", "false", "0", "n"}


def empty_ledger() -> pd.DataFrame:
    """A ledger with no decisions, in the canonical ``consents`` columns and types."""
    return schemas.empty_table("consents")


def read_ledger(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """The ledger's valid decisions and the problems of the other lines, as plain sentences.

    ``granted`` accepts yes/no, ja/nee, true/false, 1/0. A line with an unknown purpose or
    method, a date that is not YYYY-MM-DD, or an empty person or subject is left out and named.
    """
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        raise UserError(f"The consent ledger {path} does not exist; create it with the header "
                        f"'{','.join(COLUMNS)}'.") from None
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        return empty_ledger(), [f"{path.name}: columns: {', '.join(missing)} missing; the first line must be "
                                f"'{','.join(COLUMNS)}'."]
    rows, problems = [], []
    for number, row in enumerate(raw.to_dict("records"), start=2):
        where = f"{path.name}: line {number}"
        found = []
        for column in ("person_id", "subject"):
            if not row[column].strip():
                found.append(f"{where}, {column}: empty; write the pseudonym or story/photo id.")
        if row["purpose"] not in schemas.CONSENT_PURPOSES:
            found.append(f"{where}, purpose: '{row['purpose']}' is not a purpose; use one of "
                         f"{', '.join(schemas.CONSENT_PURPOSES)}.")
        granted = row["granted"].strip().lower()
        if granted not in _YES | _NO:
            found.append(f"{where}, granted: '{row['granted']}' is neither yes nor no.")
        date = pd.to_datetime(row["date"], format="%Y-%m-%d", errors="coerce")
        if pd.isna(date):
            found.append(f"{where}, date: '{row['date']}' is not a date; write it as YYYY-MM-DD.")
        method = row["method"].strip() or None
        if method is not None and method not in schemas.CONSENT_METHODS:
            found.append(f"{where}, method: '{method}' is unknown; use one of {', '.join(schemas.CONSENT_METHODS)}.")
        if found:
            problems += found
            continue
        rows.append({"person_id": row["person_id"].strip(), "subject": row["subject"].strip(),
                     "purpose": row["purpose"], "granted": granted in _YES, "date": date, "method": method})
    ledger = pd.DataFrame(rows, columns=list(COLUMNS)) if rows else empty_ledger()
    return ledger.astype({"granted": "boolean", "date": "datetime64[ns]"}), problems


def load_ledger(path: str | Path) -> pd.DataFrame:
    """The ledger's valid decisions (see ``read_ledger`` for the problems of the others)."""
    return read_ledger(path)[0]


def append_decision(path: str | Path, *, person_id: str, subject: str, purpose: str, granted: bool,
                    date: dt.date, method: str | None = None) -> None:
    """Add one decision at the end of the ledger (the file is created with its header if needed)."""
    if purpose not in schemas.CONSENT_PURPOSES:
        raise UserError(f"'{purpose}' is not a consent purpose; use one of {', '.join(schemas.CONSENT_PURPOSES)}.")
    if method is not None and method not in schemas.CONSENT_METHODS:
        raise UserError(f"'{method}' is not a way of giving consent; use one of {', '.join(schemas.CONSENT_METHODS)}.")
    path = Path(path)
    line = pd.DataFrame([{"person_id": person_id, "subject": subject, "purpose": purpose,
                          "granted": "yes" if granted else "no", "date": f"{date:%Y-%m-%d}", "method": method or ""}])
    line.to_csv(path, mode="a", header=not path.exists() or path.stat().st_size == 0, index=False)


def latest_decisions(ledger: pd.DataFrame) -> pd.DataFrame:
    """One row per (person_id, subject, purpose): the decision that counts now (the latest)."""
    ordered = ledger.reset_index(drop=True).rename_axis("line").reset_index()
    ordered = ordered.sort_values(["date", "line"], kind="stable")
    return ordered.groupby(["person_id", "subject", "purpose"], as_index=False).last().drop(columns="line")


def _granted(ledger: pd.DataFrame, purpose: str) -> set[tuple[str, str]]:
    """(person, subject) pairs whose latest decision for ``purpose`` is a grant."""
    latest = latest_decisions(ledger)
    latest = latest[(latest["purpose"] == purpose) & latest["granted"].fillna(False).astype(bool)]
    return set(zip(latest["person_id"], latest["subject"]))


def _people(value) -> list[str]:
    """The pseudonyms in a ';'-separated cell (empty cell: nobody)."""
    return [p.strip() for p in str(value).split(";") if p.strip()] if isinstance(value, str) else []


def for_purpose(stories: pd.DataFrame, ledger: pd.DataFrame, purpose: str) -> pd.DataFrame:
    """Only the stories that may be used for ``purpose``, with photos only where everyone agreed.

    A story stays when its teller's latest decision for ``purpose`` about the story is a grant.
    A translation follows its original (``original_id``): consent is given for the story, not
    for one language of it. The photo stays when the teller and every person listed in
    ``photo_shows`` have a latest decision for ``purpose`` about the photo id that is a grant;
    otherwise ``photo`` and ``photo_shows`` are emptied and the story is kept without it.

    ``stories`` needs the columns story_id, original_id, teller, photo and photo_shows, as
    ``stories.load_stories`` gives them.
    """
    if purpose not in schemas.CONSENT_PURPOSES:
        raise ValueError(f"purpose must be one of {schemas.CONSENT_PURPOSES}, not {purpose!r}")
    allowed = _granted(ledger, purpose)
    keep = [(teller, original) in allowed for teller, original in zip(stories["teller"], stories["original_id"])]
    out = stories[np.array(keep, dtype=bool)].copy()
    photo_ok = [
        isinstance(photo, str) and bool(photo)
        and all((person, photo) in allowed for person in [teller, *_people(shows)])
        for photo, teller, shows in zip(out["photo"], out["teller"], out["photo_shows"])
    ]
    out["photo"] = [photo if ok else None for photo, ok in zip(out["photo"], photo_ok)]
    out["photo_shows"] = [shows if ok else None for shows, ok in zip(out["photo_shows"], photo_ok)]
    return out


def check_references(ledger: pd.DataFrame, stories: pd.DataFrame, *, file: str = "consents.csv") -> list[str]:
    """Problems where the ledger and the stories do not fit together, as plain sentences.

    A decision about a subject that is neither a story id nor a photo id of a story; a decision
    about a translation instead of its original; a decision about a story by someone else than its teller; a decision about a photo by someone who is
    neither its teller nor listed as shown in it.
    """
    stories_by_id = {sid: row for sid, row in zip(stories["story_id"], stories.to_dict("records"))}
    photos = {row["photo"]: row for row in stories.to_dict("records") if isinstance(row["photo"], str) and row["photo"]}
    problems = []
    for person, subject in sorted(set(zip(ledger["person_id"], ledger["subject"]))):
        if subject in stories_by_id:
            teller, original = stories_by_id[subject]["teller"], stories_by_id[subject]["original_id"]
            if original != subject:
                problems.append(f"{file}: subject {subject}, subject: {subject} is a translation; consent is "
                                f"given for the original story {original}, so use that id.")
            elif person != teller:
                problems.append(f"{file}: subject {subject}, person_id: consent comes from {person} but the teller is "
                                f"{teller}; only the teller decides about a story.")
        elif subject in photos:
            row = photos[subject]
            if person not in [row["teller"], *_people(row["photo_shows"])]:
                problems.append(f"{file}: subject {subject}, person_id: {person} is not the teller of the photo and "
                                f"not listed in photo_shows of story {row['story_id']}; add them there or fix the pseudonym.")
        elif subject != "data":
            problems.append(f"{file}: subject {subject}, subject: there is no story or photo with this id; "
                            "check the spelling or add the story file.")
    return problems
