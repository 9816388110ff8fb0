"""Why residents take part: scores for the motivation survey, their reliability, and charts.

Everything starts from the release table ``survey_responses`` (long: one answer per row, columns
response_id, person_id, date, instrument, item, value, text, language). Items are recognised by
their code (``vfi_3``, ``sci_12``, ``local_saving_money``, ``open_why``) through the item
definitions in ``data/survey_items.csv``, so the ``instrument`` column is not needed for scoring.

- VFI (Clary et al. 1998): six functions, each the mean of its 5 items (1–7).
- SCI-2 (Chavis et al. 2008): four subscales, each the sum of its 6 items (0–3, so 0–18), and a total (0–72).
- Local items of the Werkplaats (1–5) and open questions.
The kit's wording is a paraphrase of both instruments, in Dutch and English: "adapted, not validated".

Why residents take part is also read from their stories (``werkplaats_data.stories``, research
consent only): ``story_motives`` counts the stories per theme.

``public=True`` (see ``privacy.public_mode``): numbers of forms, people and stories pass the
small-cell rule (below 10 suppressed, others rounded to 5); means, shares and α are shown only on
a base of 10 or more; no person id leaves a function that has the keyword.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import altair as alt
import numpy as np
import pandas as pd

from werkplaats_data import stats
from werkplaats_data.charts import with_source
from werkplaats_data.i18n import format_number, t
from werkplaats_data.privacy import MIN_CELL, count_text, safe_share, small_cell

VFI_FUNCTIONS = ("values", "understanding", "social", "career", "protective", "enhancement")
SCI_SUBSCALES = ("reinforcement_of_needs", "membership", "influence", "shared_emotional_connection")
#: A VFI function score needs at least this many of its 5 items answered.
VFI_MIN_ITEMS = 3
#: An SCI-2 subscale may miss at most this many of its 6 items (the sum is then prorated).
SCI_MAX_MISSING = 1
#: A local item (1–5) counts as agreement from this value up ("eens", "helemaal eens").
LOCAL_AGREE_FROM = 4
_RESPONSE_COLUMNS = ["response_id", "person_id", "date", "language"]
#: The codebook's top-level story themes (werkplaats_data.stories): why people take part, their
#: circumstances, and sustainability; a theme outside them is "other".
STORY_GROUPS = ("motives", "circumstances", "sustainability")


@cache
def _items() -> pd.DataFrame:
    with (files("werkplaats_data") / "data" / "survey_items.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"validated_nl": str}, keep_default_na=False, na_values={"min": [""], "max": [""]})


def survey_items(instrument: str | None = None) -> pd.DataFrame:
    """The item definitions (instrument, item, scale, text_nl, text_en, min, max, validated_nl, source).

    ``instrument`` (vfi, sci, local, open) keeps only that instrument's items, in questionnaire order.
    """
    items = _items()
    if instrument is not None:
        items = items[items["instrument"] == instrument]
    return items.reset_index(drop=True).copy()


def item_text(items: pd.DataFrame, lang: str) -> pd.Series:
    """The item wording in ``lang``: Dutch for "nl", English for every other language."""
    return items["text_nl"] if lang == "nl" else items["text_en"]


def in_period(responses: pd.DataFrame, *, start=None, end=None) -> pd.DataFrame:
    """The answers of forms dated from ``start`` up to and including ``end`` (either may be None: no limit)."""
    keep = pd.Series(True, index=responses.index)
    if start is not None:
        keep &= responses["date"] >= pd.Timestamp(start)
    if end is not None:
        keep &= responses["date"] <= pd.Timestamp(end)
    return responses[keep]


def survey_overview(responses: pd.DataFrame, *, public: bool = False) -> pd.DataFrame:
    """One row: forms (filled-in questionnaires), people, first and last date, and forms per language ("nl: 20, en: 5").

    ``public``: forms, people and the per-language numbers pass the small-cell rule.
    """
    forms = responses.drop_duplicates("response_id")
    per_language = forms["language"].fillna("?").value_counts()
    overview = pd.DataFrame([{
        "forms": len(forms), "people": forms["person_id"].nunique(),
        "first": forms["date"].min(), "last": forms["date"].max(),
        "languages": ", ".join(f"{lang}: {count_text(n, public=public)}" for lang, n in per_language.items()),
    }])
    return small_cell(overview, ["forms", "people"]) if public else overview


def answers_wide(responses: pd.DataFrame, instrument: str) -> pd.DataFrame:
    """One row per filled-in form, one column per item of ``instrument`` (numeric answers).

    Rows are the forms that answered at least one of the instrument's items; the index is
    response_id and the columns person_id, date, language come first. Answers outside the item's
    min–max range count as missing.
    """
    items = survey_items(instrument)
    answers = responses[responses["item"].isin(items["item"])].merge(items[["item", "min", "max"]], on="item")
    in_range = answers["value"].between(answers["min"], answers["max"])
    answers = answers.assign(value=answers["value"].where(in_range))
    wide = answers.pivot(index="response_id", columns="item", values="value").reindex(columns=items["item"])
    wide.columns.name = None
    about = responses.drop_duplicates("response_id").set_index("response_id")[_RESPONSE_COLUMNS[1:]]
    return about.join(wide, how="inner")


def _scores(responses: pd.DataFrame, instrument: str, scales: tuple[str, ...], score) -> pd.DataFrame:
    items = survey_items(instrument)
    wide = answers_wide(responses, instrument)
    rows = []
    for scale in scales:
        answers = wide[items.loc[items["scale"] == scale, "item"]]
        rows.append(pd.DataFrame({
            "response_id": wide.index, "instrument": instrument, "scale": scale,
            "score": score(answers).to_numpy(), "items_answered": answers.notna().sum(axis=1).to_numpy(),
        }))
    scores = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    return wide[_RESPONSE_COLUMNS[1:]].reset_index().merge(scores, on="response_id")[
        _RESPONSE_COLUMNS + ["instrument", "scale", "score", "items_answered"]
    ]


def vfi_scores(responses: pd.DataFrame, *, min_items: int = VFI_MIN_ITEMS) -> pd.DataFrame:
    """VFI function scores: one row per form and function (values, understanding, social, career, protective, enhancement).

    Score = mean of the function's answered items (1–7). When fewer than ``min_items`` of its 5 items
    are answered, the score is missing (NaN). Columns: response_id, person_id, date, language,
    instrument, scale, score, items_answered.
    """
    def score(answers: pd.DataFrame) -> pd.Series:
        return answers.mean(axis=1).where(answers.notna().sum(axis=1) >= min_items)

    return _scores(responses, "vfi", VFI_FUNCTIONS, score)


def sci_scores(responses: pd.DataFrame, *, max_missing: int = SCI_MAX_MISSING) -> pd.DataFrame:
    """SCI-2 subscale sums (0–18) and total (0–72): one row per form and scale (four subscales, then "total").

    Subscale = sum of its 6 items (0–3). When up to ``max_missing`` items are missing the sum is
    prorated (mean of the answered items × 6); with more missing the subscale is missing (NaN).
    The total is the sum of the four subscales, and missing when any subscale is missing.
    Same columns as ``vfi_scores``.
    """
    def score(answers: pd.DataFrame) -> pd.Series:
        enough = answers.notna().sum(axis=1) >= answers.shape[1] - max_missing
        return (answers.mean(axis=1) * answers.shape[1]).where(enough)

    subscales = _scores(responses, "sci", SCI_SUBSCALES, score)
    if subscales.empty:
        return subscales
    total = subscales.groupby("response_id", sort=False).agg(
        score=("score", lambda s: s.sum() if s.notna().all() else np.nan), items_answered=("items_answered", "sum")
    )
    first = subscales.drop_duplicates("response_id").set_index("response_id")[["person_id", "date", "language", "instrument"]]
    totals = first.join(total).reset_index().assign(scale="total")[subscales.columns]
    return pd.concat([subscales, totals], ignore_index=True)


def scale_summary(scores: pd.DataFrame, *, by: str | None = None, public: bool = False) -> pd.DataFrame:
    """Per scale (and per ``by`` group, e.g. "language"): n (forms with a score), mean, sd, median.

    ``scores`` comes from ``vfi_scores`` or ``sci_scores``. Rows are in the order of the scales,
    missing scores are left out. ``public``: n passes the small-cell rule and mean, sd and median
    are empty where fewer than 10 forms have a score.
    """
    keys = ["instrument", "scale"] + ([by] if by else [])
    valid = scores.dropna(subset=["score"])
    summary = valid.groupby(keys, sort=False)["score"].agg(n="count", mean="mean", sd="std", median="median").reset_index()
    order = {s: i for i, s in enumerate(VFI_FUNCTIONS + SCI_SUBSCALES + ("total",))}
    summary["position"] = summary["scale"].map(order)
    summary = summary.sort_values(["instrument", "position"], kind="stable").drop(columns="position").reset_index(drop=True)
    return _public_statistics(summary, "n", ["mean", "sd", "median"]) if public else summary


def _public_statistics(table: pd.DataFrame, base: str, statistics: list[str], counts: tuple[str, ...] = (),
                       shares: dict[str, str] | None = None) -> pd.DataFrame:
    """``statistics`` emptied where ``base`` < 10; each share column of ``shares`` (share → its count)
    only as ``privacy.safe_share`` allows; then ``base`` and ``counts`` through the small-cell rule."""
    table = table.copy()
    table.loc[table[base] < MIN_CELL, statistics] = np.nan
    for share, count in (shares or {}).items():
        table[share] = [np.nan if (v := safe_share(c, n)) is None else v for c, n in zip(table[count], table[base])]
    return small_cell(table, [base, *counts])


def local_agreement(responses: pd.DataFrame, *, public: bool = False) -> pd.DataFrame:
    """The Werkplaats' own items (1 = helemaal oneens … 5 = helemaal eens), one row per item.

    Columns: item, text_nl, text_en, n (forms that answered), mean, agree (forms answering
    ``LOCAL_AGREE_FROM`` or higher), share_agree (agree / n). Items nobody answered have n = 0.
    ``public``: n and agree pass the small-cell rule; the mean only where n ≥ 10, the share as
    ``privacy.safe_share`` allows.
    """
    items = survey_items("local")
    wide = answers_wide(responses, "local")
    rows = []
    for item in items["item"]:
        answers = wide[item].dropna() if item in wide else pd.Series(dtype=float)
        agree = int((answers >= LOCAL_AGREE_FROM).sum())
        rows.append({"item": item, "n": len(answers), "mean": answers.mean(), "agree": agree,
                     "share_agree": agree / len(answers) if len(answers) else np.nan})
    table = items[["item", "text_nl", "text_en"]].merge(pd.DataFrame(rows), on="item")
    return _public_statistics(table, "n", ["mean"], counts=("agree",), shares={"share_agree": "agree"}) if public else table


def reliability(responses: pd.DataFrame, *, public: bool = False) -> pd.DataFrame:
    """Cronbach's α per VFI function, SCI-2 subscale and SCI-2 total, with its 95 % Feldt interval.

    Uses only forms that answered every item of the scale (listwise). Columns: instrument, scale,
    n_items, n_respondents, alpha, ci_low, ci_high. α ≥ .70 is usually read as acceptable; with few
    respondents the interval is wide. ``public``: n_respondents passes the small-cell rule and α
    is given only on 10 or more complete forms.
    """
    rows = []
    for instrument, scales in (("vfi", VFI_FUNCTIONS), ("sci", SCI_SUBSCALES + ("total",))):
        items = survey_items(instrument)
        wide = answers_wide(responses, instrument)
        for scale in scales:
            codes = items["item"] if scale == "total" else items.loc[items["scale"] == scale, "item"]
            result = stats.cronbach_alpha(wide[codes])
            rows.append({"instrument": instrument, "scale": scale, "n_items": result.n_items,
                         "n_respondents": result.n_respondents, "alpha": result.alpha,
                         "ci_low": result.ci_low, "ci_high": result.ci_high})
    table = pd.DataFrame(rows)
    return _public_statistics(table, "n_respondents", ["alpha", "ci_low", "ci_high"]) if public else table


def open_answers(responses: pd.DataFrame, *, item: str | None = None) -> pd.DataFrame:
    """The non-empty answers to open questions (or to one open ``item``), oldest first.

    Columns: response_id, person_id, date, language, item, text.
    """
    codes = survey_items("open")["item"] if item is None else [item]
    answers = responses[responses["item"].isin(codes)]
    answers = answers[answers["text"].fillna("").str.strip() != ""]
    return answers[_RESPONSE_COLUMNS + ["item", "text"]].sort_values(["date", "response_id"]).reset_index(drop=True)


#: A first sort of open answers by keywords (word starts), named after the local items. Dutch and English,
#: plus draft Turkish and Arabic words to be checked by native speakers. This is not coding: it finds
#: words, not meaning ("ik leer mensen kennen" counts as learning). Coding by people (``werkplaats_data.coding``) is the real thing.
OPEN_THEMES = {
    "saving_money": ("geld", "bespar", "spaar", "scheel", "rekening", "goedkop", "gratis", "kosten",
                     "money", "sav", "cheap", "free", "cost", "para", "biriktir", "tasarruf", "توفير", "مال", "المال"),
    "belonging": ("samen", "gezellig", "erbij", "contact", "vriend", "mensen", "together", "friend", "belong", "people",
                  "birlikte", "arkadaş", "معا", "أصدقاء"),
    "meaning_for_others": ("help", "ander", "buurt", "wijk", "others", "neighbo", "yardım", "komşu",
                           "مساعدة", "أساعد", "جيران", "الجيران"),
    "learning": ("leer", "leren", "geleerd", "learn", "skill", "öğren", "أتعلم", "تعلم"),
    "environment": ("milieu", "duurzaam", "klimaat", "weggooi", "afval", "environment", "climate", "waste", "throw",
                    "çevre", "israf", "البيئة", "بيئة"),
}


def open_answer_themes(answers: pd.DataFrame, *, themes: dict[str, tuple[str, ...]] = OPEN_THEMES,
                       public: bool = False) -> pd.DataFrame:
    """How many open answers mention each theme: theme, answers (with a match), total, share.

    An answer matches a theme when one of its words starts with one of the theme's keywords
    (case does not matter). One answer can match several themes or none. ``answers`` comes from
    ``open_answers``; total is the number of answers, share = answers / total. ``public``:
    answers and total pass the small-cell rule, the share as ``privacy.safe_share`` allows.
    """
    words = answers["text"].fillna("").str.lower().str.findall(r"\w+")
    rows = []
    for theme, keywords in themes.items():
        hits = words.map(lambda ws: any(w.startswith(keywords) for w in ws))
        rows.append({"theme": theme, "answers": int(hits.sum()), "total": len(answers),
                     "share": hits.mean() if len(answers) else np.nan})
    table = pd.DataFrame(rows).sort_values("answers", ascending=False, kind="stable").reset_index(drop=True)
    return _public_statistics(table, "total", [], counts=("answers",), shares={"share": "answers"}) if public else table


# --- why people take part, from their stories --------------------------------------------------

def story_tables(release, *, start=None, end=None) -> dict[str, pd.DataFrame]:
    """The release's story tables (``stories.tables_for``: research consent, redacted), limited to
    stories told from ``start`` up to and including ``end`` (either may be None: no limit)."""
    from werkplaats_data import stories

    tables = stories.tables_for(release)
    if start is None and end is None:
        return tables
    return stories.in_period(tables, (start or pd.Timestamp.min, end or pd.Timestamp.max))

def story_motives(story_tables: dict[str, pd.DataFrame], *, public: bool = False) -> pd.DataFrame:
    """How many stories carry each theme: theme, group, label_nl, label_en, stories, total, share.

    ``story_tables`` are a release's story tables (``stories.tables_for``: research consent only,
    redacted). Each original story counts once (translations follow their original); its themes
    are the ``themes`` its collector gave it (";"-separated codes). ``group`` is the theme's parent
    in the codebook (e.g. "motives", "circumstances"); labels come from the codebook, a theme not
    in it keeps its code. total = original stories, share = stories / total. Most stories first.
    ``public``: stories and total pass the small-cell rule, the share as ``privacy.safe_share`` allows.
    """
    columns = ["theme", "group", "label_nl", "label_en", "stories", "total", "share"]
    stories = story_tables.get("stories", pd.DataFrame())
    if stories.empty:
        return pd.DataFrame(columns=columns)
    originals = stories[stories["story_id"] == stories["original_id"]]
    themes = originals["themes"].fillna("").str.split(";").explode().str.strip()
    counts = themes[themes != ""].value_counts().rename_axis("theme").rename("stories").reset_index()
    codebook = story_tables.get("story_codebook", pd.DataFrame(columns=["code", "parent", "label_nl", "label_en"]))
    book = codebook.set_index("code")
    table = counts.assign(
        group=counts["theme"].map(book["parent"]).fillna(""),
        label_nl=counts["theme"].map(book["label_nl"]).fillna(counts["theme"]),
        label_en=counts["theme"].map(book["label_en"]).fillna(counts["theme"]),
        total=len(originals))
    table["share"] = table["stories"] / table["total"]
    table = table.sort_values(["stories", "theme"], ascending=[False, True], kind="stable").reset_index(drop=True)[columns]
    return _public_statistics(table, "total", [], counts=("stories",), shares={"share": "stories"}) if public else table


# --- sentences: the findings in words, computed on the data -----------------------------------

def vfi_sentence(scores: pd.DataFrame, *, lang: str = "nl", public: bool = False) -> str:
    """The strongest and weakest VFI function by mean score, with the mean and the number of forms."""
    summary = scale_summary(scores[scores["instrument"] == "vfi"], public=public).dropna(subset=["mean"])
    if summary.empty:
        return t("motivation.sentence.vfi_none", lang)
    ordered = summary.sort_values("mean", ascending=False, kind="stable")
    top, bottom = ordered.iloc[0], ordered.iloc[-1]
    return t("motivation.sentence.vfi", lang, top=scale_label(top["scale"], "vfi", lang),
             mean=format_number(top["mean"], lang, decimals=1), n=format_number(top["n"], lang),
             bottom=scale_label(bottom["scale"], "vfi", lang), low=format_number(bottom["mean"], lang, decimals=1))


def local_sentence(agreement: pd.DataFrame, *, lang: str = "nl") -> str:
    """The Werkplaats' own item most agreed with, from ``local_agreement`` (exact or public)."""
    shown = agreement.dropna(subset=["share_agree"]).sort_values("share_agree", ascending=False, kind="stable")
    if shown.empty:
        return t("motivation.sentence.local_none", lang)
    top = shown.iloc[0]
    return t("motivation.sentence.local", lang, pct=f"{round(100 * top['share_agree'])}%",
             item=item_text(shown.iloc[:1], lang).iloc[0], n=format_number(top["n"], lang))


def story_sentence(motives: pd.DataFrame, *, lang: str = "nl") -> str:
    """The most frequent theme in the stories, from ``story_motives`` (exact or public)."""
    if motives.empty:
        return t("motivation.sentence.stories_none", lang)
    shown = motives.dropna(subset=["share"])
    if shown.empty:
        return t("motivation.sentence.stories_too_few", lang, min_cell=MIN_CELL)
    top = shown.iloc[0]
    return t("motivation.sentence.stories", lang, theme=top["label_nl" if lang == "nl" else "label_en"],
             share=f"{round(100 * top['share'])}%", total=format_number(top["total"], lang))


# --- charts -----------------------------------------------------------------------------------


def scale_label(scale: str, instrument: str, lang: str = "nl") -> str:
    """The readers' name of a VFI function or SCI-2 subscale ("Waarden: anderen helpen")."""
    return t(f"motivation.{instrument}.{scale}", lang)


def vfi_profile_chart(scores: pd.DataFrame, *, source: str, lang: str = "nl", by: str | None = None,
                      public: bool = False) -> alt.TopLevelMixin:
    """Bars: the mean score (1–7) per VFI function, highest first; one bar per ``by`` group if given.

    The title names the function with the highest mean; the subtitle says the wording is adapted,
    not validated. ``source`` is the caption ("Bron: …" or the demo label). ``public``: bars only
    for means over 10 forms or more (``scale_summary``), counts rounded.
    """
    summary = scale_summary(scores[scores["instrument"] == "vfi"], by=by, public=public).dropna(subset=["mean"])
    summary["label"] = [scale_label(s, "vfi", lang) for s in summary["scale"]]
    overall = scale_summary(scores[scores["instrument"] == "vfi"], public=public).dropna(subset=["mean"])
    overall = overall.sort_values("mean", ascending=False)
    top = scale_label(overall["scale"].iloc[0], "vfi", lang) if len(overall) else "–"
    order = [scale_label(s, "vfi", lang) for s in overall["scale"]]
    encoding = {
        "x": alt.X("mean:Q", title=t("motivation.vfi.axis", lang), scale=alt.Scale(domain=[1, 7]), axis=alt.Axis(values=list(range(1, 8)), format="d")),
        "x2": alt.datum(1),  # bars start at the scale's lowest answer, 1
        "y": alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=420)),
        "tooltip": [alt.Tooltip("label:N", title=t("motivation.reason", lang)),
                    alt.Tooltip("mean:Q", format=".1f", title=t("motivation.mean", lang)),
                    alt.Tooltip("n:Q", title=t("motivation.n", lang))],
    }
    if by:
        encoding["yOffset"] = alt.YOffset(f"{by}:N")
        encoding["color"] = alt.Color(f"{by}:N", title=t("motivation.group", lang))
    chart = alt.Chart(summary).mark_bar().encode(**encoding).properties(
        title={"text": t("motivation.vfi.title", lang, top=top), "subtitle": t("motivation.adapted_not_validated", lang)},
    )
    return with_source(chart, source)


def sci_chart(scores: pd.DataFrame, *, source: str, lang: str = "nl", public: bool = False) -> alt.TopLevelMixin:
    """Bars: the mean SCI-2 subscale sum (0–18) per subscale, in the instrument's order.

    The title names the highest subscale; the subtitle says the wording is adapted, not validated.
    ``public``: as ``vfi_profile_chart``.
    """
    summary = scale_summary(scores[(scores["instrument"] == "sci") & (scores["scale"] != "total")],
                            public=public).dropna(subset=["mean"])
    summary["label"] = [scale_label(s, "sci", lang) for s in summary["scale"]]
    top = summary.sort_values("mean", ascending=False)["label"].iloc[0] if len(summary) else "–"
    chart = alt.Chart(summary).mark_bar().encode(
        x=alt.X("mean:Q", title=t("motivation.sci.axis", lang), scale=alt.Scale(domain=[0, 18]),
                axis=alt.Axis(values=list(range(0, 19, 3)), format="d")),
        y=alt.Y("label:N", title=None, sort=list(summary["label"]), axis=alt.Axis(labelLimit=420)),
        tooltip=[alt.Tooltip("label:N", title=t("motivation.scale", lang)),
                 alt.Tooltip("mean:Q", format=".1f", title=t("motivation.mean", lang)),
                 alt.Tooltip("n:Q", title=t("motivation.n", lang))],
    ).properties(title={"text": t("motivation.sci.title", lang, top=top), "subtitle": t("motivation.adapted_not_validated", lang)})
    return with_source(chart, source)


def local_items_chart(agreement: pd.DataFrame, *, source: str, lang: str = "nl") -> alt.TopLevelMixin:
    """Bars: the share of forms agreeing (4 or 5 on 1–5) with each of the Werkplaats' own items, highest first.

    ``agreement`` comes from ``local_agreement`` (a public one leaves out items with fewer than 10
    answers). The title quotes the item most agreed with.
    """
    data = agreement.dropna(subset=["share_agree"]).assign(label=lambda d: item_text(d, lang))
    data = data.sort_values("share_agree", ascending=False)
    top = data["label"].iloc[0] if len(data) else "–"
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("share_agree:Q", title=t("motivation.local.axis", lang), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("label:N", title=None, sort=list(data["label"]), axis=alt.Axis(labelLimit=420)),
        tooltip=[alt.Tooltip("label:N", title=t("motivation.item", lang)),
                 alt.Tooltip("share_agree:Q", format=".0%", title=t("motivation.local.axis", lang)),
                 alt.Tooltip("n:Q", title=t("motivation.n", lang))],
    ).properties(title={"text": t("motivation.local.title", lang, top=top), "subtitle": t("motivation.local.subtitle", lang)})
    return with_source(chart, source)


def open_themes_chart(themes: pd.DataFrame, *, source: str, lang: str = "nl") -> alt.TopLevelMixin:
    """Bars: the share of open answers that mention each theme (``open_answer_themes`` output), most first."""
    data = themes.dropna(subset=["share"]).assign(label=lambda d: [t(f"motivation.theme.{theme}", lang) for theme in d["theme"]])
    top = data["label"].iloc[0] if len(data) and data["share"].iloc[0] > 0 else "–"
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("share:Q", title=t("motivation.theme.axis", lang), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("label:N", title=None, sort=list(data["label"]), axis=alt.Axis(labelLimit=420)),
        tooltip=[alt.Tooltip("label:N", title=t("motivation.theme.theme", lang)),
                 alt.Tooltip("answers:Q", title=t("motivation.theme.answers", lang)),
                 alt.Tooltip("share:Q", format=".0%", title=t("motivation.theme.axis", lang))],
    ).properties(title={"text": t("motivation.theme.title", lang, top=top), "subtitle": t("motivation.theme.subtitle", lang)})
    return with_source(chart, source)


def story_motives_chart(motives: pd.DataFrame, *, source: str, lang: str = "nl") -> alt.TopLevelMixin:
    """Bars: the share of stories carrying each theme (``story_motives``), coloured by its codebook group.

    The title names the most frequent theme; themes without a share (public, too few stories) are left out.
    """
    label = "label_nl" if lang == "nl" else "label_en"
    data = motives.dropna(subset=["share"])
    data = data.assign(label=data[label], theme_group=data["group"].map(lambda g: _group_label(g, lang)))
    top = data["label"].iloc[0] if len(data) else "–"
    chart = alt.Chart(data).mark_bar().encode(
        x=alt.X("share:Q", title=t("motivation.stories.axis", lang), axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("label:N", title=None, sort=list(data["label"]), axis=alt.Axis(labelLimit=420)),
        color=alt.Color("theme_group:N", title=None, legend=alt.Legend(orient="bottom")),
        tooltip=[alt.Tooltip("label:N", title=t("motivation.theme.theme", lang)),
                 alt.Tooltip("share:Q", format=".0%", title=t("motivation.stories.axis", lang))],
    ).properties(title={"text": t("motivation.stories.title", lang, top=top), "subtitle": t("motivation.stories.subtitle", lang)})
    return with_source(chart, source)


def _group_label(group: str, lang: str) -> str:
    """The readers' name of a codebook group (a top-level story theme); "other" for a theme outside them."""
    key = f"motivation.stories.group.{group}" if group in STORY_GROUPS else "motivation.stories.group.other"
    return t(key, lang)
