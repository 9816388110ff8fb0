"""Pseudonyms (HMAC-SHA256 with a secret key outside the repository) and the small-cell rule."""

import stat

import unicodedata

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from werkplaats_data import privacy
from werkplaats_data.clean import EMPTY
from werkplaats_data.errors import UserError


def test_hmac_matches_rfc4231_test_case_1():
    key = bytes([0x0B] * 20)
    assert privacy.hmac_sha256(key, b"Hi There") == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"


def test_name_variants_get_one_pseudonym_and_other_names_another():
    key = b"k" * 32
    variants = ["Fatima Voorbeeld", " fatima  voorbeeld", "VOORBEELD, Fatima", "Fátima Voorbeeld"]
    assert len({privacy.pseudonym(v, key) for v in variants}) == 1
    assert privacy.pseudonym("Fatima Demo", key) != privacy.pseudonym("Fatima Voorbeeld", key)
    assert privacy.pseudonym("", key) is None


LATIN = "abcdefghijklmnopqrstuvwxyz"
ACCENTS = ["\u0301", "\u0300", "\u0308", "\u0302", "\u0327", "\u030c"]  # acute, grave, diaeresis, circumflex, cedilla, caron
WORD = st.text(LATIN, min_size=2, max_size=8)


def _accented(word: str, marks: list[str]) -> str:
    return unicodedata.normalize("NFC", "".join(ch + marks[i % len(marks)] if i % 2 == 0 else ch
                                                for i, ch in enumerate(word)))


@settings(max_examples=200, deadline=None)
@given(words=st.lists(WORD, min_size=1, max_size=3).filter(lambda w: " ".join(w) not in EMPTY), marks=st.lists(st.sampled_from(ACCENTS), min_size=1, max_size=3),
       spaces=st.sampled_from([" ", "  ", " \t "]), upper=st.booleans())
def test_variants_differing_in_case_spacing_or_accents_get_one_pseudonym(words, marks, spaces, upper):
    key = b"k" * 32
    plain = " ".join(words)
    variant = spaces + spaces.join(_accented(w, marks) for w in words) + spaces
    variant = variant.upper() if upper else variant.title()
    assert privacy.pseudonym(variant, key) == privacy.pseudonym(plain, key) is not None


SCRIPTS = {"arabic": "ابتثجحخدذرزسشصضطظعغفقكلمنهوي", "cyrillic": "абвгдежзиклмнопрстуфхцчшщэюя",
           "cjk": "李王张刘陈杨黄赵吴周徐孙马朱胡林郭何高罗", "devanagari": "कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह"}


@settings(max_examples=100, deadline=None)
@given(script=st.sampled_from(list(SCRIPTS)), data=st.data())
def test_non_latin_names_get_a_pseudonym_and_different_names_different_ones(script, data):
    key = b"k" * 32
    name = data.draw(st.text(SCRIPTS[script], min_size=1, max_size=10))
    other = data.draw(st.text(SCRIPTS[script], min_size=1, max_size=10).filter(lambda o: o != name))
    assert privacy.pseudonym(name, key) is not None
    assert privacy.pseudonym(f"  {name} ", key) == privacy.pseudonym(name, key)
    assert privacy.pseudonym(name, key) != privacy.pseudonym(other, key)


def test_turkish_dotless_i_and_letters_without_decomposition_fold():
    key = b"k" * 32
    assert privacy.pseudonym("Işık Yılmaz", key) == privacy.pseudonym("Isik Yilmaz", key)
    assert privacy.pseudonym("Søren Łukasz", key) == privacy.pseudonym("Soren Lukasz", key)


def test_pseudonym_depends_on_the_key_and_hides_the_name():
    a, b = privacy.pseudonym("Kees Proef", b"a" * 32), privacy.pseudonym("Kees Proef", b"b" * 32)
    assert a != b
    assert a.startswith("p_") and len(a) == 18 and "kees" not in a.lower()


def test_key_is_created_once_outside_the_repository_with_private_permissions(tmp_path, monkeypatch, capsys):
    key_file = tmp_path / "config" / "pseudonym.key"
    monkeypatch.setenv("WERKPLAATS_KEY_FILE", str(key_file))
    first = privacy.load_key()
    assert key_file.exists() and str(key_file) in capsys.readouterr().err
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert privacy.load_key() == first and len(first) == 32


def test_missing_key_can_be_refused(tmp_path):
    with pytest.raises(UserError):
        privacy.load_key(tmp_path / "nope.key", create=False)


def test_default_key_path_is_in_the_user_config_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("WERKPLAATS_KEY_FILE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert privacy.key_path() == tmp_path / "werkplaats" / "pseudonym.key"


def test_pseudonymise_column():
    key = b"k" * 32
    out = privacy.pseudonymise(pd.Series(["Ria Demo", None, "ria demo", "Olga Proef"]), key)
    assert out[0] == out[2] != out[3] and pd.isna(out[1])
    assert out[0] == privacy.pseudonym("Ria Demo", key) and out[3] == privacy.pseudonym("Olga Proef", key)


@pytest.mark.parametrize("count, expected", [(0, None), (9, None), (10, 10), (12, 10), (13, 15), (27, 25), (None, None)])
def test_safe_count_suppresses_below_10_and_rounds_to_5(count, expected):
    assert privacy.safe_count(count) == expected


def test_small_cell_table():
    table = pd.DataFrame({"activity": ["a", "b", "c"], "people": [4, 23, 118]})
    out = privacy.small_cell(table, "people")
    assert out["people"].isna().tolist() == [True, False, False]
    assert out["people"].tolist()[1:] == [25, 120]
    assert table["people"].tolist() == [4, 23, 118]  # the input is not changed


@pytest.mark.parametrize("count, lang, public, expected", [
    (0, "nl", True, "geen"), (0, "en", True, "none"), (1, "nl", True, "minder dan 10"), (9, "en", True, "fewer than 10"),
    (10, "nl", True, "10"), (1013, "en", True, "1,015"), (12.4, "nl", True, "10"),  # public: rounded to 5
    (0, "nl", False, "0"), (7, "nl", False, "7"), (1013, "nl", False, "1.013"),  # research: exact
    (None, "nl", True, "–"), (float("nan"), "en", False, "–"), (pd.NA, "nl", True, "–"),  # no count at all
])
def test_count_text_follows_the_small_cell_rule_in_public(count, lang, public, expected):
    assert privacy.count_text(count, lang, public=public) == expected


def test_count_text_gives_decimals_only_outside_public():
    assert privacy.count_text(12.34, "nl", public=False, decimals=1) == "12,3"
    assert privacy.count_text(12.34, "nl", public=True, decimals=1) == "10"


def test_safe_share_needs_ten_in_the_part_and_ten_in_the_rest():
    assert privacy.safe_share(3, 9) is None
    assert privacy.safe_share(1, 15) is None  # 1 of 15: the share gives the 1 back
    assert privacy.safe_share(14, 15) is None  # all but one: the same
    assert privacy.safe_share(10, 20) == 0.5 and privacy.safe_share(None, 20) is None


def test_public_mode_follows_the_argument_then_the_environment(monkeypatch):
    monkeypatch.delenv(privacy.PUBLIC_ENV, raising=False)
    assert privacy.public_mode() is False
    monkeypatch.setenv(privacy.PUBLIC_ENV, "1")
    assert privacy.public_mode() is True
    assert privacy.public_mode(False) is False
    monkeypatch.setenv(privacy.PUBLIC_ENV, "0")
    assert privacy.public_mode() is False
