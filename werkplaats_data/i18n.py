"""The one translation table: every string a volunteer or visitor reads, Dutch first, English always.

Strings live in ``data/i18n.csv`` (columns: key, nl, en, ar). Arabic is a draft for the home
screen and navigation, to be reviewed by native speakers; a missing Arabic string falls back to
English. Keys are dotted, e.g. ``home.title``. Use ``t(key, lang, **values)``.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib.resources import files

LANGUAGES = ("nl", "en", "ar")
DEFAULT_LANGUAGE = "nl"
RTL_LANGUAGES = frozenset({"ar"})
#: Languages whose translation is a draft, to be checked by native speakers.
DRAFT_LANGUAGES = frozenset({"ar"})


@cache
def table() -> dict[str, dict[str, str]]:
    """All strings, as {key: {language: text}}."""
    path = files("werkplaats_data") / "data" / "i18n.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    out: dict[str, dict[str, str]] = {}
    for row in rows:
        key = row.pop("key")
        if key in out:
            raise ValueError(f"i18n.csv: key {key!r} appears twice")
        out[key] = {lang: (row.get(lang) or "").strip() for lang in LANGUAGES}
    return out


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text for ``key`` in ``lang`` (fallback: English, then Dutch), with ``{name}`` values filled in."""
    entry = table().get(key)
    if entry is None:
        raise KeyError(f"no translation for {key!r}: add it to werkplaats_data/data/i18n.csv")
    text = entry.get(lang) or entry["en"] or entry["nl"]
    return text.format(**values) if values else text


def direction(lang: str) -> str:
    """Text direction for HTML: 'rtl' or 'ltr'."""
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def format_number(value: float, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """A number as readers of ``lang`` expect it: 1.234,5 in Dutch, 1,234.5 in English and Arabic."""
    text = f"{value:,.{decimals}f}"
    if lang == "nl":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


#: Month names per language (dates in text and on chart axes).
MONTHS = {
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"),
    "ar": ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"),
}
#: Short month names on chart axes ("mrt 2024", "Mar 2024"); Arabic has no customary short form.
SHORT_MONTHS = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "ar": MONTHS["ar"],
}
#: Day names, Sunday first (as d3-time-format wants them).
DAYS = {
    "nl": ("zondag", "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag"),
    "en": ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"),
    "ar": ("الأحد", "الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت"),
}


def format_date(value, lang: str = DEFAULT_LANGUAGE) -> str:
    """A date as '24 april 2024' (nl), '24 April 2024' (en) or with Arabic month names (ar)."""
    return f"{value.day} {MONTHS.get(lang, MONTHS['en'])[value.month - 1]} {value.year}"


def format_euro(value: float, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """An amount in euros as readers of ``lang`` write it: '€ 1.234' (nl), '€1,234' (en, ar)."""
    return t("i18n.euro", lang, amount=format_number(value, lang, decimals))
