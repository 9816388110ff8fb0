"""The one translation table: complete in Dutch and English, and every key the code uses exists."""

import datetime as dt
import re
from pathlib import Path

import pytest

from werkplaats_data import i18n, privacy

ROOT = Path(__file__).resolve().parents[1]


def test_every_string_has_dutch_and_english():
    missing = [k for k, v in i18n.table().items() if not v["nl"] or not v["en"]]
    assert not missing, f"add Dutch and English for: {missing}"


def test_every_key_used_in_code_notebooks_and_dashboards_exists():
    files = [*(ROOT / "werkplaats_data").rglob("*.py"), *(ROOT / "notebooks").glob("*.ipynb"),
             *(ROOT / "dashboards").glob("*.ipynb")]
    call = r"\b(?:t|message|CleanError\.of)\(\s*['\"]([a-z0-9_.]+)['\"]"  # i18n.t, errors.message, CleanError.of
    used = {key for f in files for key in re.findall(call, f.read_text(encoding="utf-8"))}
    used = {k for k in used if not k.endswith(".")}  # prefixes completed in f-strings
    unknown = sorted(used - set(i18n.table()))
    assert not unknown, f"keys used but not in werkplaats_data/data/i18n.csv: {unknown}"


def test_the_small_cell_threshold_is_never_typed_into_a_sentence():
    """Sentences about hidden counts take ``{min_cell}`` from ``privacy.MIN_CELL``; a typed 10 would go stale."""
    typed = re.compile(r"(minder dan|onder de|fewer than|below|أقل من) 10\b|\b10 of meer|\b10 or more", re.IGNORECASE)
    stale = [k for k, v in i18n.table().items() if any(typed.search(text) for text in v.values())]
    assert not stale, f"write {{min_cell}} instead of 10 in: {stale}"


def test_every_sentence_with_the_threshold_gets_it_from_the_code():
    keys = [k for k, v in i18n.table().items() if "{min_cell}" in v["nl"] + v["en"]]
    code = "".join(f.read_text(encoding="utf-8") for f in (ROOT / "werkplaats_data").rglob("*.py"))
    calls = {k: re.findall(rf"\bt\(\s*['\"]{re.escape(k)}['\"](?:[^()]|\([^()]*\))*\)", code) for k in keys}
    without = sorted(k for k, found in calls.items() if any("min_cell=" not in call for call in found))
    assert keys and not without, f"pass min_cell=privacy.MIN_CELL to t() for: {without}"
    assert i18n.t("small_cell.suppressed", "en", min_cell=privacy.MIN_CELL) == f"fewer than {privacy.MIN_CELL}"


def test_lookup_fallback_and_values():
    assert i18n.t("demo.banner", "nl").startswith("Voorbeelddata")
    assert i18n.t("demo.banner", "en").startswith("Demo data")
    assert i18n.t("source.report", "ar") == i18n.t("source.report", "en")  # no Arabic yet: English
    assert "2017" in i18n.t("source.cbs", "nl", year=2017)
    with pytest.raises(KeyError, match="i18n.csv"):
        i18n.t("no.such.key")


def test_numbers_dates_and_direction_per_language():
    assert i18n.format_number(1234.5, "nl", decimals=1) == "1.234,5"
    assert i18n.format_number(1234.5, "en", decimals=1) == "1,234.5"
    assert i18n.format_date(dt.date(2024, 4, 24), "nl") == "24 april 2024"
    assert i18n.format_date(dt.date(2024, 4, 24), "en") == "24 April 2024"
    assert i18n.direction("ar") == "rtl" and i18n.direction("nl") == "ltr"


def test_messages_for_volunteers_come_from_the_translation_table():
    """A UserError, ReadError or CleanError gets its words from errors.message or CleanError.of, never typed."""
    typed = re.compile(r"\b(?:UserError|ReadError|CleanError)\(\s*f?['\"][^'\"]*[^\W\d_]")  # a literal with words
    found = [f"{f.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}"
             for f in (ROOT / "werkplaats_data").rglob("*.py")
             for text in [f.read_text(encoding="utf-8")] for m in typed.finditer(text)]
    assert not found, f"put these messages in werkplaats_data/data/i18n.csv and use errors.message(): {found}"
