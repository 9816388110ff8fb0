"""The Ruilpunt (swap shop with points) as a double-entry ledger.

Each swap moves points from the receiver to the giver: the giver's account goes up by
``points``, the receiver's goes down by the same amount. Balances are derived from the swaps,
never stored. The shop's own account (``schemas.ORGANISATION_ACCOUNT``, its stock) takes part in
swaps like a member but is kept out of every member total; its balance is reported on its own.

The cleaning step quarantines self-swaps and non-positive points; the functions here still
check for them (``swap_problems``) and the ledger refuses them, so a hand-made table cannot
slip past.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from werkplaats_data.charts import require, with_source
from werkplaats_data.errors import UserError, message
from werkplaats_data.i18n import format_date, format_number, t
from werkplaats_data.privacy import MIN_CELL, count_text, safe_count, safe_share, small_cell
from werkplaats_data.schemas import ORGANISATION_ACCOUNT

RECIPROCITY_CLASSES = ("only_gives", "only_takes", "both")


def swap_problems(swaps: pd.DataFrame) -> pd.DataFrame:
    """The swaps the ledger cannot book, with the reason: swap_id, reason.

    Reasons: ``missing_account`` (giver or receiver empty), ``self_swap`` (giver is receiver),
    ``non_positive_points`` (points empty, zero or negative). A swap can appear once per reason.
    """
    missing = swaps["giver_id"].isna() | swaps["receiver_id"].isna()
    rules = {
        "missing_account": missing,
        "self_swap": ~missing & (swaps["giver_id"] == swaps["receiver_id"]),
        "non_positive_points": ~(pd.to_numeric(swaps["points"], errors="coerce") > 0),
    }
    parts = [swaps.loc[mask, ["swap_id"]].assign(reason=reason) for reason, mask in rules.items()]
    return pd.concat(parts, ignore_index=True)


def ledger(swaps: pd.DataFrame) -> pd.DataFrame:
    """Two postings per swap: +points on the giver's account, −points on the receiver's.

    Columns: swap_id, date, account, amount, kind, category, side ("giver"/"receiver").
    The postings of each swap sum to zero. Raises ``UserError`` when a swap cannot be booked
    (see ``swap_problems``): the message names the swap ids.
    """
    problems = swap_problems(swaps)
    if len(problems):
        listed = ", ".join(f"{row.swap_id} ({row.reason})" for row in problems.head(5).itertuples())
        raise UserError(message("ruilpunt.error.cannot_book", count=len(problems), swaps=listed))
    common = ["swap_id", "date", "kind", "category"]
    giver = swaps[common].assign(account=swaps["giver_id"], amount=swaps["points"].astype(float), side="giver")
    receiver = swaps[common].assign(account=swaps["receiver_id"], amount=-swaps["points"].astype(float), side="receiver")
    postings = pd.concat([giver, receiver], ignore_index=True)
    postings = postings.sort_values(["date", "swap_id", "side"], kind="stable", ignore_index=True)
    return postings[["swap_id", "date", "account", "amount", "kind", "category", "side"]]


def unbalanced(postings: pd.DataFrame, *, tolerance: float = 1e-9) -> pd.DataFrame:
    """Swaps whose postings do not balance: swap_id, postings (count), total (sum), accounts, amounts.

    A swap balances when it has exactly two postings and their amounts sum to zero (within
    ``tolerance``). ``accounts`` and ``amounts`` list its postings in order ("a, b" and "+10, -9"),
    so the swap can be found and corrected. An empty result means the whole ledger balances.
    """
    columns = ["swap_id", "postings", "total", "accounts", "amounts"]
    per_swap = postings.groupby("swap_id", sort=True)["amount"].agg(postings="size", total="sum")
    wrong = per_swap[(per_swap["postings"] != 2) | (per_swap["total"].abs() > tolerance)]
    if wrong.empty:
        return pd.DataFrame(columns=columns)
    rows = postings[postings["swap_id"].isin(wrong.index)].groupby("swap_id", sort=True)
    wrong = wrong.assign(accounts=rows["account"].agg(lambda a: ", ".join(map(str, a))),
                         amounts=rows["amount"].agg(lambda a: ", ".join(f"{x:+g}" for x in a)))
    return wrong.reset_index()[columns]


def balances(swaps: pd.DataFrame, *, include_organisation: bool = False) -> pd.DataFrame:
    """Every account's balance, derived from the ledger.

    Columns: account, balance (points received for giving minus points paid for receiving),
    points_given_for, points_received_for, times_gave, times_received. Sorted by account.
    The organisation's account is left out unless ``include_organisation=True``.
    """
    postings = ledger(swaps)
    gave = postings["side"] == "giver"
    table = (
        postings.assign(
            earned=postings["amount"].where(gave, 0.0),
            paid=(-postings["amount"]).where(~gave, 0.0),
            gave=gave.astype(int),
            received=(~gave).astype(int),
        )
        .groupby("account", sort=True)
        .agg(balance=("amount", "sum"), points_given_for=("earned", "sum"), points_received_for=("paid", "sum"),
             times_gave=("gave", "sum"), times_received=("received", "sum"))
        .reset_index()
    )
    if not include_organisation:
        table = table[table["account"] != ORGANISATION_ACCOUNT].reset_index(drop=True)
    return table


def organisation_balance(swaps: pd.DataFrame) -> float:
    """The balance of the shop's own account (0.0 when it took part in no swap).

    Positive: members took more points' worth from the shop's stock than they brought in.
    """
    table = balances(swaps, include_organisation=True)
    row = table[table["account"] == ORGANISATION_ACCOUNT]
    return float(row["balance"].sum())


def bookable(swaps: pd.DataFrame) -> pd.DataFrame:
    """The swaps ``ledger`` can book (none of the ``swap_problems``): what the analyses use once
    ``ledger_problems`` has said which swaps are left out and why."""
    return swaps[~swaps["swap_id"].isin(swap_problems(swaps)["swap_id"])]


def ledger_problems(swaps: pd.DataFrame, *, postings: pd.DataFrame | None = None, public: bool = False) -> pd.DataFrame:
    """Every swap where the books do not add up, to find it in the register: swap_id, date, accounts, amounts, problem.

    Two kinds. (1) A swap that cannot be booked (``swap_problems``: ``missing_account``,
    ``self_swap``, ``non_positive_points``): accounts "giver → receiver", amounts its points.
    (2) A swap whose postings do not balance (``unbalanced``; problem ``unbalanced``): accounts and
    amounts of its postings. ``postings`` defaults to the ledger of the bookable swaps, which
    balances by construction; pass postings kept elsewhere (an export, a hand-corrected table) to
    check those. Empty: the books balance. With ``public=True`` the accounts (pseudonyms) are left out.
    """
    columns = ["swap_id", "date", "amounts", "problem"] if public else ["swap_id", "date", "accounts", "amounts", "problem"]
    dates = swaps.drop_duplicates("swap_id").set_index("swap_id")["date"]
    problems = swap_problems(swaps).merge(swaps[["swap_id", "giver_id", "receiver_id", "points"]], on="swap_id")
    cannot = pd.DataFrame({
        "swap_id": problems["swap_id"],
        "accounts": problems["giver_id"].fillna("?").astype(str) + " → " + problems["receiver_id"].fillna("?").astype(str),
        "amounts": problems["points"].map(lambda p: "?" if pd.isna(p) else f"{float(p):g}"),
        "problem": problems["reason"],
    })
    postings = ledger(bookable(swaps)) if postings is None else postings
    wrong = unbalanced(postings)
    off = pd.DataFrame({"swap_id": wrong["swap_id"], "accounts": wrong["accounts"], "amounts": wrong["amounts"],
                        "problem": "unbalanced"})
    table = pd.concat([cannot, off], ignore_index=True)
    table["date"] = table["swap_id"].map(dates)
    return table.sort_values(["date", "swap_id"], kind="stable", ignore_index=True)[columns]


def ledger_check(swaps: pd.DataFrame, *, postings: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row to check the books: postings (two per booked swap), not_booked (swaps that cannot be
    booked), unbalanced (swaps whose postings do not add up to zero; 0 is good news) and
    organisation_balance (the shop's own account, see ``organisation_balance``). Which swaps they
    are, with accounts and amounts: ``ledger_problems``; ``postings`` as there."""
    booked = bookable(swaps)
    postings = ledger(booked) if postings is None else postings
    return pd.DataFrame([{"postings": len(postings), "not_booked": len(swaps) - len(booked),
                          "unbalanced": len(unbalanced(postings)), "organisation_balance": organisation_balance(booked)}])


def active_members_per_month(swaps: pd.DataFrame) -> pd.DataFrame:
    """Per calendar month: month (first day), active_members, swaps, points.

    A member is active in a month when they gave or received in at least one swap that month;
    the organisation's account is not a member. Months without swaps between the first and the
    last swap are shown with zeros.
    """
    columns = ["month", "active_members", "swaps", "points"]
    if swaps.empty:
        return pd.DataFrame(columns=columns)
    month = swaps["date"].dt.to_period("M")
    people = pd.concat([
        pd.DataFrame({"month": month, "account": swaps["giver_id"]}),
        pd.DataFrame({"month": month, "account": swaps["receiver_id"]}),
    ])
    people = people[people["account"] != ORGANISATION_ACCOUNT]
    members = people.groupby("month")["account"].nunique()
    per_month = swaps.assign(month=month).groupby("month").agg(swaps=("swap_id", "size"), points=("points", "sum"))
    months = pd.period_range(month.min(), month.max(), freq="M")
    out = per_month.reindex(months, fill_value=0).assign(active_members=members.reindex(months, fill_value=0))
    out.index = months.to_timestamp()
    out = out.rename_axis("month").reset_index()
    out["active_members"] = out["active_members"].astype(int)
    out["swaps"] = out["swaps"].astype(int)
    return out[columns]


def by_kind_and_category(swaps: pd.DataFrame) -> pd.DataFrame:
    """Swaps and points per kind (good/service) and category, largest first.

    Columns: kind, category ("unknown" when empty), swaps, points, share_of_points (0–1).
    """
    table = (
        swaps.assign(category=swaps["category"].fillna("unknown"))
        .groupby(["kind", "category"])
        .agg(swaps=("swap_id", "size"), points=("points", "sum"))
        .reset_index()
    )
    total = table["points"].sum()
    table["share_of_points"] = table["points"] / total if total else 0.0
    return table.sort_values(["points", "kind", "category"], ascending=[False, True, True], ignore_index=True)


def by_kind(swaps: pd.DataFrame) -> pd.DataFrame:
    """Swaps and points per kind (good / service), summed over the categories of ``by_kind_and_category``,
    of the ``bookable`` swaps (as ``category_chart`` counts them)."""
    return by_kind_and_category(bookable(swaps)).groupby("kind")[["swaps", "points"]].sum()


def balance_distribution(swaps: pd.DataFrame, *, edges: tuple[float, ...] = (-50, -20, -5, 5, 20, 50)) -> pd.DataFrame:
    """How many members have a balance in each band (organisation excluded).

    Bands are half-open [low, high) between the ``edges``, plus one band below the first and one
    from the last edge up. Columns: band (text such as "-5 … 5"), low, high, members.
    """
    table = balances(swaps)
    bounds = [-np.inf, *edges, np.inf]
    bands = pd.cut(table["balance"], bins=bounds, right=False)
    counts = bands.value_counts(sort=False)
    rows = []
    for interval, members in counts.items():
        low, high = interval.left, interval.right
        if np.isinf(low):
            label = f"< {high:g}"
        elif np.isinf(high):
            label = f"≥ {low:g}"
        else:
            label = f"{low:g} … {high:g}"
        rows.append({"band": label, "low": low, "high": high, "members": int(members)})
    return pd.DataFrame(rows)


def reciprocity(swaps: pd.DataFrame) -> pd.DataFrame:
    """Each member's way of taking part: account, times_gave, times_received, pattern.

    pattern is ``only_gives`` (gave at least once, never received), ``only_takes`` (received,
    never gave) or ``both``. The organisation is not a member and is left out.
    """
    table = balances(swaps)[["account", "times_gave", "times_received"]]
    pattern = np.select(
        [table["times_received"] == 0, table["times_gave"] == 0],
        ["only_gives", "only_takes"],
        default="both",
    )
    return table.assign(pattern=pattern)


def reciprocity_summary(swaps: pd.DataFrame) -> pd.DataFrame:
    """Members per reciprocity pattern: pattern, members, share (0–1); all three patterns listed."""
    counts = reciprocity(swaps)["pattern"].value_counts().reindex(RECIPROCITY_CLASSES, fill_value=0)
    total = counts.sum()
    return pd.DataFrame({
        "pattern": list(RECIPROCITY_CLASSES),
        "members": counts.to_numpy().astype(int),
        "share": (counts / total).to_numpy() if total else np.zeros(len(RECIPROCITY_CLASSES)),
    })


def gini(values) -> float:
    """Gini coefficient of non-negative values: 0 = everyone equal, near 1 = one has everything.

    Computed as the mean absolute difference between all pairs divided by twice the mean:
    G = Σᵢ Σⱼ |xᵢ − xⱼ| / (2 n² x̄). Raises ``ValueError`` for negative values or an all-zero input.
    """
    x = np.sort(np.asarray(values, dtype=float))
    if x.size == 0 or x.sum() == 0:
        raise ValueError("the Gini coefficient needs at least one value above zero")
    if (x < 0).any():
        raise ValueError("the Gini coefficient is only defined here for values of zero or more")
    n = x.size
    ranks = np.arange(1, n + 1)
    return float(((2 * ranks - n - 1) * x).sum() / (n * x.sum()))


def activity_gini(swaps: pd.DataFrame) -> float:
    """Gini of members' activity: the points each member moved (given for plus received for).

    Why activity and not balances: balances can be negative and sum to (nearly) zero across all
    accounts by construction, so a Gini of balances is undefined. Activity is never negative and
    answers the question the Ruilpunt asks: is swapping spread over many members or done by a few?
    The organisation's account is left out.
    """
    table = balances(swaps)
    return gini(table["points_given_for"] + table["points_received_for"])


def gini_sentence(swaps: pd.DataFrame, *, lang: str = "nl") -> str:
    """One line: the ``activity_gini`` of the ``bookable`` swaps, two decimals. ``NoData("ruilpunt.no_data")`` without swaps."""
    booked = bookable(require(swaps, "ruilpunt.no_data"))
    return t("ruilpunt.gini_line", lang, gini=format_number(activity_gini(booked), lang, 2))


# ----- notebook summary ---------------------------------------------------------------------


def summary(swaps: pd.DataFrame, *, lang: str = "en", demo: bool = False, public: bool = False) -> str:
    """Three Markdown lines for the top of notebook 05, from the data: question, data, main finding.

    The finding: average active members per month (``active_members_per_month``), the share of
    members who both give and take (``reciprocity_summary``) and the Gini of activity
    (``activity_gini``), over the swaps the ledger can book. With ``public=True`` members follow the
    small-cell rule and the share needs a base of 10 members.
    """
    lines = [t("ruilpunt.summary.question", lang)]
    if swaps.empty:
        return "  \n".join([*lines, t("ruilpunt.summary.empty", lang)])
    booked = bookable(swaps)
    lines.append(t("ruilpunt.summary.data", lang, swaps=format_number(len(swaps), lang),
                   first=format_date(swaps["date"].min(), lang), last=format_date(swaps["date"].max(), lang),
                   source=t("ruilpunt.summary.demo" if demo else "ruilpunt.summary.register", lang)))
    patterns = reciprocity_summary(booked).set_index("pattern")["members"]
    share = _share(int(patterns["both"]), int(patterns.sum()), public=public)
    both = t("ruilpunt.summary.share_hidden", lang, min_cell=MIN_CELL) if share is None else f"{format_number(100 * share, lang)}%"
    lines.append(t("ruilpunt.summary.finding", lang,
                   members=count_text(active_members_per_month(booked)["active_members"].mean(), lang, public=public, decimals=1),
                   both=both, gini=format_number(activity_gini(booked), lang, 2)))
    return "  \n".join(lines)


# ----- charts -----------------------------------------------------------------------------


def _source(lang: str, demo: bool) -> str:
    return t("source.demo", lang) if demo else t("ruilpunt.source", lang)


def _share(part: int, base: int, *, public: bool) -> float | None:
    """part / base; None when there is nothing to divide by, or (public) the base is below 10."""
    if public:
        return safe_share(part, base)
    return part / base if base else None


def active_members_chart(swaps: pd.DataFrame, *, lang: str = "nl", demo: bool = True, public: bool = False) -> alt.TopLevelMixin:
    """Line chart of active members per month; the title gives the monthly average.

    With ``public=True`` the small-cell rule applies to each month and to the average (below 10
    not shown, rounded to 5). Only the ``bookable`` swaps count; ``NoData("ruilpunt.no_data")`` without swaps.
    """
    table = active_members_per_month(bookable(require(swaps, "ruilpunt.no_data")))
    average = table["active_members"].mean() if len(table) else 0
    if public:
        table = small_cell(table, "active_members")
        average = safe_count(average)
    title = t("ruilpunt.active_title_few", lang, min_cell=MIN_CELL) if average is None else \
        t("ruilpunt.active_title", lang, average=format_number(average, lang))
    chart = alt.Chart(table).mark_line(point=True).encode(
        x=alt.X("month:T", title=t("ruilpunt.month", lang)),
        y=alt.Y("active_members:Q", title=t("ruilpunt.active_members", lang)),
        tooltip=[alt.Tooltip("month:T", format="%Y-%m"), "active_members:Q", "swaps:Q"],
    ).properties(title=title)
    return with_source(chart, _source(lang, demo))


def category_chart(swaps: pd.DataFrame, *, lang: str = "nl", demo: bool = True, top: int = 12) -> alt.TopLevelMixin:
    """Bars of points per category, coloured by good/service; the title names the biggest category.

    Rule: only the ``bookable`` swaps count (a self-swap or one without points moves no points), the
    ``top`` categories by points. ``NoData("ruilpunt.no_data")`` without swaps.
    """
    table = by_kind_and_category(bookable(require(swaps, "ruilpunt.no_data"))).head(top)
    table = table.assign(kind_label=table["kind"].map(lambda k: t(f"ruilpunt.kind.{k}", lang)))
    biggest = table["category"].iloc[0] if len(table) else "–"
    chart = alt.Chart(table).mark_bar().encode(
        x=alt.X("points:Q", title=t("ruilpunt.points", lang)),
        y=alt.Y("category:N", sort="-x", title=None),
        color=alt.Color("kind_label:N", title=t("ruilpunt.kind", lang)),
        tooltip=["category:N", "kind_label:N", "swaps:Q", "points:Q"],
    ).properties(title=t("ruilpunt.category_title", lang, category=biggest))
    return with_source(chart, _source(lang, demo))


def balance_chart(swaps: pd.DataFrame, *, lang: str = "nl", demo: bool = True, public: bool = False) -> alt.TopLevelMixin:
    """Bars of members per balance band; the title gives the share close to zero (−5 to 5).

    With ``public=True`` the small-cell rule applies to the bars (below 10 left out, rounded to 5)
    and the share is only given on a base of 10 members or more. Only the ``bookable`` swaps count;
    ``NoData("ruilpunt.no_data")`` without swaps.
    """
    table = balance_distribution(bookable(require(swaps, "ruilpunt.no_data")))
    total = table["members"].sum()
    near_zero = table.loc[(table["low"] == -5) & (table["high"] == 5), "members"].sum()
    share = _share(near_zero, total, public=public)
    if public:
        table = small_cell(table, "members")
    title = t("ruilpunt.too_few_title", lang) if share is None else \
        t("ruilpunt.balance_title", lang, share=format_number(100 * share, lang))
    chart = alt.Chart(table).mark_bar().encode(
        x=alt.X("band:N", sort=list(table["band"]), title=t("ruilpunt.balance", lang), axis=alt.Axis(labelAngle=0)),
        y=alt.Y("members:Q", title=t("ruilpunt.members", lang)),
        tooltip=["band:N", "members:Q"],
    ).properties(title=title, width=520)
    return with_source(chart, _source(lang, demo))


def reciprocity_chart(swaps: pd.DataFrame, *, lang: str = "nl", demo: bool = True, public: bool = False) -> alt.TopLevelMixin:
    """Bars of members per pattern (only gives / only takes / both); the title gives the share 'both'.

    With ``public=True`` the small-cell rule applies (below 10 left out, rounded to 5) and the
    share is only given on a base of 10 members or more. Only the ``bookable`` swaps count;
    ``NoData("ruilpunt.no_data")`` without swaps.
    """
    table = reciprocity_summary(bookable(require(swaps, "ruilpunt.no_data")))
    table = table.assign(label=table["pattern"].map(lambda p: t(f"ruilpunt.pattern.{p}", lang)))
    both_members = int(table.loc[table["pattern"] == "both", "members"].iloc[0])
    share = _share(both_members, int(table["members"].sum()), public=public)
    if public:
        table = small_cell(table, "members")
    title = t("ruilpunt.too_few_title", lang) if share is None else \
        t("ruilpunt.reciprocity_title", lang, share=format_number(100 * share, lang))
    chart = alt.Chart(table).mark_bar().encode(
        x=alt.X("members:Q", title=t("ruilpunt.members", lang)),
        y=alt.Y("label:N", sort=[t(f"ruilpunt.pattern.{p}", lang) for p in RECIPROCITY_CLASSES], title=None),
        color=alt.Color("label:N", legend=None),
        tooltip=["label:N", "members:Q"],
    ).properties(title=title)
    return with_source(chart, _source(lang, demo))
