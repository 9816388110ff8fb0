"""Residents' stories: one Markdown file per story with YAML front matter.

A story file looks like this (``stories/README.md`` explains every field)::

    ---
    id: S-001
    title: De koffiezet doet het weer
    teller: T-001            # a story pseudonym chosen by the collector, never a name
    collector: V-02
    language: nl             # a code from LANGUAGES
    date: 2023-05-13
    activity: repair_cafe    # one of ACTIVITIES
    domain: money_and_household   # Most Significant Change domain, one of DOMAINS
    themes: [saving_money, belonging]
    quote: "Ik hoefde geen nieuwe te kopen."
    photo: F-001             # optional: a photo id; photo_shows lists who is in it
    photo_shows: [B-101]
    first_name: Mina         # optional: the teller's first name, shown only with exhibition_first_name consent
    translation_of: S-013    # optional, only in a translation: the id of the original
    demo: true               # demo stories only
    ---
    The story itself, as told.

``load_stories(folder)`` reads every story; a file with a problem is left out and its problems
named, the others still load. ``shareable(folder, purpose)`` gives only what the ledger allows,
redacted; ``release_tables(folder)`` gives the release's ``stories``, ``story_codings``,
``story_selections`` and ``story_codebook`` tables (research purpose only, redacted).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pandas as pd
import yaml

from werkplaats_data import charts, coding, consent, msc, privacy, redaction, schemas, yamlfile
from werkplaats_data.errors import UserError, message
from werkplaats_data.i18n import t
from werkplaats_data.problems import listed, problem

#: The shipped fictional demo stories (labelled demo in front matter and in their text).
DEMO_STORIES_DIR = Path(__file__).resolve().parent.parent / "stories" / "demo"
#: Files kept beside the stories.
LEDGER_FILE, REDACTION_FILE, CODEBOOK_FILE, CODINGS_FILE, ROUNDS_FILE = (
    "consents.csv", "redaction.csv", "codebook.csv", "codings.csv", "msc_rounds.csv")

#: Activity codes as in the release's ``activities`` table (``registers.ACTIVITY_SYNONYMS``).
ACTIVITIES = ("repair_cafe", "ruilpunt", "textiel", "energy_coaching", "greening", "solar_roof", "workshops",
              "lectures", "exhibitions", "excursions")
#: Most Significant Change domains of change (Davies & Dart 2005), chosen for the Werkplaats.
DOMAINS = msc.DOMAINS
#: Languages of the neighbourhood a story may be told in (ISO 639 codes; 'ber' = Tamazight/Berber).
LANGUAGES = {
    "nl": "Nederlands", "en": "English", "ar": "العربية", "tr": "Türkçe", "ber": "Tamaziɣt", "pap": "Papiamentu",
    "so": "Soomaali", "ti": "ትግርኛ", "fa": "فارسی", "ur": "اردو", "pl": "Polski", "bg": "Български",
    "ro": "Română", "es": "Español", "pt": "Português", "fr": "Français", "zh": "中文", "hi": "हिन्दी",
}
#: A pseudonym is letters, a dash and digits ("T-017"); anything else may be a name.
PSEUDONYM = re.compile(r"^[A-Z]{1,3}-\d{2,4}$")
STORY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
THEME = re.compile(r"^[a-z][a-z0-9_]*$")
REQUIRED = ("id", "title", "teller", "collector", "language", "date", "activity", "domain", "themes", "quote")
OPTIONAL = ("photo", "photo_shows", "first_name", "translation_of", "demo")
COLUMNS = ("story_id", "original_id", "title", "teller", "collector", "language", "date", "activity", "domain",
           "themes", "quote", "photo", "photo_shows", "first_name", "demo", "text", "file")
#: The tables ``release_tables`` gives.
TABLE_NAMES = ("stories", "story_codings", "story_selections", "story_codebook")
#: The columns of the release's ``stories`` table (no file names, no pseudonyms of people in photos, no first names).
RELEASE_COLUMNS = tuple(c for c in COLUMNS if c not in ("file", "photo_shows", "first_name"))


def _split(text: str) -> tuple[str, str]:
    """Front matter and body of a story file; ValueError naming the message key when broken."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        raise ValueError("no_start")
    for number, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1:]).strip()
    raise ValueError("not_closed")


_FIELD_LINE = re.compile(r"^([A-Za-z_][\w-]*)\s*:")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: A first name for the story wall: one word of letters (with ' or -), never a surname.
FIRST_NAME = re.compile(r"^[^\W\d_][^\W\d_'’-]*(?:['’-][^\W\d_]+)*$")


def _field_at(front: str, line: int) -> str:
    """The field whose value is on ``line`` of the front matter (the nearest 'name:' at or above it)."""
    lines = front.splitlines()
    for text in reversed(lines[:line + 1]):
        match = _FIELD_LINE.match(text)
        if match:
            return match.group(1)
    return "front matter"


def _read_front(front: str, where: str) -> tuple[dict | None, list[str]]:
    """The front matter's fields, or the problem that stops reading them (naming field and line)."""
    try:
        meta = yamlfile.load(front, dates_as_text=True)[0] or {}
    except yamlfile.RepeatedKey as err:  # a field written twice is an error, not silently the last
        return None, [problem(where, err.key, "repeated_field", line=err.line + 1)]
    except yaml.MarkedYAMLError as err:
        mark = err.context_mark or err.problem_mark
        line = mark.line if mark else 0
        return None, [problem(where, _field_at(front, line), "unreadable", line=line + 2)]
    except (yaml.YAMLError, ValueError, TypeError, RecursionError):
        return None, [problem(where, "front matter", "unreadable_somewhere")]
    if not isinstance(meta, dict):
        return None, [problem(where, "front matter", "not_fields")]
    return meta, []


def _as_list(value) -> list[str]:
    """A YAML list, or a comma-separated string, as a list of stripped strings."""
    if value is None:
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


def _date(value) -> dt.date | None:
    """A date written YYYY-MM-DD (quoted or not); None when it is no real date."""
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if not ISO_DATE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _check_fields(meta: dict, where: str, *, today: dt.date) -> list[str]:
    """Problems with the fields of one story's front matter, each naming the field."""
    problems = []
    for name in REQUIRED:
        if meta.get(name) in (None, "", []):
            problems.append(problem(where, name, "missing"))
    for name in sorted(set(map(str, meta)) - set(REQUIRED) - set(OPTIONAL)):
        problems.append(problem(where, name, "unknown_field", allowed=listed(REQUIRED + OPTIONAL)))
    if problems:
        return problems
    for name in ("title", "quote", "first_name"):
        if name in meta and not isinstance(meta[name], str):
            problems.append(problem(where, name, "not_text", value=meta[name]))
    if not STORY_ID.match(str(meta["id"])):
        problems.append(problem(where, "id", "bad_id", value=meta["id"]))
    for name in ("teller", "collector"):
        if not PSEUDONYM.match(str(meta[name])):
            problems.append(problem(where, name, "not_pseudonym", value=meta[name]))
    if meta["language"] not in LANGUAGES:
        problems.append(problem(where, "language", "unknown_language", value=meta["language"], allowed=listed(LANGUAGES)))
    date = _date(meta["date"])
    if date is None:
        problems.append(problem(where, "date", "bad_date", value=meta["date"]))
    elif date > today:
        problems.append(problem(where, "date", "future_date", value=date))
    if meta["activity"] not in ACTIVITIES:
        problems.append(problem(where, "activity", "unknown_activity", value=meta["activity"], allowed=listed(ACTIVITIES)))
    if meta["domain"] not in DOMAINS:
        problems.append(problem(where, "domain", "unknown_domain", value=meta["domain"], allowed=listed(DOMAINS)))
    if not isinstance(meta["themes"], (list, str)):
        problems.append(problem(where, "themes", "themes_list", value=meta["themes"]))
    else:
        for theme in _as_list(meta["themes"]):
            if not THEME.match(theme):
                problems.append(problem(where, "themes", "bad_theme", value=theme))
    if meta.get("photo") and not STORY_ID.match(str(meta["photo"])):
        problems.append(problem(where, "photo", "bad_photo", value=meta["photo"]))
    for person in _as_list(meta.get("photo_shows")):
        if not PSEUDONYM.match(person):
            problems.append(problem(where, "photo_shows", "not_pseudonym", value=person))
    if meta.get("photo_shows") and not meta.get("photo"):
        problems.append(problem(where, "photo_shows", "shows_without_photo"))
    if meta.get("translation_of") is not None and not STORY_ID.match(str(meta["translation_of"])):
        problems.append(problem(where, "translation_of", "bad_id", value=meta["translation_of"]))
    if isinstance(meta.get("first_name"), str) and not FIRST_NAME.match(meta["first_name"].strip()):
        problems.append(problem(where, "first_name", "bad_first_name", value=meta["first_name"]))
    if "demo" in meta and not isinstance(meta["demo"], bool):
        problems.append(problem(where, "demo", "true_or_false"))
    return problems


def parse_story(path: str | Path, *, today: dt.date | None = None) -> tuple[dict | None, list[str]]:
    """One story file as a record (None when it has problems) and its problems in plain words.

    ``today`` (default: the real today) is the build date: a story told after it is a typo.
    """
    path = Path(path)
    where = path.name
    try:
        front, body = _split(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        return None, [problem(where, "file", "not_utf8")]
    except ValueError as err:
        return None, [problem(where, "front matter", str(err))]
    meta, problems = _read_front(front, where)
    if meta is None:
        return None, problems
    problems = _check_fields(meta, where, today=today or dt.date.today())
    if not body:
        problems.append(problem(where, "text", "empty_text"))
    if problems:
        return None, problems
    story_id = str(meta["id"])
    if path.stem != story_id:
        return None, [problem(where, "id", "id_not_file", value=story_id, file=path.name)]
    record = {
        "story_id": story_id,
        "original_id": str(meta.get("translation_of") or story_id),
        "title": meta["title"].strip(),
        "teller": meta["teller"],
        "collector": meta["collector"],
        "language": meta["language"],
        "date": pd.Timestamp(_date(meta["date"])),
        "activity": meta["activity"],
        "domain": meta["domain"],
        "themes": ";".join(_as_list(meta["themes"])),
        "quote": meta["quote"].strip(),
        "photo": str(meta["photo"]) if meta.get("photo") else None,
        "photo_shows": ";".join(_as_list(meta.get("photo_shows"))) or None,
        "first_name": meta["first_name"].strip() if meta.get("first_name") else None,
        "demo": bool(meta.get("demo", False)),
        "text": body,
        "file": path.name,
    }
    return record, []


def empty_stories() -> pd.DataFrame:
    """A stories table with no rows."""
    return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else bool if c == "demo" else object)
                         for c in COLUMNS})


def _check_translations(records: list[dict]) -> tuple[list[dict], list[str]]:
    """Keep translations whose original is there, in another language, from the same teller, told
    at the same activity, in the same domain and on the same date (a translation is the same story)."""
    by_id = {r["story_id"]: r for r in records}
    keep, problems = [], []
    for r in records:
        if r["original_id"] == r["story_id"]:
            keep.append(r)
            continue
        original = by_id.get(r["original_id"])
        found = []
        if original is None:
            found.append(problem(r["file"], "translation_of", "no_original", value=r["original_id"]))
        elif original["original_id"] != original["story_id"]:
            found.append(problem(r["file"], "translation_of", "original_is_translation", value=r["original_id"]))
        elif original["language"] == r["language"]:
            found.append(problem(r["file"], "language", "same_language", value=r["language"], original=original["file"]))
        else:
            for field in ("teller", "activity", "domain", "date"):
                if original[field] != r[field]:
                    value, expected = (f"{v:%Y-%m-%d}" if field == "date" else v for v in (r[field], original[field]))
                    found.append(problem(r["file"], field, "translation_differs", value=value, expected=expected,
                                         original=original["file"]))
        if found:
            problems += found
        else:
            keep.append(r)
    return keep, problems


def _no_folder(folder: Path) -> UserError:
    return UserError(message("stories.error.no_folder", folder=folder))


def load_stories(folder: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """All stories in ``folder`` (every ``*.md`` except README.md) and the problems found.

    A story with a problem is left out; the others still load. Ids are unique because each file
    must be called ``<id>.md``. Rows are sorted by story id; ``themes`` and ``photo_shows`` are
    ';'-separated.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise _no_folder(folder)
    records, problems = [], []
    for path in sorted(folder.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        record, found = parse_story(path)
        problems += found
        if record:
            records.append(record)
    records, found = _check_translations(records)
    problems += found
    if not records:
        return empty_stories(), problems
    df = pd.DataFrame(records, columns=list(COLUMNS)).sort_values("story_id", ignore_index=True)
    return df.astype({"date": "datetime64[ns]", "demo": bool}), problems


def _ledger(folder: Path, ledger) -> pd.DataFrame:
    """The ledger given (DataFrame or path), else the folder's own, else an empty one (nothing allowed)."""
    if isinstance(ledger, pd.DataFrame):
        return ledger
    path = Path(ledger) if ledger is not None else folder / LEDGER_FILE
    return consent.load_ledger(path) if path.exists() else consent.empty_ledger()


def redaction_list(folder: str | Path) -> pd.DataFrame:
    """The redaction list of a stories folder (its ``redaction.csv``; a path to the list file itself
    also works); an empty list when there is none (the address rule still applies)."""
    path = Path(folder)
    path = path if path.suffix.lower() == ".csv" else path / REDACTION_FILE
    return redaction.read_list(path)[0] if path.exists() else redaction.empty_list()


def shareable(folder: str | Path, purpose: str, *, ledger=None) -> pd.DataFrame:
    """The stories of ``folder`` that may be used for ``purpose``, redacted.

    Consent: ``consent.for_purpose`` with the ledger given (a DataFrame or a path; by default the
    folder's ``consents.csv``; no ledger means no story). Redaction: the folder's
    ``redaction.csv`` plus the street + house number rule, on title, quote and text. The teller's
    ``first_name`` stays only for the purpose ``exhibition_first_name``.
    """
    folder = Path(folder)
    stories, _ = load_stories(folder)
    allowed = consent.for_purpose(stories, _ledger(folder, ledger), purpose)
    if purpose != "exhibition_first_name":
        allowed = allowed.assign(first_name=None)
    return redaction.redact_frame(allowed, redaction_list(folder)).reset_index(drop=True)


#: Where a story's photo is kept: ``photos/<photo id>.<suffix>`` in the stories folder, by suffix with its type.
PHOTO_TYPES = {".svg": "image/svg+xml", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".webp": "image/webp"}
WALL_COLUMNS = ("story_id", "original_id", "language", "title", "quote", "themes", "activity", "date", "photo_file",
                "first_name", "is_translation")


def photo_file(folder: str | Path, photo: str | None) -> str | None:
    """The absolute path of a photo's file in ``<folder>/photos/``, or None (no photo id, no file)."""
    if not isinstance(photo, str) or not photo:
        return None
    found = [Path(folder) / "photos" / f"{photo}{suffix}" for suffix in PHOTO_TYPES]
    return next((str(path.resolve()) for path in found if path.is_file()), None)


def wall_entries(folder: str | Path, *, lang: str, purpose: str = "exhibition_anonymous", ledger=None) -> pd.DataFrame:
    """The exhibition's story wall: one row per original story that may be shown for ``purpose``.

    Columns ``WALL_COLUMNS``. The row shows the translation into ``lang`` when there is one (title,
    quote, language; ``is_translation`` True), else the original; redacted like ``shareable``.
    ``photo_file``: the photo's file only when everyone in it agreed for ``purpose`` and the file
    is there. ``first_name``: the teller's first name only when the teller also granted
    ``exhibition_first_name`` for the story; otherwise None.
    """
    folder = Path(folder)
    ledger = _ledger(folder, ledger)
    shared = shareable(folder, purpose, ledger=ledger)
    if shared.empty:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "date" else bool if c == "is_translation"
                                          else object) for c in WALL_COLUMNS})
    originals = shared[shared["story_id"] == shared["original_id"]].set_index("story_id")
    named = shareable(folder, "exhibition_first_name", ledger=ledger) if purpose.startswith("exhibition") else shared
    first_names = dict(zip(named["story_id"], named["first_name"])) if purpose.startswith("exhibition") else {}
    wall = msc.for_reader(shared, lang)
    wall = wall.assign(  # object columns: "no photo" and "no first name" are None, not NaN
        photo_file=pd.Series([photo_file(folder, originals["photo"].get(o)) for o in wall["original_id"]],
                             index=wall.index, dtype=object),
        first_name=pd.Series([first_names.get(o) if isinstance(first_names.get(o), str) else None
                              for o in wall["original_id"]], index=wall.index, dtype=object),
        themes=[originals["themes"].get(o, own) for o, own in zip(wall["original_id"], wall["themes"])],
    )
    return wall[list(WALL_COLUMNS)].reset_index(drop=True)


def release_tables(stories_dir: str | Path, ledger=None) -> dict[str, pd.DataFrame]:
    """The release's story tables, research purpose only, redacted.

    - ``stories``: one row per story (or translation) whose teller allowed research.
    - ``story_codings``: one row per coding of those stories (story_id, coder, code, parent,
      label_nl, label_en, start, end); spans point into the redacted text.
    - ``story_selections``: the Most Significant Change choices of those stories, reasons redacted.
    - ``story_codebook``: the codebook (code, parent, NL/EN labels and descriptions, survey_items).
    Stories or files with problems are left out (``werkplaats stories check`` names them).
    """
    folder = Path(stories_dir)
    stories, _ = load_stories(folder)
    allowed = consent.for_purpose(stories, _ledger(folder, ledger), "research")
    terms = redaction_list(folder)
    codings = coding.read_codings(folder / CODINGS_FILE)[0] if (folder / CODINGS_FILE).exists() else coding.empty_codings()
    codebook = coding.read_codebook(folder / CODEBOOK_FILE)[0] if (folder / CODEBOOK_FILE).exists() else coding.empty_codebook()
    codings = codings[codings["story_id"].isin(allowed["story_id"])]
    redacted_codings = coding.redact_spans(codings, allowed, terms)
    rounds = msc.read_rounds(folder / ROUNDS_FILE)[0] if (folder / ROUNDS_FILE).exists() else msc.empty_rounds()
    rounds = redaction.redact_frame(rounds[rounds["story_id"].isin(allowed["original_id"])], terms, columns=("reasons",))
    return {
        "stories": redaction.redact_frame(allowed, terms)[list(RELEASE_COLUMNS)].reset_index(drop=True),
        "story_codings": coding.with_labels(redacted_codings, codebook).reset_index(drop=True),
        "story_selections": rounds.reset_index(drop=True),
        "story_codebook": codebook.reset_index(drop=True),
    }


#: Environment variable naming the stories folder (with its consent ledger) for the kiosk and the report.
STORIES_ENV = "WERKPLAATS_STORIES"
#: The purpose whose consent lets a story's own words (title, quote, panel reasons) into public output.
PUBLIC_PURPOSE = "exhibition_anonymous"


def stories_folder(release=None, folder: str | Path | None = None) -> Path | None:
    """The stories folder: ``folder`` when given (in full; a UserError when it is not a folder), else
    ``WERKPLAATS_STORIES``, else the demo stories for a demo release, else None (a real release alone
    has no consent ledger)."""
    if folder is not None:
        path = Path(folder).expanduser().resolve()
        if not path.is_dir():
            raise _no_folder(path)
        return path
    if os.environ.get(STORIES_ENV):
        return Path(os.environ[STORIES_ENV])
    return DEMO_STORIES_DIR if release is not None and getattr(release, "is_demo", False) else None


def tables_for(release, *, folder: str | Path | None = None) -> dict[str, pd.DataFrame]:
    """The story tables: built from ``folder`` (or ``WERKPLAATS_STORIES``) when given, so the next
    build follows the ledger; else the release's own; for the demo release without them, those of
    the demo stories. Empty dict when a (real) release has no stories: say so and go on.
    """
    if folder is not None or os.environ.get(STORIES_ENV):
        return release_tables(stories_folder(release, folder))
    if release.has("stories"):
        return {name: release.tables.get(name, pd.DataFrame()) for name in TABLE_NAMES}
    return release_tables(DEMO_STORIES_DIR) if release.is_demo else {}


def public_story_ids(release=None, *, folder: str | Path | None = None) -> set[str]:
    """Original story ids whose tellers allowed their words in public (``PUBLIC_PURPOSE``).

    Needs the stories folder with its ledger (``stories_folder``); without it nothing is public.
    """
    where = stories_folder(release, folder)
    if where is None or not Path(where).is_dir():
        return set()
    return set(shareable(where, PUBLIC_PURPOSE)["original_id"])


def public_tables(tables: dict[str, pd.DataFrame], shown: set[str], *, lang: str = "nl") -> dict[str, pd.DataFrame]:
    """The story tables as a public page may use them (``privacy.public_mode``).

    Stories: titles and quotes only of stories in ``shown`` (original ids with public consent),
    others keep their place in counts with title and quote emptied; text is never public.
    Codings: coders as "codeur A", "codeur B" … instead of pseudonyms. Selections: reasons only
    for stories in ``shown``. Counts on these tables still need the small-cell rule.
    """
    if not tables:
        return tables
    told = tables["stories"]
    public = told["original_id"].isin(shown)
    told = told.assign(title=told["title"].where(public, t("notebooks.stories.not_shown", lang)),
                       quote=told["quote"].where(public, None), text=None, teller=None, collector=None)
    chosen = tables["story_selections"]
    origin = dict(zip(tables["stories"]["story_id"], tables["stories"]["original_id"]))
    chosen = chosen.assign(reasons=chosen["reasons"].where(chosen["story_id"].map(origin).isin(shown), None))
    return {**tables, "stories": told, "story_selections": chosen,
            "story_codings": coding.anonymous_coders(tables["story_codings"], lang=lang)}


def in_period(tables: dict[str, pd.DataFrame], period: tuple | None) -> dict[str, pd.DataFrame]:
    """The story tables limited to stories told in ``period`` (first day, last day); None = all."""
    if not tables or period is None:
        return tables
    start, end = (pd.Timestamp(day) for day in period)
    kept = tables["stories"][tables["stories"]["date"].between(start, end)]
    return {**tables, "stories": kept,
            "story_codings": tables["story_codings"][tables["story_codings"]["story_id"].isin(kept["story_id"])],
            "story_selections": tables["story_selections"][tables["story_selections"]["story_id"].isin(kept["story_id"])]}


def notebook_tables(release, *, folder: str | Path | None = None, period: tuple | None = None, public: bool = False,
                    lang: str = "nl") -> tuple[dict[str, pd.DataFrame], list[str]]:
    """The story tables a research notebook shows (``tables_for`` in ``period``), and the notes to say first.

    Every table of ``TABLE_NAMES`` is there, empty when the release has no stories. With ``public``
    the tables are ``public_tables`` (words only with the tellers' public consent, coders without
    pseudonyms), and the notes say so, and that nothing is shown without the consent ledger.
    """
    tables = in_period(tables_for(release, folder=folder), period) or {}
    tables = {name: tables[name] if len(tables.get(name, pd.DataFrame()).columns) else schemas.empty_table(name)
              for name in TABLE_NAMES}
    if not public or tables["stories"].empty:
        return tables, []
    notes = [t("notebooks.stories.public_note", lang, min_cell=privacy.MIN_CELL, round_to=privacy.ROUND_TO)]
    if stories_folder(release, folder) is None:
        notes.append(t("notebooks.stories.no_ledger", lang))
    return public_tables(tables, public_story_ids(release, folder=folder), lang=lang), notes


def overview(stories: pd.DataFrame, *, public: bool = False) -> pd.DataFrame:
    """Original stories per activity (rows) and language (columns); translations not counted.

    ``public``: the small-cell rule (``privacy.small_cell``: below 10 suppressed, the rest rounded to 5).
    ``NoData("stories.no_data")`` without stories.
    """
    originals = charts.require(stories, "stories.no_data")
    originals = originals[originals["story_id"] == originals["original_id"]]
    table = pd.crosstab(originals["activity"], originals["language"], margins=True, margins_name="totaal")
    return privacy.small_cell(table, list(table.columns)) if public else table


def summary(tables: dict[str, pd.DataFrame], *, public: bool = False) -> pd.DataFrame:
    """One row: stories (told stories, translations included), originals (translations not counted),
    coders (distinct coders in story_codings) and codings (coded text spans); ``public``: small-cell rule.
    ``NoData("stories.no_data")`` without stories."""
    told, codings = charts.require(tables.get("stories"), "stories.no_data"), tables["story_codings"]
    row = pd.DataFrame([{"stories": len(told), "originals": int((told["story_id"] == told["original_id"]).sum()),
                         "coders": codings["coder"].nunique(), "codings": len(codings)}])
    return privacy.small_cell(row, list(row.columns)) if public else row


def selections(stories_dir: str | Path, *, purpose: str, ledger=None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """MSC selection rounds and the stories they may show for ``purpose``, both redacted.

    A choice of a story that may not be used for ``purpose`` keeps its round, panel and domain,
    but its reasons are emptied: the panel's reasons tell the story too.
    """
    folder = Path(stories_dir)
    rounds = msc.read_rounds(folder / ROUNDS_FILE)[0] if (folder / ROUNDS_FILE).exists() else msc.empty_rounds()
    shared = shareable(folder, purpose, ledger=ledger)
    rounds = redaction.redact_frame(rounds, redaction_list(folder), columns=("reasons",))
    allowed = rounds["story_id"].isin(shared["original_id"])
    return rounds.assign(reasons=rounds["reasons"].where(allowed, None)), shared


_LOOSE_ID = re.compile(r"^(id|photo)\s*:\s*[\"']?([A-Za-z0-9][A-Za-z0-9_-]*)", re.MULTILINE)


def _loose_ids(path: Path) -> set[str]:
    """The story id (the file name) and any id or photo id a broken story file seems to name,
    read line by line without YAML, so that their consent lines can point at the file."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    return {path.stem} | {match.group(2) for match in _LOOSE_ID.finditer(text)}


def check_folder(folder: str | Path) -> list[str]:
    """Every problem in a stories folder, by file and field, in plain words (Dutch, then English).

    Story files (front matter, fields, translations); the consent ledger (missing; consent for a
    story that does not exist; dates in the future; no way of giving; earlier lines changed since
    the last check, see ``consent.check_seal``); when present beside them: the redaction list,
    the codebook and codings (also: a coding beyond the end of the text) and the MSC rounds.
    Lines about a story whose own file has problems are not checked one by one: one problem says
    they wait for that file to be fixed. A problem repeated on many lines is named once.
    """
    folder = Path(folder)
    stories, problems = load_stories(folder)
    broken = {path.name: _loose_ids(path) for path in sorted(folder.glob("*.md"))
              if path.name.lower() != "readme.md" and path.stem not in set(stories["story_id"])}
    unreadable = set().union(*broken.values()) if broken else set()
    if (folder / LEDGER_FILE).exists():
        ledger, found = consent.read_ledger(folder / LEDGER_FILE)
        problems += found + consent.check_seal(folder / LEDGER_FILE)
        for file, ids in broken.items():
            subjects = sorted(set(ledger["subject"]) & ids)
            if subjects:
                problems.append(problem(LEDGER_FILE, "subject", "waits_for_story", subjects=listed(subjects), file=file))
        ledger = ledger[~ledger["subject"].isin(unreadable)]
        problems += consent.check_references(ledger, stories, file=LEDGER_FILE)
    elif len(stories):
        problems.append(problem(LEDGER_FILE, "file", "no_ledger", header=",".join(consent.COLUMNS)))
    if (folder / REDACTION_FILE).exists():
        problems += redaction.read_list(folder / REDACTION_FILE)[1]
    codebook = coding.empty_codebook()
    if (folder / CODEBOOK_FILE).exists():
        codebook, found = coding.read_codebook(folder / CODEBOOK_FILE)
        problems += found
        known = set(codebook["code"])
        for row in stories.itertuples():
            for theme in row.themes.split(";"):
                if theme and theme not in known:
                    problems.append(problem(row.file, "themes", "theme_not_in_codebook", value=theme, codebook=CODEBOOK_FILE))
    if (folder / CODINGS_FILE).exists():
        codings, found = coding.read_codings(folder / CODINGS_FILE)
        codings = codings[~codings["story_id"].isin(unreadable)]
        problems += found + coding.check_codings(codings, codebook, stories, file=CODINGS_FILE)
    if (folder / ROUNDS_FILE).exists():
        rounds, found = msc.read_rounds(folder / ROUNDS_FILE)
        rounds = rounds[~rounds["story_id"].isin(unreadable)]
        problems += found + msc.check_rounds(rounds, stories, file=ROUNDS_FILE)
    return list(dict.fromkeys(problems))
