import pandas as pd

from werkplaats_data import periods


def _dated():
    return pd.DataFrame({"id": [1, 2, 3, 4], "date": pd.to_datetime(["2022-12-31", "2023-01-01", "2023-12-31", None])})


def test_in_period_keeps_both_end_days_and_drops_missing_dates():
    kept = periods.in_period(_dated(), ("2023-01-01", "2023-12-31"))
    assert kept["id"].tolist() == [2, 3]


def test_no_period_keeps_every_row():
    assert len(periods.in_period(_dated(), None)) == 4


def test_period_without_rows_gives_empty_table_with_same_columns():
    kept = periods.in_period(_dated(), ("1990-01-01", "1990-12-31"))
    assert len(kept) == 0 and list(kept.columns) == ["id", "date"]


def test_year_column_compares_with_the_years_of_the_days():
    solar = pd.DataFrame({"year": [2021, 2022, 2023, 2024]})
    assert periods.in_period(solar, ("2022-09-01", "2023-06-30"), column="year")["year"].tolist() == [2022, 2023]


def test_coverage_counts_rows_and_gives_first_and_last_date():
    row = periods.coverage(_dated()).iloc[0]
    assert row["rows"] == 4
    assert row["first"] == pd.Timestamp("2022-12-31") and row["last"] == pd.Timestamp("2023-12-31")


def test_coverage_of_empty_table_has_no_dates():
    row = periods.coverage(_dated().iloc[:0]).iloc[0]
    assert row["rows"] == 0 and row["first"] is None and row["last"] is None
