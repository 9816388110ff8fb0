"""The consent ledger for stories and photos, and the one rule that decides what may be shown.

The ledger is a CSV kept beside the stories (``consents.csv``). Records are only ever added,
never changed: a withdrawal is a new line with ``granted`` = no. Columns are those of the
canonical ``consents`` table (person_id, subject, purpose, granted, date, method): the person is
a pseudonym (the story's ``teller``, or a pseudonym for someone shown in a photo), the subject
a story id or a photo id.

The rule (GDPR art. 7: per purpose, withdrawable): for each person, subject and purpose only
the LATEST decision counts (by date; on the same date the lower line in the file wins). A line
dated after the build date is a typo (2052 for 2025) and counts for nothing, so it can never beat
a real withdrawal. Consent must be provable (art. 7(1)): a grant without ``method`` (how it was
given) counts for nothing; a withdrawal always counts.

Append-only is checked where it can be: ``werkplaats stories check`` keeps a seal beside the
ledger (``consents.csv.seal``: a hash chain over its lines, one hash per line) and names the first
line that changed or disappeared since the last check. Its limits: a change made before the
first check, or made together with deleting or rewriting the seal, cannot be seen; keep the seal
with the ledger and in its backups.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from pathlib import Path

import numpy as np
import pandas as pd

from werkplaats_data import schemas
from werkplaats_data.errors import UserError, message
from werkplaats_data.problems import line, listed, problem, read_csv

COLUMNS = ("person_id", "subject", "purpose", "granted", "date", "method")
_YES = {"yes", "ja", "true", "1", "y", "j"}
_NO = {"no", "nee", "false", "0", "n"}


def empty_ledger() -> pd.DataFrame:
    """A ledger with no decisions, in the canonical ``consents`` columns and types."""
    return schemas.empty_table("consents")


def read_ledger(path: str | Path, *, today: dt.date | None = None) -> tuple[pd.DataFrame, list[str]]:
    """The ledger's valid decisions and the problems of the other lines, as plain sentences.

    ``granted`` accepts yes/no, ja/nee, true/false, 1/0. Left out and named: a line with an
    unknown purpose or method, a date that is not YYYY-MM-DD or lies after ``today`` (the build
    date, default the real today), an empty person or subject, and a grant without a method.
    A withdrawal without a method is named but still counts.
    """
    path = Path(path)
    today = pd.Timestamp(today or dt.date.today())
    try:
        raw, problems = read_csv(path)
    except FileNotFoundError:
        raise UserError(message("consent.error.no_ledger", path=path, header=",".join(COLUMNS))) from None
    if raw is None:
        return empty_ledger(), problems
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        return empty_ledger(), [problem(path.name, "columns", "ledger_columns", missing=listed(missing),
                                        header=",".join(COLUMNS))]
    rows, problems = [], []
    for number, row in enumerate(raw.to_dict("records"), start=2):
        where = line(path.name, number)
        found = []
        for column in ("person_id", "subject"):
            if not row[column].strip():
                found.append(problem(where, column, "ledger_empty"))
        if row["purpose"] not in schemas.CONSENT_PURPOSES:
            found.append(problem(where, "purpose", "unknown_purpose", value=row["purpose"],
                                 allowed=listed(schemas.CONSENT_PURPOSES)))
        granted = row["granted"].strip().lower()
        if granted not in _YES | _NO:
            found.append(problem(where, "granted", "yes_or_no", value=row["granted"]))
        date = pd.to_datetime(row["date"], format="%Y-%m-%d", errors="coerce")
        if pd.isna(date):
            found.append(problem(where, "date", "bad_date", value=row["date"]))
        elif date > today:
            found.append(problem(where, "date", "future_decision", value=row["date"], today=f"{today:%Y-%m-%d}"))
        method = row["method"].strip() or None
        if method is None:
            key = "no_method_grant" if granted in _YES else "no_method"
            (found if granted in _YES else problems).append(problem(where, "method", key, allowed=listed(schemas.CONSENT_METHODS)))
        elif method not in schemas.CONSENT_METHODS:
            found.append(problem(where, "method", "unknown_method", value=method, allowed=listed(schemas.CONSENT_METHODS)))
        if found:
            problems += found
            continue
        rows.append({"person_id": row["person_id"].strip(), "subject": row["subject"].strip(),
                     "purpose": row["purpose"], "granted": granted in _YES, "date": date, "method": method})
    ledger = pd.DataFrame(rows, columns=list(COLUMNS)) if rows else empty_ledger()
    return ledger.astype({"granted": "boolean", "date": "datetime64[ns]"}), problems


def load_ledger(path: str | Path, *, today: dt.date | None = None) -> pd.DataFrame:
    """The ledger's valid decisions (see ``read_ledger`` for the problems of the others)."""
    return read_ledger(path, today=today)[0]


def append_decision(path: str | Path, *, person_id: str, subject: str, purpose: str, granted: bool,
                    date: dt.date, method: str) -> None:
    """Add one decision at the end of the ledger (the file is created with its header if needed).

    ``method`` is how the decision was given (paper, verbal_interpreter, digital): consent must be provable.
    """
    if purpose not in schemas.CONSENT_PURPOSES:
        raise UserError(message("consent.error.unknown_purpose", purpose=purpose, allowed=listed(schemas.CONSENT_PURPOSES)))
    if method not in schemas.CONSENT_METHODS:
        raise UserError(message("consent.error.unknown_method", method=method, allowed=listed(schemas.CONSENT_METHODS)))
    if date > dt.date.today():
        raise UserError(message("consent.error.future_date", date=f"{date:%Y-%m-%d}"))
    path = Path(path)
    row = pd.DataFrame([{"person_id": person_id, "subject": subject, "purpose": purpose,
                         "granted": "yes" if granted else "no", "date": f"{date:%Y-%m-%d}", "method": method}])
    row.to_csv(path, mode="a", header=not path.exists() or path.stat().st_size == 0, index=False)


# --- append-only seal ----------------------------------------------------------------------------

def seal_path(path: str | Path) -> Path:
    """Where the seal of a ledger is kept: beside it, ``<ledger>.seal``."""
    path = Path(path)
    return path.with_name(path.name + ".seal")


def _chain(path: Path) -> list[str]:
    """One hash per line of the ledger, each over the line and the hash before it (a hash chain).

    Lines are compared by their cells (quotes, spaces around cells, line endings and empty
    lines do not count), so opening and saving the file in a spreadsheet does not break it.
    """
    hashes, last = [], ""
    for cells in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        last = hashlib.sha256((last + "\x1f".join(cells)).encode("utf-8")).hexdigest()
        hashes.append(last)
    return hashes


def write_seal(path: str | Path) -> Path:
    """Seal the ledger as it is now (after a check found no changed lines); returns the seal's path."""
    out = seal_path(path)
    chain = _chain(Path(path))
    out.write_text(json.dumps({"lines": len(chain), "chain": [h[:16] for h in chain]}, indent=0) + "\n", encoding="utf-8")
    return out


def check_seal(path: str | Path) -> list[str]:
    """Problems when lines of the ledger changed or disappeared since it was sealed (none without a seal).

    Lines added at the end are fine: that is how the ledger grows.
    """
    path = Path(path)
    if not seal_path(path).exists():
        return []
    try:
        sealed = json.loads(seal_path(path).read_text(encoding="utf-8"))["chain"]
    except (ValueError, KeyError, TypeError):
        return [problem(seal_path(path).name, "file", "seal_unreadable")]
    now = [h[:16] for h in _chain(path)]
    for number, (then, current) in enumerate(zip(sealed, now), start=1):
        if then != current:
            return [problem(path.name, f"regel {number}", "ledger_changed", number=number)]
    if len(now) < len(sealed):
        return [problem(path.name, "lines", "ledger_shorter", before=len(sealed), now=len(now))]
    return []


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
    about a translation instead of its original; a decision about a story by someone else than
    its teller; a decision about a photo by someone who is neither its teller nor listed as shown in it.
    """
    stories_by_id = {sid: row for sid, row in zip(stories["story_id"], stories.to_dict("records"))}
    photos = {row["photo"]: row for row in stories.to_dict("records") if isinstance(row["photo"], str) and row["photo"]}
    problems = []
    for person, subject in sorted(set(zip(ledger["person_id"], ledger["subject"]))):
        where = f"{file}, {subject}"
        if subject in stories_by_id:
            teller, original = stories_by_id[subject]["teller"], stories_by_id[subject]["original_id"]
            if original != subject:
                problems.append(problem(where, "subject", "consent_for_translation", value=subject, original=original))
            elif person != teller:
                problems.append(problem(where, "person_id", "not_the_teller", person=person, teller=teller))
        elif subject in photos:
            row = photos[subject]
            if person not in [row["teller"], *_people(row["photo_shows"])]:
                problems.append(problem(where, "person_id", "not_in_photo", person=person, story=row["story_id"]))
        elif subject != "data":
            problems.append(problem(where, "subject", "no_such_subject", value=subject))
    return problems
