"""Coding stories: a codebook, codings by several coders, theme counts and agreement.

- The codebook (``codebook.csv``): code, parent (empty for a top-level code), label_nl,
  label_en, description_nl, description_en, survey_items (';'-separated survey items that ask
  about the same thing, for comparing stories with the motivation survey; may be empty).
- Codings (``codings.csv``): story_id, coder (a pseudonym), code, start, end — a character span
  of the story text, start counted from 0 and end not included (Python's ``text[start:end]``).

Agreement is measured per story: for each coder who coded a story (applied at least one code
to it) and each code, the coder either used the code somewhere in the story (1) or not (0).
Cohen's κ compares two coders; Krippendorff's α all coders at once (``werkplaats_data.stats``).
"""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd

from werkplaats_data import charts, privacy, stats
from werkplaats_data.i18n import format_number, t
from werkplaats_data.problems import line, problem, read_csv
from werkplaats_data.redaction import map_span, redact_with_edits

CODEBOOK_COLUMNS = ("code", "parent", "label_nl", "label_en", "description_nl", "description_en", "survey_items")
CODING_COLUMNS = ("story_id", "coder", "code", "start", "end")
#: The row label for agreement over all codes together.
ALL_CODES = "(all)"


def empty_codebook() -> pd.DataFrame:
    """A codebook with no codes."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in CODEBOOK_COLUMNS})


def empty_codings() -> pd.DataFrame:
    """A codings table with no rows."""
    return pd.DataFrame({c: pd.Series(dtype="Int64" if c in ("start", "end") else object) for c in CODING_COLUMNS})


def _read(path: Path, columns: tuple[str, ...], optional: tuple[str, ...] = ()) -> tuple[pd.DataFrame | None, list[str]]:
    raw, problems = read_csv(path)
    if raw is None:
        return None, problems
    missing = [c for c in columns if c not in raw.columns and c not in optional]
    if missing:
        return None, [problem(path.name, "columns", "ledger_columns", missing=", ".join(missing), header=",".join(columns))]
    for column in optional:
        if column not in raw:
            raw[column] = ""
    return raw.apply(lambda s: s.str.strip()), []


def read_codebook(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """The codebook in ``path`` and its problems (empty or repeated code, unknown parent)."""
    path = Path(path)
    raw, problems = _read(path, CODEBOOK_COLUMNS, optional=("survey_items", "description_nl", "description_en"))
    if raw is None:
        return empty_codebook(), problems
    codes = set(raw["code"])
    keep = []
    for number, row in enumerate(raw.to_dict("records"), start=2):
        where = line(path.name, number)
        if not row["code"]:
            problems.append(problem(where, "code", "empty_code"))
        elif row["code"] in {k["code"] for k in keep}:
            problems.append(problem(where, "code", "code_twice", value=row["code"]))
        elif row["parent"] and row["parent"] not in codes:
            problems.append(problem(where, "parent", "unknown_parent", value=row["parent"]))
        else:
            keep.append(row)
    return (pd.DataFrame(keep, columns=list(CODEBOOK_COLUMNS)) if keep else empty_codebook()), problems


def read_codings(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """The codings in ``path`` and their problems (empty fields, spans that are not 0 ≤ start < end)."""
    path = Path(path)
    raw, problems = _read(path, CODING_COLUMNS)
    if raw is None:
        return empty_codings(), problems
    keep = []
    for number, row in enumerate(raw.to_dict("records"), start=2):
        where = line(path.name, number)
        empty = [c for c in ("story_id", "coder", "code") if not row[c]]
        start, end = pd.to_numeric(row["start"], errors="coerce"), pd.to_numeric(row["end"], errors="coerce")
        if empty:
            problems.append(problem(where, empty[0], "empty_cell"))
        elif pd.isna(start) or pd.isna(end) or not 0 <= start < end or start % 1 or end % 1:
            problems.append(problem(where, "start/end", "not_a_span", start=row["start"], end=row["end"]))
        else:
            keep.append({**row, "start": int(start), "end": int(end)})
    out = pd.DataFrame(keep, columns=list(CODING_COLUMNS)) if keep else empty_codings()
    return out.astype({"start": "Int64", "end": "Int64"}), problems


def check_codings(codings: pd.DataFrame, codebook: pd.DataFrame, stories: pd.DataFrame, *,
                  file: str = "codings.csv") -> list[str]:
    """Codings that point to an unknown story or code, or run past the end of the story text."""
    lengths = dict(zip(stories["story_id"], stories["text"].str.len()))
    codes = set(codebook["code"])
    problems = []
    for row in codings.itertuples():
        where = f"{file}, {row.story_id} ({row.coder})"
        if row.story_id not in lengths:
            problems.append(problem(where, "story_id", "no_story", value=row.story_id))
        elif row.end > lengths[row.story_id]:
            problems.append(problem(where, "end", "past_the_text", value=row.end, length=lengths[row.story_id]))
        if codes and row.code not in codes:
            problems.append(problem(where, "code", "code_not_in_codebook", value=row.code))
    return problems


def redact_spans(codings: pd.DataFrame, stories: pd.DataFrame, terms: pd.DataFrame) -> pd.DataFrame:
    """Codings with their spans moved to the redacted story texts (see ``redaction.map_span``)."""
    edits = {sid: redact_with_edits(text, terms)[1] for sid, text in zip(stories["story_id"], stories["text"])}
    out = codings.copy()
    spans = [map_span(int(s), int(e), edits.get(sid, [])) for sid, s, e in zip(out["story_id"], out["start"], out["end"])]
    out["start"] = pd.array([s for s, _ in spans], dtype="Int64")
    out["end"] = pd.array([e for _, e in spans], dtype="Int64")
    return out


def anonymous_coders(codings: pd.DataFrame, *, lang: str = "nl") -> pd.DataFrame:
    """Codings with each coder's pseudonym replaced by "codeur A", "codeur B" … (in order of pseudonym),
    for public pages: agreement can be shown without naming who coded."""
    letters = {coder: t("stories.coder", lang, letter=chr(ord("A") + i % 26) + ("" if i < 26 else str(i // 26)))
               for i, coder in enumerate(sorted(codings["coder"].dropna().unique()))}
    return codings.assign(coder=codings["coder"].map(letters))


def with_labels(codings: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """Codings with each code's parent and NL/EN label from the codebook."""
    labels = codebook[["code", "parent", "label_nl", "label_en"]]
    out = codings.merge(labels, on="code", how="left")
    return out[["story_id", "coder", "code", "parent", "label_nl", "label_en", "start", "end"]]


def presence(codings: pd.DataFrame, codes) -> pd.DataFrame:
    """Per coder × (story, code): 1 if the coder used the code in the story, 0 if they coded the
    story but not with this code, NaN if they did not code the story. Rows coders, columns units."""
    coded = codings[["coder", "story_id"]].drop_duplicates()
    grid = coded.merge(pd.DataFrame({"code": list(codes)}), how="cross")
    used = codings[["coder", "story_id", "code"]].drop_duplicates().assign(present=1.0)
    grid = grid.merge(used, on=["coder", "story_id", "code"], how="left").fillna({"present": 0.0})
    return grid.pivot_table(index="coder", columns=["story_id", "code"], values="present", aggfunc="max")


def _codable(codings: pd.DataFrame, codebook: pd.DataFrame) -> list[str]:
    """Codes coders can apply: the codebook's codes without children, plus any code used."""
    parents = set(codebook["parent"].dropna()) - {""}
    return sorted((set(codebook["code"]) - parents) | set(codings["code"]))


def alpha_by_code(codings: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """Krippendorff's α (nominal) per code and over all codes: code, coders, stories, alpha.

    Units are stories (per code) or (story, code) pairs (all codes); only units coded by two or
    more coders count. α is NaN when every coder gave the same answer everywhere.
    """
    codes = _codable(codings, codebook)
    matrix = presence(codings, codes)
    rows = []
    for code in [*codes, ALL_CODES]:
        part = matrix if code == ALL_CODES else matrix.xs(code, axis=1, level="code")
        shared = part.loc[:, part.notna().sum() >= 2]
        rows.append({"code": code, "coders": int(part.notna().any(axis=1).sum()),
                     "stories": int(shared.columns.get_level_values("story_id").nunique() if code == ALL_CODES else shared.shape[1]),
                     "alpha": stats.krippendorff_alpha(shared.to_numpy()) if shared.shape[1] else np.nan})
    return pd.DataFrame(rows)


def kappa_by_pair(codings: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """Cohen's κ for every pair of coders, per code and over all codes: code, coder_1, coder_2, units, kappa.

    Units are the stories (per code) or (story, code) pairs (all codes) both coders coded. κ is
    NaN when both coders gave one and the same answer throughout (nothing to compare).
    """
    codes = _codable(codings, codebook)
    matrix = presence(codings, codes)
    rows = []
    for first, second in combinations(matrix.index, 2):
        pair = matrix.loc[[first, second]].dropna(axis=1)
        for code in [*codes, ALL_CODES]:
            part = pair if code == ALL_CODES else pair.xs(code, axis=1, level="code")
            a, b = part.loc[first].to_numpy(), part.loc[second].to_numpy()
            constant = len(set(a) | set(b)) < 2
            kappa = np.nan if constant or not len(a) else stats.cohens_kappa(a, b)
            rows.append({"code": code, "coder_1": first, "coder_2": second, "units": len(a), "kappa": kappa})
    return pd.DataFrame(rows)


def story_themes(codings: pd.DataFrame, stories: pd.DataFrame, *, min_coders: int = 1,
                 codebook: pd.DataFrame | None = None) -> pd.DataFrame:
    """The themes of each original story: original_id, code — where at least ``min_coders``
    different coders used the code in the story or one of its translations.

    With a ``codebook``, codes are replaced by their parent (top-level themes).
    """
    origin = dict(zip(stories["story_id"], stories["original_id"]))
    used = codings.assign(original_id=codings["story_id"].map(origin)).dropna(subset=["original_id"])
    if codebook is not None:
        parent = {c: p for c, p in zip(codebook["code"], codebook["parent"]) if isinstance(p, str) and p}
        used = used.assign(code=used["code"].map(lambda c: parent.get(c, c)))
    coders = used.groupby(["original_id", "code"])["coder"].nunique().reset_index(name="coders")
    return coders.loc[coders["coders"] >= min_coders, ["original_id", "code"]].reset_index(drop=True)


def theme_counts(stories: pd.DataFrame, codings: pd.DataFrame, *, by: str | None = "activity", min_coders: int = 1,
                 codebook: pd.DataFrame | None = None, public: bool = False) -> pd.DataFrame:
    """How many original stories of each group carry each theme: by, code, stories, group_stories, share.

    ``by`` is a story column (activity, language, domain), or None for all stories as one group
    (``by`` column "all"). Translations count with their original (in the original's group).
    ``share`` = stories / group_stories. See ``story_themes`` for ``min_coders`` and ``codebook``.
    ``public``: the small-cell rule — counts below 10 left out, the rest rounded to 5, a share
    only on a group of 10 or more.
    """
    originals = stories[stories["story_id"] == stories["original_id"]]
    if by is None:
        by, originals = "all", originals.assign(all="all")
    themes = story_themes(codings, stories, min_coders=min_coders, codebook=codebook)
    groups = originals[["story_id", by]].rename(columns={"story_id": "original_id"})
    counted = themes.merge(groups, on="original_id").groupby([by, "code"]).size().reset_index(name="stories")
    sizes = groups.groupby(by).size().rename("group_stories").reset_index()
    out = counted.merge(sizes, on=by)
    out = out.assign(share=out["stories"] / out["group_stories"]).sort_values([by, "code"], ignore_index=True)
    if not public:
        return out
    shares = [privacy.safe_share(part, base) for part, base in zip(out["stories"], out["group_stories"])]
    out = privacy.small_cell(out.assign(share=pd.Series(shares, index=out.index, dtype="float64")), ["stories", "group_stories"])
    return out.dropna(subset=["stories"]).reset_index(drop=True)


def theme_survey_comparison(stories: pd.DataFrame, codings: pd.DataFrame, codebook: pd.DataFrame,
                            responses: pd.DataFrame, items: pd.DataFrame, *, min_coders: int = 1,
                            public: bool = False) -> pd.DataFrame:
    """Each theme linked to survey items: code, story_share, survey_score, respondents.

    story_share: share of original stories with the theme. survey_score: mean answer to the
    linked items (codebook ``survey_items``), rescaled to 0–1 with each item's own min and max
    (``items`` needs item, min, max), so 1 = everyone fully agrees. The two are different
    questions to different people: read them side by side, not as one measure. ``public``: a share
    only on 10 or more stories, a score only from 10 or more respondents, respondents rounded to 5.
    """
    originals = stories[stories["story_id"] == stories["original_id"]]
    themes = story_themes(codings, stories, min_coders=min_coders)
    bounds = items.set_index("item")[["min", "max"]].astype(float)
    scaled = responses[responses["item"].isin(bounds.index)].dropna(subset=["value"]).copy()
    low, high = bounds.loc[scaled["item"], "min"].to_numpy(), bounds.loc[scaled["item"], "max"].to_numpy()
    scaled["scaled"] = (scaled["value"].to_numpy() - low) / (high - low)
    rows = []
    for row in codebook.itertuples():
        linked = [i for i in str(row.survey_items or "").split(";") if i]
        if not linked:
            continue
        answers = scaled[scaled["item"].isin(linked)]
        rows.append({"code": row.code, "label_nl": row.label_nl, "label_en": row.label_en,
                     "story_share": (themes["code"] == row.code).sum() / len(originals) if len(originals) else np.nan,
                     "survey_score": answers["scaled"].mean() if len(answers) else np.nan,
                     "respondents": int(answers["person_id"].nunique())})
    out = pd.DataFrame(rows, columns=["code", "label_nl", "label_en", "story_share", "survey_score", "respondents"])
    if public:
        base = len(originals)
        out = out.assign(story_share=[privacy.safe_share(v * base, base) if pd.notna(v) else None for v in out["story_share"]],
                         survey_score=[v if privacy.safe_count(n) is not None else None
                                       for v, n in zip(out["survey_score"], out["respondents"])])
        out = privacy.small_cell(out, "respondents")
    return out


def most_common_theme(counts: pd.DataFrame, codebook: pd.DataFrame, *, lang: str = "nl") -> str | None:
    """The label of the theme in most stories (``theme_counts`` output); ties: alphabetical; None if none."""
    if counts.empty:
        return None
    totals = counts.groupby("code")["stories"].sum().sort_index(kind="stable")
    return _label(codebook, lang).get(totals.idxmax(), totals.idxmax())


def _label(codebook: pd.DataFrame, lang: str) -> dict[str, str]:
    """code → label in ``lang`` (Dutch for nl, English otherwise)."""
    column = "label_nl" if lang == "nl" else "label_en"
    return {c: (l if isinstance(l, str) and l else c) for c, l in zip(codebook["code"], codebook[column])}


def theme_chart(counts: pd.DataFrame, codebook: pd.DataFrame, *, by: str, source: str, lang: str = "nl",
                title: str = "", group_labels: dict | None = None) -> alt.TopLevelMixin:
    """Stories per theme, one bar per theme, coloured by group (``theme_counts`` output).

    ``group_labels`` names the groups in words (e.g. activity id → Dutch name); others keep their code.
    """
    labels, groups = _label(codebook, lang), group_labels or {}
    data = counts.assign(theme=counts["code"].map(lambda c: labels.get(c, c)),
                         group=counts[by].map(lambda g: groups.get(g, g)))
    chart = alt.Chart(data, title=title).mark_bar().encode(
        y=alt.Y("theme:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("sum(stories):Q", title=t("stories.chart.stories", lang), axis=alt.Axis(tickMinStep=1)),
        color=alt.Color("group:N", title=None, legend=alt.Legend(labelLimit=320)),
        tooltip=["theme:N", "group:N", "stories:Q"],
    )
    return charts.with_source(chart, source)


def activity_themes_chart(stories: pd.DataFrame, codings: pd.DataFrame, codebook: pd.DataFrame, *, source: str,
                          activity_names: dict | None = None, lang: str = "nl", public: bool = False) -> alt.TopLevelMixin:
    """Stories per theme coloured by activity (``theme_counts``, one coder is enough); the title names
    the theme in most stories.

    Rule for ``public``: all stories as one group — per activity every count would be below the
    small-cell limit — with the small-cell rule, and the title says so. ``NoData("stories.no_data")``
    without stories, ``NoData("notebooks.stories.too_few")`` when no theme is left to show.
    """
    by = None if public else "activity"
    counts = theme_counts(charts.require(stories, "stories.no_data"), codings, by=by, min_coders=1, public=public)
    top = most_common_theme(counts, codebook, lang=lang)
    if top is None:
        raise charts.NoData("notebooks.stories.too_few", min_cell=privacy.MIN_CELL, round_to=privacy.ROUND_TO)
    if public:
        title = t("notebooks.stories.top_theme_public", lang, theme=top.lower(), min_cell=privacy.MIN_CELL)
        return theme_chart(counts, codebook, by="all", source=source, lang=lang, title=title,
                           group_labels={"all": t("notebooks.stories.all_stories", lang)})
    return theme_chart(counts, codebook, by="activity", source=source, lang=lang, group_labels=activity_names,
                       title=t("notebooks.stories.top_theme", lang, theme=top.lower()))


def language_themes_chart(stories: pd.DataFrame, codings: pd.DataFrame, codebook: pd.DataFrame, *, source: str,
                          language_names: dict | None = None, lang: str = "nl", public: bool = False) -> alt.TopLevelMixin:
    """Stories per main theme (the codebook's top-level codes), coloured by the story's language;
    ``public``: the small-cell rule. ``NoData`` as ``activity_themes_chart``."""
    counts = theme_counts(charts.require(stories, "stories.no_data"), codings, by="language", min_coders=1,
                          codebook=codebook, public=public)
    if counts.empty:
        raise charts.NoData("notebooks.stories.too_few", min_cell=privacy.MIN_CELL, round_to=privacy.ROUND_TO)
    return theme_chart(counts, codebook, by="language", source=source, lang=lang, group_labels=language_names,
                       title=t("notebooks.stories.by_language", lang))


def overall_agreement_chart(codings: pd.DataFrame, codebook: pd.DataFrame, *, source: str,
                            lang: str = "nl") -> alt.TopLevelMixin:
    """``agreement_chart`` of ``alpha_by_code``, the title giving α over all codes together.
    ``NoData("stories.no_data")`` without codings."""
    alphas = alpha_by_code(charts.require(codings, "stories.no_data"), codebook)
    overall = alphas.set_index("code").loc[ALL_CODES, "alpha"]
    return agreement_chart(alphas, codebook, source=source, lang=lang,
                           title=t("notebooks.stories.agreement", lang, alpha=format_number(overall, lang, 2)))


def overall_kappas(codings: pd.DataFrame, codebook: pd.DataFrame) -> pd.DataFrame:
    """``kappa_by_pair`` over all codes together (the ``ALL_CODES`` rows). ``NoData("stories.no_data")`` without codings."""
    kappas = kappa_by_pair(charts.require(codings, "stories.no_data"), codebook)
    return kappas[kappas["code"] == ALL_CODES].reset_index(drop=True)


def agreement_chart(alphas: pd.DataFrame, codebook: pd.DataFrame, *, source: str, lang: str = "nl",
                    title: str = "") -> alt.TopLevelMixin:
    """Krippendorff's α per code (``alpha_by_code`` output), with the 0.800 line for 'reliable'."""
    labels = {**_label(codebook, lang), ALL_CODES: t("coding.label.all_codes", lang)}
    data = alphas.dropna(subset=["alpha"]).assign(theme=lambda d: d["code"].map(lambda c: labels.get(c, c)))
    bars = alt.Chart(data).mark_bar().encode(
        y=alt.Y("theme:N", sort="-x", title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("alpha:Q", title=t("stories.chart.alpha", lang), scale=alt.Scale(domain=[-0.2, 1])),
        tooltip=["theme:N", alt.Tooltip("alpha:Q", format=".2f"), "stories:Q", "coders:Q"],
    )
    rule = alt.Chart({"values": [{"x": 0.8, "label": t("stories.chart.reliable", lang)}]}).mark_rule(
        strokeDash=[6, 4], color=charts.PALETTE[3]).encode(x="x:Q", tooltip=["label:N"])
    return charts.with_source(alt.layer(bars, rule, title=title), source)


def survey_comparison_chart(stories: pd.DataFrame, codings: pd.DataFrame, codebook: pd.DataFrame,
                            responses: pd.DataFrame, items: pd.DataFrame, *, source: str, lang: str = "nl",
                            public: bool = False) -> alt.TopLevelMixin:
    """``theme_survey_chart`` of ``theme_survey_comparison``; ``NoData("notebooks.no_survey_or_stories")``
    without stories or without survey answers."""
    if stories.empty or responses.empty:
        raise charts.NoData("notebooks.no_survey_or_stories")
    comparison = theme_survey_comparison(stories, codings, codebook, responses, items, public=public)
    return theme_survey_chart(comparison, source=source, lang=lang, title=t("notebooks.stories.survey", lang))


def theme_survey_chart(comparison: pd.DataFrame, *, source: str, lang: str = "nl", title: str = "") -> alt.TopLevelMixin:
    """Per theme two dots: share of stories with it, and the mean survey score (``theme_survey_comparison``);
    a value that is not there (in public: below the small-cell limit) gets no dot."""
    label = "label_nl" if lang == "nl" else "label_en"
    names = {"story_share": t("stories.chart.story_share", lang), "survey_score": t("stories.chart.survey_score", lang)}
    data = comparison.melt(id_vars=[label], value_vars=list(names), var_name="measure", value_name="value")
    data = data.assign(measure=data["measure"].map(names), theme=data[label]).dropna(subset=["value"])
    chart = alt.Chart(data, title=title).mark_point(filled=True, size=160).encode(
        y=alt.Y("theme:N", title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("value:Q", title=t("stories.chart.share", lang), scale=alt.Scale(domain=[0, 1])),
        color=alt.Color("measure:N", title=None, legend=alt.Legend(orient="bottom", direction="vertical", labelLimit=600)),
        shape=alt.Shape("measure:N", title=None),
        tooltip=["theme:N", "measure:N", alt.Tooltip("value:Q", format=".2f")],
    )
    return charts.with_source(chart, source)
