"""Ruilpunt ledger: hand-made swaps whose balances and patterns can be worked out on paper."""

import pandas as pd
import pytest

from werkplaats_data import charts, privacy, ruilpunt
from werkplaats_data.charts import source_of
from werkplaats_data.errors import UserError
from werkplaats_data.i18n import t
from werkplaats_data.schemas import ORGANISATION_ACCOUNT, schema


def swaps_table(rows):
    table = pd.DataFrame(rows, columns=["swap_id", "date", "giver_id", "receiver_id", "kind", "category", "points"])
    table["date"] = pd.to_datetime(table["date"])
    table["points"] = table["points"].astype(float)
    return table


@pytest.fixture
def three():
    """a gives b 10, b gives c 5, a gives c 3 → balances a +13, b −5, c −8."""
    return swaps_table([
        ("s1", "2024-01-10", "a", "b", "good", "clothing", 10),
        ("s2", "2024-01-20", "b", "c", "service", "sewing", 5),
        ("s3", "2024-03-05", "a", "c", "good", "books", 3),
    ])


@pytest.fixture
def with_shop(three):
    """Adds: d brings a lamp to the shop (d +4, shop −4), the shop gives c a coat (shop +6, c −6)."""
    extra = swaps_table([
        ("s4", "2024-03-06", "d", ORGANISATION_ACCOUNT, "good", "household", 4),
        ("s5", "2024-03-07", ORGANISATION_ACCOUNT, "c", "good", "clothing", 6),
    ])
    return pd.concat([three, extra], ignore_index=True)


def test_fixture_follows_the_release_schema(with_shop):
    schema("swaps").validate(with_shop)


def test_ledger_has_two_postings_per_swap_that_sum_to_zero(three):
    postings = ruilpunt.ledger(three)
    assert len(postings) == 6
    assert postings.groupby("swap_id")["amount"].sum().eq(0).all()
    s1 = postings[postings["swap_id"] == "s1"].set_index("account")["amount"]
    assert s1.to_dict() == {"a": 10.0, "b": -10.0}
    assert ruilpunt.unbalanced(postings).empty


def test_unbalanced_names_the_swap_that_does_not_balance(three):
    postings = ruilpunt.ledger(three)
    postings.loc[postings.index[0], "amount"] += 1
    broken_swap = postings.loc[postings.index[0], "swap_id"]
    missing_one = postings[~((postings["swap_id"] == "s3") & (postings["side"] == "receiver"))]
    assert list(ruilpunt.unbalanced(postings)["swap_id"]) == [broken_swap]
    found = ruilpunt.unbalanced(missing_one)
    assert "s3" in set(found["swap_id"])
    assert found.set_index("swap_id").loc["s3", "postings"] == 1


def test_balances_on_paper(three):
    table = ruilpunt.balances(three).set_index("account")
    assert table["balance"].to_dict() == {"a": 13.0, "b": -5.0, "c": -8.0}
    assert table.loc["a", "times_gave"] == 2 and table.loc["a", "times_received"] == 0
    assert table.loc["b", "points_given_for"] == 5 and table.loc["b", "points_received_for"] == 10
    assert table["balance"].sum() == 0


def test_organisation_kept_out_of_member_totals(with_shop):
    members = ruilpunt.balances(with_shop).set_index("account")["balance"]
    assert ORGANISATION_ACCOUNT not in members.index
    assert members.to_dict() == {"a": 13.0, "b": -5.0, "c": -14.0, "d": 4.0}
    assert ruilpunt.organisation_balance(with_shop) == 2.0  # −4 + 6
    everyone = ruilpunt.balances(with_shop, include_organisation=True)
    assert everyone["balance"].sum() == 0


def test_ledger_refuses_self_swaps_and_non_positive_points(three):
    bad = pd.concat([three, swaps_table([
        ("s8", "2024-04-01", "a", "a", "good", "books", 2),
        ("s9", "2024-04-02", "b", "c", "good", "books", 0),
    ])], ignore_index=True)
    problems = ruilpunt.swap_problems(bad)
    assert problems.set_index("swap_id")["reason"].to_dict() == {"s8": "self_swap", "s9": "non_positive_points"}
    with pytest.raises(UserError, match="s8 \\(self_swap\\)"):
        ruilpunt.ledger(bad)
    assert ruilpunt.swap_problems(three).empty


def test_reciprocity_classes(with_shop):
    patterns = ruilpunt.reciprocity(with_shop).set_index("account")["pattern"].to_dict()
    assert patterns == {"a": "only_gives", "b": "both", "c": "only_takes", "d": "only_gives"}
    summary = ruilpunt.reciprocity_summary(with_shop).set_index("pattern")
    assert summary["members"].to_dict() == {"only_gives": 2, "only_takes": 1, "both": 1}
    assert summary.loc["both", "share"] == 0.25


def test_active_members_per_month_fills_empty_months(with_shop):
    table = ruilpunt.active_members_per_month(with_shop).set_index("month")
    assert list(table.index.strftime("%Y-%m")) == ["2024-01", "2024-02", "2024-03"]
    # January: a, b, c; February: nobody; March: a, c, d (the shop is not a member)
    assert table["active_members"].tolist() == [3, 0, 3]
    assert table["swaps"].tolist() == [2, 0, 3]
    assert table["points"].tolist() == [15.0, 0.0, 13.0]


def test_kind_and_category(with_shop):
    table = ruilpunt.by_kind_and_category(with_shop)
    first = table.iloc[0]
    assert (first["kind"], first["category"], first["swaps"], first["points"]) == ("good", "clothing", 2, 16.0)
    assert table["share_of_points"].sum() == pytest.approx(1.0)


def test_balance_distribution(three):
    table = ruilpunt.balance_distribution(three, edges=(-10, 0, 10))
    assert table["band"].tolist() == ["< -10", "-10 … 0", "0 … 10", "≥ 10"]
    assert table["members"].tolist() == [0, 2, 0, 1]  # b −5 and c −8; a +13


def test_gini_on_paper():
    assert ruilpunt.gini([1, 1, 1, 1]) == 0.0
    assert ruilpunt.gini([0, 0, 1]) == pytest.approx(2 / 3)
    with pytest.raises(ValueError):
        ruilpunt.gini([-1, 2])


def test_activity_gini(three):
    # activity: a 10+3 = 13, b 5+10 = 15, c 5+3 = 8 → Σ|xi−xj| over ordered pairs = 2(2+5+7) = 28;
    # G = 28 / (2 · 3² · 12) = 0.1296
    assert ruilpunt.activity_gini(three) == pytest.approx(28 / 216)


def test_gini_sentence_counts_the_bookable_swaps(three):
    self_swap = swaps_table([("s9", "2024-04-01", "a", "a", "good", "books", 100)])  # not bookable: moves nothing
    line = ruilpunt.gini_sentence(pd.concat([three, self_swap], ignore_index=True), lang="nl")
    assert line == "Gini-coëfficiënt van de activiteit: 0,13"  # 28 / 216, as in test_activity_gini
    with pytest.raises(charts.NoData, match="ruilpunt.no_data"):
        ruilpunt.gini_sentence(three.iloc[:0])


def test_category_chart_counts_only_bookable_swaps(three):
    broken = swaps_table([("s8", "2024-04-01", "a", "a", "good", "jewellery", 100),
                          ("s9", "2024-04-02", "a", "b", "good", "furniture", 0)])
    rows = next(iter(ruilpunt.category_chart(pd.concat([three, broken], ignore_index=True), lang="en").to_dict()["datasets"].values()))
    assert {r["category"]: r["points"] for r in rows} == {"clothing": 10, "sewing": 5, "books": 3}
    assert ruilpunt.by_kind(pd.concat([three, broken], ignore_index=True))["points"].to_dict() == {"good": 13, "service": 5}


@pytest.mark.parametrize("make", [ruilpunt.active_members_chart, ruilpunt.category_chart, ruilpunt.balance_chart,
                                  ruilpunt.reciprocity_chart])
def test_charts_without_swaps_raise_no_data(three, make):
    with pytest.raises(charts.NoData, match="ruilpunt.no_data"):
        make(three.iloc[:0])


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_charts_carry_a_source_and_say_the_finding(with_shop, lang):
    chart = ruilpunt.reciprocity_chart(with_shop, lang=lang, demo=True)
    assert source_of(chart)
    assert "25" in chart.to_dict()["vconcat"][0]["title"]
    for make in (ruilpunt.active_members_chart, ruilpunt.category_chart, ruilpunt.balance_chart):
        assert source_of(make(with_shop, lang=lang, demo=False))


def test_public_charts_apply_the_small_cell_rule(with_shop):
    chart = ruilpunt.reciprocity_chart(with_shop, public=True).to_dict()
    values = chart["vconcat"][0]["data"]["values"] if "values" in chart["vconcat"][0].get("data", {}) else \
        next(iter(chart["datasets"].values()))
    assert all(row["members"] is None for row in values)  # 2, 1 and 1 members: all below 10
    assert "Te weinig" in chart["vconcat"][0]["title"]
    many = pd.concat([swaps_table([(f"x{i}", "2024-05-01", f"m{i}", f"n{i}", "good", "books", 1)
                                   for i in range(12)]), with_shop], ignore_index=True)
    title = ruilpunt.reciprocity_chart(many, public=True).to_dict()["vconcat"][0]["title"]
    assert "Te weinig" in title  # 1 of 28 members gives and takes: a share would give the 1 back
    crowd = pd.concat([swaps_table([(f"y{i}", "2024-05-02", f"n{i}", f"m{i}", "good", "books", 1) for i in range(12)]
                                   + [(f"z{i}", "2024-05-03", f"o{i}", f"p{i}", "good", "books", 1) for i in range(12)]),
                       many], ignore_index=True)
    title = ruilpunt.reciprocity_chart(crowd, public=True).to_dict()["vconcat"][0]["title"]
    assert title.startswith("48%")  # b, m0–m11 and n0–n11 give and take: 25 of 52 members


def test_by_kind_sums_swaps_and_points_over_categories(with_shop):
    table = ruilpunt.by_kind(with_shop)
    assert table.loc["good", "swaps"] == 4 and table.loc["good", "points"] == 10 + 3 + 4 + 6
    assert table.loc["service", "swaps"] == 1 and table.loc["service", "points"] == 5


def test_ledger_check_counts_postings_unbalanced_swaps_and_the_shop_balance(with_shop):
    row = ruilpunt.ledger_check(with_shop).iloc[0]
    assert (row["postings"], row["not_booked"], row["unbalanced"], row["organisation_balance"]) == (10, 0, 0, 2.0)
    assert ruilpunt.ledger_problems(with_shop).empty


def test_unbalanced_lists_accounts_and_amounts(three):
    postings = ruilpunt.ledger(three)
    postings.loc[(postings["swap_id"] == "s2") & (postings["side"] == "receiver"), "amount"] = -4.0  # c paid 4, b got 5
    table = ruilpunt.unbalanced(postings)
    assert table.to_dict("records") == [{"swap_id": "s2", "postings": 2, "total": 1.0, "accounts": "b, c", "amounts": "+5, -4"}]


def test_ledger_problems_say_where_the_books_do_not_add_up(three):
    broken = pd.concat([three, swaps_table([
        ("s6", "2024-02-01", "d", "d", "good", "books", 2),      # self-swap
        ("s7", "2024-02-02", "d", None, "good", "books", 3),     # receiver missing
        ("s8", "2024-02-03", "a", "d", "service", "repair", 0),  # zero points
    ])], ignore_index=True)
    postings = ruilpunt.ledger(three)
    postings = postings[~((postings["swap_id"] == "s3") & (postings["side"] == "receiver"))]  # one posting lost
    table = ruilpunt.ledger_problems(broken, postings=postings)
    assert table[["swap_id", "accounts", "amounts", "problem"]].values.tolist() == [
        ["s6", "d → d", "2", "self_swap"],
        ["s7", "d → ?", "3", "missing_account"],
        ["s8", "a → d", "0", "non_positive_points"],
        ["s3", "a", "+3", "unbalanced"],
    ]
    row = ruilpunt.ledger_check(broken, postings=postings).iloc[0]
    assert (row["postings"], row["not_booked"], row["unbalanced"]) == (5, 3, 1)
    assert ruilpunt.ledger_check(broken).iloc[0]["unbalanced"] == 0  # its own ledger of the bookable swaps balances


def test_ledger_problems_in_public_leave_out_the_accounts(three):
    broken = pd.concat([three, swaps_table([("s6", "2024-02-01", "d", "d", "good", "books", 2)])], ignore_index=True)
    table = ruilpunt.ledger_problems(broken, public=True)
    assert list(table.columns) == ["swap_id", "date", "amounts", "problem"] and table["swap_id"].tolist() == ["s6"]
    assert len(ruilpunt.bookable(broken)) == 3


def test_public_active_members_chart_applies_the_small_cell_rule(with_shop):
    spec = ruilpunt.active_members_chart(with_shop, public=True).to_dict()
    rows = next(iter(spec["datasets"].values()))
    assert [r["active_members"] for r in rows] == [None, None, None]  # 3, 0 and 3 members a month
    assert spec["vconcat"][0]["title"] == t("ruilpunt.active_title_few", "nl", min_cell=privacy.MIN_CELL)


def test_summary_three_lines_from_the_data(with_shop):
    lines = ruilpunt.summary(with_shop, lang="en", demo=True).split("  \n")
    assert len(lines) == 3 and "5 swaps from 10 January 2024 to 7 March 2024 (made-up demo data)" in lines[1]
    # active members: January a, b, c (3); February none (0); March a, c, d (3) → 2.0; only b gives and takes (1 of 4)
    assert "on average 2.0 members" in lines[2] and "25% of members both give and take" in lines[2]
    public = ruilpunt.summary(with_shop, lang="en", public=True)
    assert "fewer than 10 members" in public and "a share not shown (fewer than 10 members)" in public
