"""Cleaners: one value in, one clean value (or a reason) out."""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from werkplaats_data import clean
from werkplaats_data.clean import CleanError

TODAY = dt.date(2026, 11, 28)
FEB_3 = dt.date(2024, 2, 3)


@pytest.mark.parametrize("raw", [
    "3-2-2024", "03-02-2024", "3/2/2024", "03/02/24", "3.2.2024", "2024-02-03", "2024/02/03",
    "3 feb. 2024", "3 feb 2024", "3 februari 2024", "za 3 feb. 2024", "zaterdag 3 februari 2024",
    "3 Feb 2024", "February 3, 2024", "45325", 45325, 45325.0, dt.date(2024, 2, 3), dt.datetime(2024, 2, 3, 12, 0),
    pd.Timestamp("2024-02-03"), " 3-2-2024 ", "2024-02-03 00:00:00",
    "3-feb-2024", "3 feb.2024", "3 Feb '24", "3-Feb-24", "03/02/2024 00:00:00",
])
def test_parse_date_reads_the_ways_volunteers_write_3_february_2024(raw):
    assert clean.parse_date(raw, today=TODAY) == FEB_3


@pytest.mark.parametrize("raw", ["3 mrt 2024", "3 maart 2024", "3 mar 2024", "3-3-24"])
def test_parse_date_dutch_and_english_march(raw):
    assert clean.parse_date(raw, today=TODAY) == dt.date(2024, 3, 3)


@pytest.mark.parametrize("raw, words", [
    ("31-2-2024", "bestaat niet"),      # impossible day
    ("29-2-2023", "bestaat niet"),      # not a leap year
    ("1-1-1999", "buiten"),             # a placeholder date (as in real ORDS files)
    ("3-2-2031", "buiten"),             # years ahead
    ("12/25/2024", "maand 25"),         # month-first
    ("gisteren", "niet herkend"),
    ("3 flurb 2024", "niet herkend"),
    ("123", "niet herkend"),
])
def test_parse_date_refuses_impossible_and_placeholder_dates_with_a_reason(raw, words):
    with pytest.raises(CleanError) as err:
        clean.parse_date(raw, today=TODAY)
    assert words in err.value.reason_nl
    assert err.value.reason_en


def test_parse_date_refuses_a_future_date_only_when_asked():
    assert clean.parse_date("3-2-2027", today=TODAY) == dt.date(2027, 2, 3)  # a planned session
    with pytest.raises(CleanError) as err:
        clean.parse_date("3-2-2027", today=TODAY, future=False)  # a repair cannot have happened yet
    assert "toekomst" in err.value.reason_nl and "future" in err.value.reason_en
    assert clean.parse_date("28-11-2026", today=TODAY, future=False) == TODAY


def test_parse_date_leap_day_exists():
    assert clean.parse_date("29-2-2024", today=TODAY) == dt.date(2024, 2, 29)


def test_clean_dates_quarantines_ambiguous_dates_when_a_column_mixes_orders():
    values = pd.Series(["12/25/2024", "03/02/2024", "13/02/2024", "2024-02-03", "05/05/2024"])
    out, errors = clean.clean_dates(values, today=TODAY)
    assert errors.index.tolist() == [0, 1]                       # 0: month-first, impossible day-first
    assert "dag-maand of maand-dag" in errors[1].reason_nl       # 3 Feb or 2 Mar: not guessed
    assert out[2] == pd.Timestamp(2024, 2, 13)                   # only one reading
    assert out[3] == pd.Timestamp(FEB_3)                         # ISO is never ambiguous
    assert out[4] == pd.Timestamp(2024, 5, 5)                    # both readings are the same day
    assert pd.isna(out[1])


def test_clean_dates_quarantines_a_two_digit_year_date_in_a_column_with_both_orders():
    out, errors = clean.clean_dates(pd.Series(["05/03/24", "12/25/24", "3 mrt 2024"]), today=TODAY)
    assert errors.index.tolist() == [0, 1] and "dag-maand of maand-dag" in errors[0].reason_nl
    assert out[2] == pd.Timestamp(2024, 3, 3)


def test_clean_dates_day_first_when_the_column_shows_no_month_first_dates():
    out, errors = clean.clean_dates(pd.Series(["03/02/2024", "13/02/2024"]), today=TODAY)
    assert list(out) == [pd.Timestamp(FEB_3), pd.Timestamp(2024, 2, 13)] and errors.empty


@pytest.mark.parametrize("raw, expected", [
    ("12.00 u", "12:00"), ("12:00", "12:00"), ("12u", "12:00"), ("9.30", "09:30"), ("14", "14:00"),
    ("14.30 uur", "14:30"), (dt.time(10, 5), "10:05"), (0.5, "12:00"), (0.99999, "00:00"), ("", None), (None, None),
    ("12:00:00", "12:00"), ("09:30:00", "09:30"),
])
def test_parse_time(raw, expected):
    assert clean.parse_time(raw) == expected


@pytest.mark.parametrize("raw", ["25.00", "12:75", "middag", "12:00:75"])
def test_parse_time_refuses_what_is_no_time(raw):
    with pytest.raises(CleanError):
        clean.parse_time(raw)


@pytest.mark.parametrize("raw, expected", [
    ("12.00-14.00", ("12:00", "14:00")), ("12:00 - 14:00", ("12:00", "14:00")), ("10 tot 14 u", ("10:00", "14:00")),
    ("19.30–21.00", ("19:30", "21:00")), ("12.00", ("12:00", None)), ("", None),
])
def test_parse_time_range_gives_start_and_end(raw, expected):
    assert clean.parse_time_range(raw) == expected


def test_a_range_where_only_a_start_time_fits_is_refused_with_the_start_to_write():
    with pytest.raises(CleanError) as err:
        clean.parse_time("12.00-14.00")
    assert "alleen de begintijd, 12:00" in err.value.reason_nl


@pytest.mark.parametrize("raw, expected", [
    ("2,5", 2.5), ("1.234,50", 1234.5), ("1.234", 1234.0), ("1.234.567", 1234567.0), ("2.5", 2.5),
    ("1,234.5", 1234.5), ("€ 12", 12.0), ("3 punten", 3.0), ("164 kWh", 164.0), ("-5", -5.0), (7, 7.0),
    (2.25, 2.25), ("", None), ("-", None), (float("nan"), None),
    ("€ 12,-", 12.0), ("12,-", 12.0), ("€12,–", 12.0), ("0.500", 0.5), ("0.250 kWh", 0.25), ("0.5", 0.5),
])
def test_parse_number(raw, expected):
    assert clean.parse_number(raw) == expected


@pytest.mark.parametrize("raw", ["twee", "1,2,3", "3 4", True])
def test_parse_number_refuses_words(raw):
    with pytest.raises(CleanError):
        clean.parse_number(raw)


def test_parse_int_refuses_fractions_rather_than_rounding():
    assert clean.parse_int("1.200") == 1200
    with pytest.raises(CleanError):
        clean.parse_int("2,5")


@pytest.mark.parametrize("raw, expected", [
    ("ja", True), ("Ja", True), ("x", True), ("X", True), ("yes", True), ("1", True), ("✓", True),
    ("nee", False), ("Nee.", False), ("no", False), ("0", False), ("", None), (None, None), (True, True),
])
def test_parse_bool(raw, expected):
    assert clean.parse_bool(raw) is expected


def test_parse_bool_refuses_maybe():
    with pytest.raises(CleanError):
        clean.parse_bool("misschien")


def test_normalise_text_repairs_double_encoded_utf8_and_spacing():
    assert clean.normalise_text("cafÃ©  au   lait ") == "café au lait"
    assert clean.normalise_text("Ã©Ã©n kant werkt niet") == "één kant werkt niet"
    assert clean.normalise_text("cafe\u0301") == "café"  # NFC
    assert clean.normalise_text("  ") is None


@pytest.mark.parametrize("variant", ["Jan de Vries", " jan  de vries ", "JAN DE VRIES", "Vries, Jan de", "Ján de Vries"])
def test_normalise_name_gives_one_form_for_spelling_variants(variant):
    assert clean.normalise_name(variant) == "jan de vries"


@pytest.mark.parametrize("raw, expected", [
    ("محمد علي", "محمد علي"), ("مُحَمَّد علي", "محمد علي"),  # Arabic, with and without vowel marks
    ("Мария Иванова", "мария иванова"), ("МАРИЯ  ИВАНОВА", "мария иванова"),
    ("李明", "李明"), ("राम", "राम"),
    ("Işık", "isik"), ("ISIK", "isik"), ("Øster", "oster"), ("Łukasz", "lukasz"), ("Straße", "strasse"),
    ("Ærø", "aero"), ("Đorđe", "dorde"), ("Œuvre", "oeuvre"),
])
def test_normalise_name_keeps_every_script_and_folds_letters_without_a_decomposition(raw, expected):
    assert clean.normalise_name(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("Gerepareerd", "Fixed"), ("half gerepareerd", "Repairable"), ("Advies gegeven", "Repairable"),
    ("Niet gerepareerd", "End of life"), ("niet gelukt", "End of life"), ("Fixed", "Fixed"),
    ("End of life", "End of life"), ("", "Unknown"),
])
def test_repair_outcomes_map_to_ords_statuses(raw, expected):
    assert clean.parse_category(raw, "repair_status") == expected


@pytest.mark.parametrize("field, raw, expected", [
    ("role", "Vrijwilliger", "volunteer"), ("role", "coördinator", "coordinator"), ("role", "bezoeker", "visitor"),
    ("swap_kind", "Spullen", "good"), ("swap_kind", "dienst", "service"),
    ("greening_kind", "Tegels eruit", "tiles_removed"), ("purpose", "onderzoek", "research"),
    ("repair_barrier", "onderdelen te duur", "Spare parts too expensive"),
])
def test_category_synonyms(field, raw, expected):
    assert clean.parse_category(raw, field) == expected


def test_unknown_category_names_examples_to_use():
    with pytest.raises(CleanError) as err:
        clean.parse_category("baas", "role")
    assert "gebruik bijvoorbeeld" in err.value.reason_nl
    with pytest.raises(CleanError) as err:
        clean.parse_category("misschien", "repair_status")
    assert "Half gerepareerd, Advies gegeven, Niet gerepareerd" in err.value.reason_nl  # words, not 'adviesgegeven'
    assert "endoflife" not in err.value.reason_en


@pytest.mark.parametrize("raw, expected", [("3014ab", "3014 AB"), ("3014 AB", "3014 AB"), (" 3015  cd", "3015 CD"),
                                           ("3014", "3014"), ("", None)])
def test_parse_postcode(raw, expected):
    assert clean.parse_postcode(raw) == expected


@pytest.mark.parametrize("raw", ["0123 AB", "30145", "AB 3014", "Rotterdam"])
def test_parse_postcode_refuses_what_is_no_postcode(raw):
    with pytest.raises(CleanError):
        clean.parse_postcode(raw)


def test_question_marks_mean_unknown():
    assert clean.parse_int("????") is None


def test_duplicate_rows_point_at_the_first_copy():
    frame = pd.DataFrame({"a": [1, 2, 1, 3, 1], "b": ["x", "y", "x", "z", "x"]}, index=[10, 11, 12, 13, 14])
    assert clean.duplicate_rows(frame).tolist()[2] == 10
    assert clean.duplicate_rows(frame).tolist()[4] == 10
    assert clean.duplicate_rows(frame).isna().tolist() == [True, True, False, True, False]


def test_clean_column_keeps_the_row_labels_for_every_output_type():
    s = pd.Series(["Ruilpunt", "Workshops", None, "Ruilpunt"], index=[5, 6, 7, 8], dtype=object)
    for dtype in ("str", "object"):
        out, _ = clean.clean_column(s, clean.normalise_text, dtype=dtype)
        assert out.index.tolist() == [5, 6, 7, 8]
        assert out[5] == out[8] == "Ruilpunt" and out[6] == "Workshops" and pd.isna(out[7])


def test_clean_column_returns_values_and_the_errors_of_failed_rows():
    values, errors = clean.clean_column(pd.Series(["2,5", None, "x", "2,5"]), clean.parse_number)
    assert values.tolist()[0] == 2.5 and values.tolist()[3] == 2.5 and values[1] is None
    assert errors.index.tolist() == [2] and "'x'" in errors[2].reason_en


# --- properties: no value crashes a cleaner; cleaning is idempotent ------------------------------

ANY_CELL = st.one_of(st.none(), st.text(max_size=30), st.integers(-10**9, 10**9),
                     st.floats(allow_nan=True, allow_infinity=True), st.booleans(), st.dates())
CLEANERS = [clean.parse_date, clean.parse_time, clean.parse_time_range, clean.parse_number, clean.parse_int, clean.parse_bool,
            clean.parse_postcode, clean.normalise_text, clean.normalise_name,
            lambda v: clean.parse_category(v, "role"), lambda v: clean.parse_category(v, "repair_status")]


@settings(max_examples=300, deadline=None)
@given(value=ANY_CELL)
def test_no_cell_value_crashes_a_cleaner(value):
    for cleaner in CLEANERS:
        try:
            cleaner(value)
        except CleanError:
            pass  # a reason for the quarantine is the right answer for a bad value


@settings(max_examples=300, deadline=None)
@given(value=ANY_CELL)
def test_cleaning_is_idempotent(value):
    """Cleaning a clean value again gives the same value."""
    for cleaner in (clean.parse_date, clean.parse_time, clean.parse_number, clean.parse_postcode,
                    clean.normalise_text, clean.normalise_name, lambda v: clean.parse_category(v, "repair_status")):
        try:
            once = cleaner(value)
        except CleanError:
            continue
        assert cleaner(once) == once


@settings(max_examples=100, deadline=None)
@given(values=st.lists(ANY_CELL, max_size=40))
def test_clean_column_never_loses_a_row(values):
    series = pd.Series(values, dtype=object)
    out, errors = clean.clean_dates(series)
    assert list(out.index) == list(series.index)
    assert set(errors.index) <= set(series.index)  # a row that failed has a reason and no value
    assert out[errors.index].isna().all() and all(isinstance(e, clean.CleanError) for e in errors)
