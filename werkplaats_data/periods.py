"""Limit a release table to a period, and say what a table covers.

The research notebooks take a ``period`` parameter: None (everything) or a pair
(first day, last day), e.g. ``("2023-01-01", "2023-12-31")``. Both days count.
"""

from __future__ import annotations

import pandas as pd


def in_period(table: pd.DataFrame, period: tuple | None, *, column: str = "date") -> pd.DataFrame:
    """The rows whose ``column`` falls in ``period`` (first day and last day included); None = all rows.

    A ``column`` of whole years (``year`` in the solar table) is compared with the years of the
    two days: ("2022-09-01", "2023-06-30") keeps 2022 and 2023. Rows without a date are left out
    when a period is given.
    """
    if period is None:
        return table
    first, last = (pd.Timestamp(day) for day in period)
    values = table[column]
    if pd.api.types.is_datetime64_any_dtype(values):
        keep = values.between(first, last)
    else:
        keep = pd.to_numeric(values, errors="coerce").between(first.year, last.year)
    return table[keep]


def coverage(table: pd.DataFrame, *, column: str = "date") -> pd.DataFrame:
    """One row: ``rows`` (how many), ``first`` and ``last`` (earliest and latest ``column`` value; empty when no rows)."""
    values = table[column].dropna()
    return pd.DataFrame([{"rows": len(table), "first": values.min() if len(values) else None,
                          "last": values.max() if len(values) else None}])
