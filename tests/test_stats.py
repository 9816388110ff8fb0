"""Reliability statistics against published reference values (REFERENCES.md §6)."""

import krippendorff  # test-only dependency: an independent implementation to compare with
import numpy as np
import pandas as pd
import pytest

from werkplaats_data.stats import cohens_kappa, cohens_kappa_from_table, cronbach_alpha, krippendorff_alpha

# pingouin's example dataset `cronbach_alpha` (15 respondents × 10 items), typed from
# raphaelvallat/pingouin, pingouin/datasets/cronbach_alpha.csv (commit ed96ca9), long format turned
# into one row per respondent (Subj 0–14) and one column per item (Q1–Q10). Only the numbers are used,
# as a reference; pingouin's documentation gives α = 0.5917, 95 % CI [0.195, 0.840].
PINGOUIN_CRONBACH = np.array([
    [3, 2, 4, 1, 4, 5, 1, 4, 3, 2],
    [5, 4, 6, 3, 5, 1, 2, 5, 5, 5],
    [7, 3, 5, 5, 6, 4, 3, 3, 6, 5],
    [2, 4, 3, 3, 2, 2, 2, 6, 6, 3],
    [6, 5, 6, 5, 4, 4, 4, 6, 7, 5],
    [1, 2, 3, 4, 2, 5, 2, 3, 5, 2],
    [4, 3, 5, 3, 5, 2, 1, 2, 4, 3],
    [2, 4, 4, 3, 7, 2, 2, 4, 6, 5],
    [6, 5, 5, 5, 1, 6, 5, 2, 3, 2],
    [5, 4, 6, 4, 3, 5, 3, 1, 7, 2],
    [4, 3, 5, 2, 5, 3, 2, 3, 4, 1],
    [4, 2, 3, 2, 5, 3, 4, 2, 3, 4],
    [5, 5, 6, 2, 3, 3, 2, 4, 4, 5],
    [6, 5, 5, 4, 2, 2, 1, 4, 6, 5],
    [4, 3, 5, 5, 3, 1, 3, 2, 3, 4],
])

# Krippendorff's α, Wikipedia example: 3 coders × 15 units, '*' = not coded.
WIKIPEDIA = [
    "* * * * * 3 4 1 2 1 1 3 3 * 3",
    "1 * 2 1 3 3 4 3 * * * * * * *",
    "* * 2 1 3 4 4 * 2 1 1 3 3 * 4",
]
WIKIPEDIA_DATA = [[np.nan if v == "*" else float(v) for v in row.split()] for row in WIKIPEDIA]


def test_cronbach_alpha_reproduces_pingouin():
    result = cronbach_alpha(PINGOUIN_CRONBACH)
    assert round(result.alpha, 4) == 0.5917
    assert (round(result.ci_low, 3), round(result.ci_high, 3)) == (0.195, 0.840)
    assert (result.n_respondents, result.n_items) == (15, 10)


def test_cronbach_alpha_drops_incomplete_respondents():
    with_gap = np.vstack([PINGOUIN_CRONBACH, [1, np.nan, 7, 7, 7, 7, 7, 7, 7, 7]])
    result = cronbach_alpha(pd.DataFrame(with_gap))
    assert result.n_respondents == 15
    assert round(result.alpha, 4) == 0.5917


def test_cronbach_alpha_of_identical_items_is_one_and_of_one_item_is_nan():
    items = np.array([[1, 1], [2, 2], [4, 4]])
    assert cronbach_alpha(items).alpha == pytest.approx(1.0)
    assert np.isnan(cronbach_alpha(items[:, :1]).alpha)


def test_cohens_kappa_artstein_poesio_table():
    assert round(cohens_kappa_from_table([[20, 20], [10, 50]]), 3) == 0.348


def test_cohens_kappa_three_categories():
    y1 = [0] * 46 + [1] * 44 + [2] * 10
    y2 = [0] * 52 + [1] * 32 + [2] * 16
    assert round(cohens_kappa(y1, y2), 4) == 0.8013


def test_cohens_kappa_weights_by_hand():
    # table [[2, 1, 0], [0, 2, 1], [0, 0, 2]] (n = 8); row totals 3 3 2, column totals 2 3 3.
    rater1 = [0, 0, 0, 1, 1, 1, 2, 2]
    rater2 = [0, 0, 1, 1, 1, 2, 2, 2]
    # unweighted: p_o = 6/8, p_e = (3·2 + 3·3 + 2·3)/64 = 21/64 → κ = (48/64 − 21/64)/(43/64) = 27/43
    assert cohens_kappa(rater1, rater2) == pytest.approx(27 / 43)
    # expected = outer(3 3 2, 2 3 3)/8 = [[6, 9, 9], [6, 9, 9], [4, 6, 6]]/8; the two disagreements are one step off.
    # linear: Σ w·O = 2, Σ w·E = (9 + 2·9 + 6 + 9 + 2·4 + 6)/8 = 7 → κ = 1 − 2/7
    assert cohens_kappa(rater1, rater2, weights="linear") == pytest.approx(5 / 7)
    # quadratic: Σ w·O = 2, Σ w·E = (9 + 4·9 + 6 + 9 + 4·4 + 6)/8 = 10.25 → κ = 1 − 2/10.25
    assert cohens_kappa(rater1, rater2, weights="quadratic") == pytest.approx(33 / 41)


def test_cohens_kappa_leaves_out_missing_pairs_and_rejects_unknown_weights():
    assert cohens_kappa(["a", "b", None, "a"], ["a", "b", "b", np.nan]) == pytest.approx(1.0)
    with pytest.raises(ValueError):
        cohens_kappa([1, 2], [1, 2], weights="cubic")


def test_krippendorff_wikipedia_example():
    assert round(krippendorff_alpha(WIKIPEDIA_DATA, level="nominal"), 6) == 0.691358
    assert round(krippendorff_alpha(WIKIPEDIA_DATA, level="interval"), 6) == 0.810845


def test_krippendorff_ordinal_equals_nominal_for_two_categories():
    # with two values every disagreement has the same ordinal distance, so the two levels agree
    data = [[0, 1, 0, 1, 1, np.nan], [0, 1, 1, 1, 0, 1]]
    assert krippendorff_alpha(data, level="ordinal") == pytest.approx(krippendorff_alpha(data))


def test_krippendorff_labels_missing_and_perfect_agreement():
    labels = [["a", None, "b", "a"], ["a", "b", "b", np.nan], ["b", "b", "b", "a"]]
    # unit 1: a,a,b · unit 2: b,b · unit 3: b,b,b · unit 4: a,a → hand: o_ab = o_ba = 1, n_a = 4, n_b = 6
    # α = 1 − (n − 1)·(o_ab + o_ba) / (2·n_a·n_b) = 1 − 9·2/48 = 0.625
    assert krippendorff_alpha(labels) == pytest.approx(0.625)
    assert krippendorff_alpha([[1, 2, 3], [1, 2, 3]], level="ratio") == pytest.approx(1.0)
    with pytest.raises(ValueError):
        krippendorff_alpha([[1, 2], [2, 1]], level="fuzzy")


# --- Krippendorff's α against an independent implementation (the ``krippendorff`` package) ---------


def reference_alpha(data, level):
    return krippendorff.alpha(reliability_data=np.asarray(data, dtype=float), level_of_measurement=level)


@pytest.mark.parametrize("level, expected", [("ordinal", 0.806721), ("ratio", 0.808944)])
def test_krippendorff_ordinal_and_ratio_on_the_wikipedia_example(level, expected):
    ours = krippendorff_alpha(WIKIPEDIA_DATA, level=level)
    assert ours == pytest.approx(reference_alpha(WIKIPEDIA_DATA, level), abs=1e-12)
    assert round(ours, 6) == expected  # pinned, so a change in the reference package is noticed too


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_krippendorff_matches_the_reference_on_random_data_with_missing_values(level, seed):
    rng = np.random.default_rng(seed)
    coders, units = 2 + seed % 3, 15 + 5 * seed
    data = rng.integers(1, 6, size=(coders, units)).astype(float)
    data[rng.random(data.shape) < 0.3] = np.nan  # about a third not coded
    assert krippendorff_alpha(data, level=level) == pytest.approx(reference_alpha(data, level), abs=1e-9)
