"""Most Significant Change (Davies & Dart 2005): selection rounds as data, and a feedback sheet.

A panel (working group, residents, board) reads the stories of a period per domain of change,
chooses the most significant one and writes down why. ``msc_rounds.csv`` keeps one line per
choice: round, date, panel, domain, story_id, reasons. The feedback sheet tells tellers and
participants what was chosen and why, as one self-contained HTML page (no outside files).
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from werkplaats_data import charts, i18n, privacy
from werkplaats_data.problems import line, listed, problem, read_csv

#: Domains of change for the Werkplaats (the "what changed?" questions the panels ask).
DOMAINS = ("money_and_household", "contact_and_belonging", "skills_and_confidence", "neighbourhood_and_nature")
COLUMNS = ("round", "date", "panel", "domain", "story_id", "reasons")
RTL = {"ar", "fa", "ur"}


def empty_rounds() -> pd.DataFrame:
    """A rounds table with no choices."""
    return pd.DataFrame({"round": pd.Series(dtype="Int64"), "date": pd.Series(dtype="datetime64[ns]"),
                         **{c: pd.Series(dtype=object) for c in COLUMNS[2:]}})


def read_rounds(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """The choices in ``path`` and the problems of lines left out (each names line and field)."""
    path = Path(path)
    raw, problems = read_csv(path)
    if raw is None:
        return empty_rounds(), problems
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        return empty_rounds(), [problem(path.name, "columns", "ledger_columns", missing=listed(missing), header=",".join(COLUMNS))]
    keep, problems = [], []
    for number, row in enumerate(raw.to_dict("records"), start=2):
        where = line(path.name, number)
        found = []
        if not row["round"].strip().isdigit() or int(row["round"]) < 1:
            found.append(problem(where, "round", "not_a_round", value=row["round"]))
        date = pd.to_datetime(row["date"], format="%Y-%m-%d", errors="coerce")
        if pd.isna(date):
            found.append(problem(where, "date", "bad_date", value=row["date"]))
        if row["domain"] not in DOMAINS:
            found.append(problem(where, "domain", "unknown_domain", value=row["domain"], allowed=listed(DOMAINS)))
        for column in ("panel", "story_id", "reasons"):
            if not row[column].strip():
                found.append(problem(where, column, f"empty_{column}"))
        if found:
            problems += found
        else:
            keep.append({**{c: row[c].strip() for c in COLUMNS}, "round": int(row["round"]), "date": date})
    out = pd.DataFrame(keep, columns=list(COLUMNS)) if keep else empty_rounds()
    return out.astype({"round": "Int64", "date": "datetime64[ns]"}), problems


def check_rounds(rounds: pd.DataFrame, stories: pd.DataFrame, *, file: str = "msc_rounds.csv") -> list[str]:
    """Choices of a story that does not exist, or in another domain than the story's; two choices
    for the same round and domain."""
    domain_of = dict(zip(stories["story_id"], stories["domain"]))
    problems = []
    for row in rounds.itertuples():
        where = f"{file}, ronde {row.round}, {row.domain}"
        if row.story_id not in domain_of:
            problems.append(problem(where, "story_id", "no_story", value=row.story_id))
        elif domain_of[row.story_id] != row.domain:
            problems.append(problem(where, "domain", "other_domain", value=row.story_id, domain=domain_of[row.story_id]))
    twice = rounds.groupby(["round", "domain"]).size()
    for (round_no, domain), n in twice[twice > 1].items():
        problems.append(problem(f"{file}, ronde {round_no}", domain, "chosen_twice", n=n))
    return problems


def selections(rounds: pd.DataFrame, stories: pd.DataFrame, *, lang: str = "nl") -> pd.DataFrame:
    """Every choice with its domain in words and the chosen story's title, activity and language
    (empty when the story is not in ``stories``), sorted by round and domain.
    ``NoData("stories.no_data")`` when no panel chose a story."""
    charts.require(rounds, "stories.no_data")
    info = stories[["story_id", "title", "activity", "language"]]
    out = rounds.merge(info, on="story_id", how="left").sort_values(["round", "domain"], ignore_index=True)
    return out.assign(domain_label=out["domain"].map(lambda d: i18n.t(f"stories.domain.{d}", lang)))


def for_reader(stories: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per original story: its translation into ``lang`` when there is one among
    ``stories``, else the original. Adds ``is_translation``. Without ``original_id`` every row
    counts as an original."""
    told = stories.assign(original_id=stories["original_id"] if "original_id" in stories else stories["story_id"])
    told = told.assign(is_translation=told["story_id"] != told["original_id"])
    preferred = told.assign(_rank=[0 if (language == lang and translated) else 1 if not translated else 2
                                   for language, translated in zip(told["language"], told["is_translation"])])
    best = preferred.sort_values(["original_id", "_rank"], kind="stable").drop_duplicates("original_id")
    return best.drop(columns="_rank").sort_values("original_id", ignore_index=True)


def chosen_per_activity(rounds: pd.DataFrame, stories: pd.DataFrame, *, public: bool = False) -> pd.DataFrame:
    """How often panels chose a story from each activity: activity, chosen (``public``: small-cell rule).
    ``NoData("stories.no_data")`` when no panel chose a story."""
    charts.require(rounds, "stories.no_data")
    info = stories[["story_id", "activity"]]
    out = rounds.merge(info, on="story_id", how="inner").groupby("activity").size().reset_index(name="chosen")
    out = out.sort_values(["chosen", "activity"], ascending=[False, True], ignore_index=True)
    return privacy.small_cell(out, "chosen") if public else out


_STYLE = """
body{font-family:'DejaVu Sans',Arial,sans-serif;color:#1F2A36;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;font-size:1.1rem}
h1{font-size:1.8rem}h2{font-size:1.3rem;border-top:2px solid #0072B2;padding-top:.8rem;margin-top:2rem}
blockquote{font-size:1.2rem;margin:1rem 0;padding:.5rem 1rem;border-inline-start:5px solid #E69F00;background:#FFF7E6}
.demo{background:#F0E442;padding:.5rem 1rem;font-weight:bold}.note{color:#3B4B5C}
@media print{body{margin:0}}
"""


def feedback_html(rounds: pd.DataFrame, stories: pd.DataFrame, *, round_no: int, lang: str = "nl",
                  demo: bool = False) -> str:
    """The feedback sheet of one round as a self-contained HTML page (inline style, no links, no scripts).

    ``stories`` must already be the ones that may be shared, redacted (``stories.shareable``);
    a chosen story that is not among them is named by domain only, without title, quote or the
    panel's reasons (they tell the story too). A story is shown in the reader's language when a
    translation into it is among ``stories`` (``for_reader``). ``rounds`` reasons must already be
    redacted (``stories.selections`` does both).
    """
    chosen = rounds[rounds["round"] == round_no].sort_values("domain", key=lambda s: s.map(DOMAINS.index))
    if chosen.empty:
        raise ValueError(f"round {round_no} has no choices")
    by_id = {row["original_id"]: row for row in for_reader(stories, lang).to_dict("records")}
    esc = html.escape
    panel, date = chosen["panel"].iloc[0], i18n.format_date(chosen["date"].iloc[0], lang)
    parts = [f'<!DOCTYPE html>\n<html lang="{lang}" dir="{i18n.direction(lang)}">\n<head>\n<meta charset="utf-8">',
             f"<title>{esc(i18n.t('stories.feedback.title', lang, round=round_no))}</title>",
             f"<style>{_STYLE}</style>\n</head>\n<body>"]
    if demo:
        parts.append(f'<p class="demo">{esc(i18n.t("demo.banner", lang))}</p>')
    parts += [f"<h1>{esc(i18n.t('stories.feedback.title', lang, round=round_no))}</h1>",
              f"<p>{esc(i18n.t('stories.feedback.intro', lang, panel=panel, date=date))}</p>"]
    for row in chosen.itertuples():
        parts.append(f"<h2>{esc(i18n.t('stories.domain.' + row.domain, lang))}</h2>")
        story = by_id.get(row.story_id)
        if story is None:
            parts.append(f'<p class="note">{esc(i18n.t("stories.feedback.not_shared", lang))}</p>')
            continue
        story_lang = story["language"]
        direction = "rtl" if story_lang in RTL else "ltr"
        parts += [f'<h3 lang="{story_lang}" dir="{direction}">{esc(story["title"])}</h3>',
                  f'<blockquote lang="{story_lang}" dir="{direction}">{esc(story["quote"])}</blockquote>']
        if isinstance(row.reasons, str) and row.reasons:
            parts.append(f"<p><strong>{esc(i18n.t('stories.feedback.reasons', lang))}</strong> {esc(row.reasons)}</p>")
    parts += [f'<p class="note">{esc(i18n.t("stories.feedback.footer", lang))}</p>', "</body>\n</html>\n"]
    return "\n".join(parts)
