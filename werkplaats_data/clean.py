"""Small, pure cleaners for what volunteers type into registers.

Each ``parse_*`` function takes one raw value and returns the clean value, ``None`` for an empty
cell, or raises ``CleanError`` with a reason in Dutch and English. ``clean_column`` applies a
cleaner to a whole column, once per distinct value (registers repeat values a lot, so this is fast),
and returns the clean values and the errors of the rows that failed.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable

import ftfy
from ftfy.badness import is_bad
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from werkplaats_data.i18n import t
from werkplaats_data.registers import CATEGORY_CHOICES, SYNONYMS, header_key


class CleanError(ValueError):
    """A value that cannot be cleaned; ``reason_nl`` and ``reason_en`` say why and what to do, ``key`` is
    the reason's key in the translation table (None for a reason written elsewhere)."""

    def __init__(self, reason_nl: str, reason_en: str, key: str | None = None):
        super().__init__(reason_en)
        self.reason_nl = reason_nl
        self.reason_en = reason_en
        self.key = key

    @classmethod
    def of(cls, key: str, **values) -> CleanError:
        """The reason ``key`` from the translation table, in Dutch and English."""
        return cls(t(key, "nl", **values), t(key, "en", **values), key)


EMPTY = {"", "-", "--", "n.v.t.", "nvt", "n/a", "na", "nan", "none", "null", "?", "??", "onbekend"}


def is_empty(value: object) -> bool:
    """True for None, NaN and cells that only say 'nothing' ('', '-', 'n.v.t.', …)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT or value is pd.NA:
        return True
    if not isinstance(value, str):
        return False
    text = value.strip().lower()
    return text in EMPTY or set(text) == {"?"}  # '????' = unknown, as in real ORDS files


# --- text ---------------------------------------------------------------------------------------

def normalise_text(value: object) -> str | None:
    """Trimmed text with single spaces, Unicode NFC, and double-encoded UTF-8 repaired ('cafÃ©' → 'café').

    The (slow) repair runs only on text that looks double-encoded (``ftfy.badness.is_bad``); plain
    ASCII cannot be, and other text is only NFC-normalised.
    """
    if is_empty(value):
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
        if is_bad(text):
            text = re.sub(r"\s+", " ", ftfy.fix_text(text, normalization="NFC")).strip()
    return text or None


#: Letters with no Unicode decomposition that names are also typed without ('Işık' / 'Isik', 'Øster' / 'Oster').
LETTER_FOLDS = str.maketrans({"ı": "i", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "ħ": "h", "ŧ": "t", "ŀ": "l",
                              "æ": "ae", "œ": "oe", "þ": "th", "ß": "ss", "ĸ": "k"})
#: Marks dropped from names: Latin/Greek/Cyrillic accents (and their extensions) and Arabic short vowels,
#: which people write or leave out. Marks that are letters' vowels in other scripts (Devanagari …) are kept.
_NAME_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
                         "\u064b-\u065f\u0670]")


_NOT_ASCII_NAME = re.compile(r"[^a-z0-9-]")


def normalise_name(value: object) -> str | None:
    """A person's name in one canonical form, so spelling variants get one pseudonym.

    Rule: 'Last, First' becomes 'First Last'; Unicode NFKD, accents and Arabic vowel marks removed,
    case folded, letters without a decomposition folded (ı→i, ø→o, ł→l, ß→ss, æ→ae, đ→d, …);
    everything but letters, digits and hyphens becomes a space; single spaces. Letters of every
    script are kept: 'Vries, Jan de' → 'jan de vries', 'Işık' → 'isik', 'Мария' → 'мария', '李明' → '李明'.
    """
    text = normalise_text(value)
    if text is None:
        return None
    if text.count(",") == 1:
        last, first = (part.strip() for part in text.split(","))
        text = f"{first} {last}"
    if text.isascii():  # most names: the same rule, without the Unicode steps
        text = re.sub(r"\s+", " ", _NOT_ASCII_NAME.sub(" ", text.lower())).strip()
    else:
        text = _NAME_MARKS.sub("", unicodedata.normalize("NFKD", text)).casefold().translate(LETTER_FOLDS)
        text = "".join(ch if ch.isalnum() or ch == "-" or unicodedata.category(ch)[0] == "M" else " " for ch in text)
        text = unicodedata.normalize("NFC", re.sub(r"\s+", " ", text).strip())
    return text if any(ch.isalnum() for ch in text) and text not in EMPTY else None


# --- dates --------------------------------------------------------------------------------------

MONTHS = {
    "jan": 1, "januari": 1, "january": 1,
    "feb": 2, "febr": 2, "februari": 2, "february": 2,
    "mrt": 3, "maa": 3, "maart": 3, "mar": 3, "march": 3,
    "apr": 4, "april": 4,
    "mei": 5, "may": 5,
    "jun": 6, "juni": 6, "june": 6,
    "jul": 7, "juli": 7, "july": 7,
    "aug": 8, "augustus": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9,
    "okt": 10, "oct": 10, "oktober": 10, "october": 10,
    "nov": 11, "november": 11,
    "dec": 12, "december": 12,
}
WEEKDAYS = r"(?:ma|di|wo|do|vr|za|zo|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|mon|tue|wed|thu|fri|sat|sun)"
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Registers of the Werkplaats start in 2021; accept a little before, and up to a year ahead.
EARLIEST = dt.date(2015, 1, 1)

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?$")
#: '3 feb. 2024', '3-feb-2024', '3 feb.2024', "3 Feb '24", 'za 3 februari 2024'
_WORDS = re.compile(rf"^(?:{WEEKDAYS}\.?,?\s+)?(\d{{1,2}})[\s./-]*([a-z]+)[\s./,'’-]*(\d{{2}}|\d{{4}})$")
_WORDS_US = re.compile(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_SERIAL = re.compile(r"^\d{5}(?:\.0+)?$")


def _bad_date(value: object) -> CleanError:
    return CleanError.of("clean.reason.bad_date", value=value)


def _make_date(year: int, month: int, day: int, raw: object) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CleanError.of("clean.reason.date_does_not_exist", value=raw, day=day, month=month) from None


def _full_year(two_digits: int) -> int:
    return 2000 + two_digits


def parse_date(value: object, *, today: dt.date | None = None, earliest: dt.date = EARLIEST,
               future: bool = True) -> dt.date | None:
    """A register date as a ``datetime.date``.

    Understands ISO (2024-02-03), Dutch day-month-year with '-', '/' or '.' and two- or four-digit
    years (3-2-2024, 03/02/24), Dutch and English month names or abbreviations with or without
    weekday ('za 3 feb. 2024', '3-feb-2024', "3 Feb '24"), Excel serial numbers (45325) and date
    objects. Day comes before month, as in Dutch; a two-digit year is 20yy. Raises ``CleanError``
    for a date that does not exist (31-2-2024, or 12/25/2024 written month-first) or lies outside
    ``earliest`` … one year after ``today`` (a placeholder like 1-1-1999); with ``future=False``
    (a register of what happened) also for a date after ``today``. See ``clean_dates`` for
    ambiguous dates.
    """
    if is_empty(value):
        return None
    today = today or dt.date.today()
    latest = today + dt.timedelta(days=366)
    if isinstance(value, pd.Timestamp | dt.datetime):
        result = value.date()
    elif isinstance(value, dt.date):
        result = value
    elif isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool):
        result = _from_serial(float(value), value)
    else:
        result = _parse_date_text(str(value).strip().lower(), value)
    if not earliest <= result <= latest:
        raise CleanError.of("clean.reason.date_out_of_range", value=value, earliest=earliest.year, latest=latest.year)
    if not future and result > today:
        raise CleanError.of("clean.reason.date_in_future", value=value, today=f"{today:%d-%m-%Y}")
    return result


def _from_serial(number: float, raw: object) -> dt.date:
    if not 20000 <= number <= 80000 or number != int(number):
        raise _bad_date(raw)
    return EXCEL_EPOCH + dt.timedelta(days=int(number))


def _parse_date_text(text: str, raw: object) -> dt.date:
    text = re.sub(r"\s+", " ", text)
    if m := _ISO.match(text):
        return _make_date(int(m[1]), int(m[2]), int(m[3]), raw)
    if _SERIAL.match(text):
        return _from_serial(float(text), raw)
    if m := _NUMERIC.match(text):
        day, month, year = int(m[1]), int(m[2]), int(m[3]) if len(m[3]) == 4 else _full_year(int(m[3]))
        if month > 12 and day <= 12:
            raise CleanError.of("clean.reason.month_before_day", value=raw, month=month)
        return _make_date(year, month, day, raw)
    if m := _WORDS.match(text):
        month = MONTHS.get(m[2])
        if month is None:
            raise _bad_date(raw)
        year = int(m[3]) if len(m[3]) == 4 else _full_year(int(m[3]))
        return _make_date(year, month, int(m[1]), raw)
    if m := _WORDS_US.match(text):
        month = MONTHS.get(m[1])
        if month is None:
            raise _bad_date(raw)
        return _make_date(int(m[3]), month, int(m[2]), raw)
    raise _bad_date(raw)


# --- times, numbers, booleans -------------------------------------------------------------------

_TIME = re.compile(r"^(\d{1,2})(?:[.:h](\d{2})(?::([0-5]\d))?)?\s*(?:u|uur|h|hr|hrs)?\.?$")
_TIME_RANGE = re.compile(r"^(.+?)\s*(?:-|–|—|tot|t/m|to)\s*(.+)$")


def parse_time(value: object) -> str | None:
    """A time of day as 'HH:MM' from '12.00 u', '12:00', '12:00:00' (Excel CSV), '12u', '9.30', '14'
    or a time object. A range ('12.00-14.00') is refused here: see ``parse_time_range``."""
    if is_empty(value):
        return None
    if isinstance(value, str) and (span := _TIME_RANGE.match(value.strip().lower())):
        start = _time_or_none(span[1])
        if start is not None and _time_or_none(span[2]) is not None:
            raise CleanError.of("clean.reason.time_range", value=value, start=start)
    if isinstance(value, dt.time | dt.datetime):
        return f"{value.hour:02d}:{value.minute:02d}"
    if isinstance(value, float) and 0 <= value < 1:  # Excel stores times as a fraction of a day
        minutes = round(value * 24 * 60) % (24 * 60)  # 0.9999 rounds to midnight
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    text = str(value).strip().lower()
    m = _TIME.match(text)
    if m:
        hour, minute = int(m[1]), int(m[2] or 0)
        if hour <= 23 and minute <= 59:
            return f"{hour:02d}:{minute:02d}"
    raise CleanError.of("clean.reason.bad_time", value=value)


def _time_or_none(text: str) -> str | None:
    try:
        return parse_time(text)
    except CleanError:
        return None


def parse_time_range(value: object) -> tuple[str | None, str | None] | None:
    """(start, end) from a cell that may hold a range ('12.00-14.00', '10 tot 14 u'), for a register
    that needs both times (sessions); a single time gives (start, None), an empty cell None."""
    if is_empty(value):
        return None
    if isinstance(value, str) and (span := _TIME_RANGE.match(value.strip().lower())):
        start, end = _time_or_none(span[1]), _time_or_none(span[2])
        if start is not None and end is not None:
            return start, end
    return parse_time(value), None


_NUMBER_CLUTTER = re.compile(r"€|kwh|m3|m³|punten|pnt|kg|st\.?|stuks|x$", re.IGNORECASE)


def parse_number(value: object) -> float | None:
    """A number from '2,5', '1.234,50', '€ 12', '€ 12,-', '1,234.5' or '3 punten'.

    With both '.' and ',' the last one is the decimal mark. With one ',' it is the decimal mark
    (Dutch). With one '.' followed by exactly three digits it is a thousands mark ('1.234' = 1234,
    as Dutch spreadsheets write it) unless the number starts with 0 ('0.500' = 0.5); otherwise it
    is a decimal mark. ',-' at the end means whole euros ('12,-' = 12).
    """
    if is_empty(value):
        return None
    if isinstance(value, bool):
        raise CleanError.of("clean.reason.yes_no_is_no_number", value=value)
    if isinstance(value, int | float | np.integer | np.floating):
        if math.isnan(value) or math.isinf(value):
            return None if math.isnan(value) else _not_a_number(value)
        return float(value)
    text = re.sub(r"[.,][-–—]$", "", _NUMBER_CLUTTER.sub("", str(value)).strip()).strip()
    negative = text.startswith("-")
    text = text.lstrip("+-")
    if "," in text and "." in text:
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        text = text.replace(thousands, "").replace(decimal, ".")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(".") == 1 and re.fullmatch(r"[1-9]\d{0,2}\.\d{3}", text):
        text = text.replace(".", "")
    elif text.count(".") > 1 and re.fullmatch(r"[1-9]\d{0,2}(\.\d{3})+", text):
        text = text.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d+)?|\.\d+", text):
        return _not_a_number(value)
    number = float(text)
    return -number if negative else number


def _not_a_number(value: object):
    raise CleanError.of("clean.reason.not_a_number", value=value)


def parse_int(value: object) -> int | None:
    """A whole number ('3', '3,0', '1.200'); a fraction is an error, not rounded."""
    number = parse_number(value)
    if number is None:
        return None
    if number != int(number):
        raise CleanError.of("clean.reason.not_whole", value=value)
    return int(number)


TRUE = {"ja", "j", "x", "yes", "y", "waar", "true", "1", "v", "ok", "akkoord", "✓", "✔", "wel"}
FALSE = {"nee", "n", "no", "onwaar", "false", "0", "niet", "geen", "✗"}


def parse_bool(value: object) -> bool | None:
    """True for 'ja', 'x', 'yes', '1', '✓'; False for 'nee', 'no', '0'; None for an empty cell."""
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if is_empty(value):
        return None
    text = str(value).strip().lower().rstrip(".")
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise CleanError.of("clean.reason.not_yes_no", value=value)


def parse_category(value: object, field_type: str) -> str | None:
    """The canonical value for a categorical field ('Half gerepareerd' → 'Repairable')."""
    if is_empty(value):
        return SYNONYMS[field_type].get("")
    key = header_key(normalise_text(value))
    mapping = SYNONYMS[field_type]
    if key in mapping:
        return mapping[key]
    if key in {header_key(v) for v in mapping.values()}:
        return next(v for v in mapping.values() if header_key(v) == key)
    options = ", ".join(CATEGORY_CHOICES.get(field_type) or sorted(set(mapping.values())))
    raise CleanError.of("clean.reason.unknown_value", value=value, options=options)


_POSTCODE = re.compile(r"^([1-9]\d{3})\s*([a-z]{2})?$")


def parse_postcode(value: object) -> str | None:
    """A Dutch postcode as '3014 AB' (or '3014' when only the digits were written)."""
    if is_empty(value):
        return None
    m = _POSTCODE.match(str(value).strip().lower())
    if not m:
        raise CleanError.of("clean.reason.bad_postcode", value=value)
    return m[1] + (f" {m[2].upper()}" if m[2] else "")


# --- whole columns ------------------------------------------------------------------------------

def distinct(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(code per row, distinct values), code -1 for an empty cell: ``pd.factorize``, or a Categorical's
    own codes and categories (no hashing; a category no row uses is harmless to the callers)."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), values.cat.categories
    return pd.factorize(values, use_na_sentinel=True)


def _clean_distinct(values: pd.Series, cleaner: Callable[[object], object]):
    """Codes per row, and the cleaner's result and error for each distinct value (last slot: empty cell)."""
    codes, uniques = distinct(values)
    clean: list = [None] * (len(uniques) + 1)
    errors: list = [None] * (len(uniques) + 1)
    for i, raw in enumerate([*uniques, None]):
        try:
            clean[i] = cleaner(raw)
        except CleanError as err:
            errors[i] = err
    return codes, uniques, clean, errors


def take(distinct: list, codes: np.ndarray, index: pd.Index, dtype: str = "object") -> pd.Series:
    """A column from one value per distinct raw value: ``distinct[codes]``, code -1 = the last slot.

    ``dtype`` is "object", "str" (Arrow strings: fast to hash, compare and store), "category" (text
    that repeats: a register's million rows cost one code each, no string is copied), "float64" or
    "datetime64[ns]"; None becomes NA / NaN / NaT.
    """
    codes = np.where(codes < 0, len(distinct) - 1, codes)
    if dtype == "category":
        remap, categories = pd.factorize(pd.Series(distinct, dtype=object), use_na_sentinel=True)
        return pd.Series(pd.Categorical.from_codes(remap[codes], categories=categories.astype(str)), index=index)
    if dtype == "str":
        arrow = pa.array([None if v is None else str(v) for v in distinct], pa.string())
        return arrow_strings(pc.take(arrow, pa.array(codes)), index)
    if dtype == "datetime64[ns]":
        typed = pd.to_datetime(pd.Series(distinct, dtype=object)).to_numpy(dtype="datetime64[ns]")
    elif dtype == "float64":
        typed = np.array([np.nan if v is None else v for v in distinct], dtype="float64")
    else:
        typed = np.empty(len(distinct), dtype=object)
        typed[:] = distinct
    return pd.Series(typed[codes], index=index, dtype=dtype)


def arrow_strings(strings: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    """A pandas string column ("str") around an Arrow string array, without a copy per value."""
    converted = strings.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow", na_value=np.nan)}.get)
    return pd.Series(converted.array, index=index)


def failed_rows(errors: list, codes: np.ndarray, index: pd.Index) -> pd.Series:
    """The ``CleanError`` of each row whose distinct value failed, indexed by those rows only."""
    failed = np.array([e is not None for e in errors], dtype=bool)
    codes = np.where(codes < 0, len(errors) - 1, codes)
    rows = np.flatnonzero(failed[codes])
    return pd.Series([errors[c] for c in codes[rows]], index=index[rows], dtype=object)


def clean_column(values: pd.Series, cleaner: Callable[[object], object], *,
                 dtype: str = "object") -> tuple[pd.Series, pd.Series]:
    """Apply ``cleaner`` to every value; returns (clean values, errors of the rows that failed).

    The cleaner runs once per distinct value, so a million-row register with a few thousand
    distinct dates costs a few thousand calls. ``dtype`` is the type of the clean column (see
    ``take``); empty and bad cells become missing.
    """
    codes, _, clean, errors = _clean_distinct(values, cleaner)
    return take(clean, codes, values.index, dtype), failed_rows(errors, codes, values.index)


def clean_dates(values: pd.Series, **kwargs) -> tuple[pd.Series, pd.Series]:
    """``clean_column`` with ``parse_date`` (``kwargs`` go to it), plus one rule for the whole column.

    Rule for numeric dates: day-first (03/02/2024 = 3 February), as Dutch registers write them,
    unless the same column proves it also holds month-first dates: when some date in it can only
    be month-first (12/25/2024), every numeric date whose day and month are both 12 or less and
    differ (03/02/2024, 05/03/24) could be either, so it goes to quarantine as ambiguous instead of
    being guessed. ISO dates, month names and dates like 05/05/2024 are never ambiguous.
    """
    codes, uniques, clean, errors = _clean_distinct(values, lambda v: parse_date(v, **kwargs))
    month_first = any(e is not None and e.key == "clean.reason.month_before_day" for e in errors)
    if month_first:
        for i, raw in enumerate(uniques):
            if errors[i] is None and _both_orders(raw):
                clean[i] = None
                errors[i] = CleanError.of("clean.reason.ambiguous_date", value=raw)
    return take(clean, codes, values.index, "datetime64[ns]"), failed_rows(errors, codes, values.index)


def _both_orders(value: object) -> bool:
    m = _NUMERIC.match(str(value).strip())
    return bool(m) and int(m[1]) <= 12 and int(m[2]) <= 12 and m[1].lstrip("0") != m[2].lstrip("0")


def duplicate_rows(frame: pd.DataFrame) -> pd.Series:
    """For each row, the index label of the first identical row before it, or NA when there is none.

    Rows are compared cell by cell as typed: each column becomes integer codes, and the codes are
    folded into one integer row key (re-numbered only when it would grow too large).
    """
    key, size = np.zeros(len(frame), dtype=np.int64), 1
    for column in frame.columns:
        codes, uniques = distinct(frame[column])
        if size * (len(uniques) + 1) >= 2**62:
            key, size = _renumber(key)
        key, size = key * (len(uniques) + 1) + codes + 1, size * (len(uniques) + 1)
    dup = pd.Series(key).duplicated(keep="first").to_numpy()
    first_label = np.full(len(frame), np.nan)
    if dup.any():  # look only at the rows involved in a duplicate (usually a handful)
        involved = np.flatnonzero(pd.Series(key).isin(np.unique(key[dup])).to_numpy())
        labels = pd.Series(frame.index.to_numpy()[involved], dtype="float64")
        first_label[involved] = labels.groupby(key[involved]).transform("first").to_numpy()
        first_label[~dup] = np.nan
    return pd.Series(first_label, index=frame.index)


def _renumber(key: np.ndarray) -> tuple[np.ndarray, int]:
    """Keys as 0, 1, 2, … in order of first appearance, and how many there are."""
    codes, uniques = pd.factorize(key)
    return codes.astype(np.int64), len(uniques)
