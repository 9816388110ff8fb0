"""Reliability statistics: Cronbach's α, Cohen's κ and Krippendorff's α.

Written here with numpy and scipy.special rather than taken from a library: each is a few lines of
textbook formula, so a student can check the code against the formula, and the kit needs no extra
runtime dependency (pingouin is GPL-3). The tests reproduce published reference values
(REFERENCES.md §6) and compare Krippendorff's α at every level with the independent
``krippendorff`` package (a test-only dependency).

Missing answers are NaN (or None). Each function says how it treats them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

KAPPA_WEIGHTS = (None, "linear", "quadratic")
KRIPPENDORFF_LEVELS = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class Alpha:
    """Cronbach's α with its confidence interval and the numbers it was computed from."""

    alpha: float
    ci_low: float
    ci_high: float
    n_respondents: int
    n_items: int


def cronbach_alpha(items: pd.DataFrame | np.ndarray, *, confidence: float = 0.95) -> Alpha:
    """Cronbach's α of a scale: rows are respondents, columns are the scale's items.

    α = k/(k−1) · (1 − Σ item variances / variance of the row sums), with sample variances (ddof=1).
    Respondents with any missing item are left out (listwise deletion). The confidence interval
    is Feldt's: with F quantiles on (n−1, (n−1)(k−1)) degrees of freedom,
    low = 1 − (1−α)·F(1 − (1−c)/2) and high = 1 − (1−α)·F((1−c)/2).
    Needs at least 2 items and 2 complete respondents; otherwise α and the interval are NaN.
    """
    x = np.asarray(items, dtype=float)
    x = x[~np.isnan(x).any(axis=1)]
    n, k = x.shape
    if k < 2 or n < 2:
        return Alpha(np.nan, np.nan, np.nan, n, k)
    total_var = x.sum(axis=1).var(ddof=1)
    alpha = k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total_var) if total_var > 0 else np.nan
    from scipy.special import fdtri  # the F quantile; imported here, as a kiosk kernel never needs it

    df1, df2 = n - 1, (n - 1) * (k - 1)
    tail = (1 - confidence) / 2
    low = 1 - (1 - alpha) * fdtri(df1, df2, 1 - tail)
    high = 1 - (1 - alpha) * fdtri(df1, df2, tail)
    return Alpha(float(alpha), float(low), float(high), n, k)


def _disagreement_weights(n_categories: int, weights: str | None) -> np.ndarray:
    i, j = np.indices((n_categories, n_categories))
    if weights is None:
        return (i != j).astype(float)
    if weights == "linear":
        return np.abs(i - j).astype(float)
    if weights == "quadratic":
        return ((i - j) ** 2).astype(float)
    raise ValueError(f"weights must be one of {KAPPA_WEIGHTS}, not {weights!r}")


def cohens_kappa_from_table(table: np.ndarray | list, *, weights: str | None = None) -> float:
    """Cohen's κ from a square agreement table (rows: rater 1's category, columns: rater 2's).

    κ = 1 − Σ w·observed / Σ w·expected, where expected = row total × column total / n and the
    disagreement weight w between categories i and j (in table order) is 0/1 when ``weights`` is
    None, |i − j| for "linear" and (i − j)² for "quadratic". Without weights this is the usual
    (p_observed − p_chance) / (1 − p_chance).
    """
    observed = np.asarray(table, dtype=float)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0)) / observed.sum()
    w = _disagreement_weights(observed.shape[0], weights)
    return float(1 - (w * observed).sum() / (w * expected).sum())


def cohens_kappa(rater1, rater2, *, weights: str | None = None) -> float:
    """Cohen's κ between two raters who each gave one category per unit (same order of units).

    Categories are the sorted set of values either rater used; with ``weights`` ("linear",
    "quadratic") that sorted order is taken as the order of the scale. Units where either rater
    left the answer missing are left out. See ``cohens_kappa_from_table`` for the formula.
    """
    pairs = pd.DataFrame({"a": list(rater1), "b": list(rater2)}).dropna()
    categories = sorted(set(pairs["a"]) | set(pairs["b"]))
    table = pd.crosstab(pd.Categorical(pairs["a"], categories), pd.Categorical(pairs["b"], categories), dropna=False)
    return cohens_kappa_from_table(table.to_numpy(), weights=weights)


def _krippendorff_delta2(values: np.ndarray, totals: np.ndarray, level: str) -> np.ndarray:
    """Squared distance δ² between every pair of values (Krippendorff 2011, 'Computing α')."""
    c, k = np.meshgrid(values, values, indexing="ij")
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.nan_to_num(((c - k) / (c + k)) ** 2)
    if level == "ordinal":
        cumulative = np.cumsum(totals)
        i, j = np.indices((len(values), len(values)))
        lo, hi = np.minimum(i, j), np.maximum(i, j)
        between = cumulative[hi] - cumulative[lo] + totals[lo]  # Σ n_g for g from the lower to the higher value
        return (between - (totals[i] + totals[j]) / 2) ** 2
    raise ValueError(f"level must be one of {KRIPPENDORFF_LEVELS}, not {level!r}")


def krippendorff_alpha(reliability_data, *, level: str = "nominal") -> float:
    """Krippendorff's α for any number of coders, with missing values.

    ``reliability_data`` is coders × units (a list of lists, array or DataFrame); NaN or None
    means that coder did not code that unit. Values are numbers (or, for "nominal", any labels).
    Units coded by fewer than two coders are left out. α = 1 − D_observed / D_expected, computed
    from the coincidence matrix o (each unit with m values adds every ordered pair of values from
    different coders with weight 1/(m − 1)): α = 1 − (n − 1)·Σ o·δ² / Σ n_c·n_k·δ², with n_c the
    row totals of o and δ² the distance for ``level`` (nominal, ordinal, interval, ratio).
    Read it as: ≥ 0.800 reliable, 0.667–0.800 tentative, below that not reliable.
    """
    long = pd.DataFrame(reliability_data).stack().dropna()  # one value per coded (coder, unit)
    if level != "nominal":
        long = long.astype(float)
    counts = pd.crosstab(long.index.get_level_values(1), long.to_numpy())  # units × values, values sorted
    counts = counts[counts.sum(axis=1) >= 2]
    counts = counts.loc[:, counts.sum(axis=0) > 0]
    if counts.shape[1] < 2:
        return float("nan")
    n_u = counts.to_numpy(dtype=float)
    weight = 1 / (n_u.sum(axis=1) - 1)  # each unit's pairs count 1/(m − 1)
    coincidence = (n_u * weight[:, None]).T @ n_u - np.diag((n_u * weight[:, None]).sum(axis=0))
    totals = coincidence.sum(axis=1)
    n = totals.sum()
    delta2 = _krippendorff_delta2(counts.columns.to_numpy(), totals, level)
    return float(1 - (n - 1) * (coincidence * delta2).sum() / (np.outer(totals, totals) * delta2).sum())
