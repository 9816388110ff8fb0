"""Consent: the latest decision per purpose counts; photos need everyone shown; a withdrawal removes."""

import datetime as dt
import shutil

import pandas as pd
import pytest

from werkplaats_data import consent, stories


def ledger(*rows):
    """A ledger from (person, subject, purpose, granted, date) tuples, in file order."""
    df = pd.DataFrame(rows, columns=["person_id", "subject", "purpose", "granted", "date"])
    return df.assign(date=pd.to_datetime(df["date"]), method="paper")


def story_table(*rows):
    """Stories from (story_id, original_id, teller, photo, photo_shows) tuples."""
    return pd.DataFrame(rows, columns=["story_id", "original_id", "teller", "photo", "photo_shows"])


STORIES = story_table(("S-1", "S-1", "T-01", None, None),
                      ("S-1-en", "S-1", "T-01", None, None),
                      ("S-2", "S-2", "T-02", "F-2", "B-01;B-02"))


def test_granted_then_withdrawn_then_granted_again():
    granted = ("T-01", "S-1", "exhibition_anonymous", True, "2024-01-01")
    withdrawn = ("T-01", "S-1", "exhibition_anonymous", False, "2024-02-01")
    again = ("T-01", "S-1", "exhibition_anonymous", True, "2024-03-01")
    assert set(consent.for_purpose(STORIES, ledger(granted), "exhibition_anonymous")["story_id"]) == {"S-1", "S-1-en"}
    assert consent.for_purpose(STORIES, ledger(granted, withdrawn), "exhibition_anonymous").empty
    assert set(consent.for_purpose(STORIES, ledger(granted, withdrawn, again), "exhibition_anonymous")["story_id"]) == {"S-1", "S-1-en"}
    # the date decides, not the line: a late-written line with an early date does not override
    assert consent.for_purpose(STORIES, ledger(withdrawn, granted), "exhibition_anonymous").empty


def test_same_date_lower_line_wins():
    rows = [("T-01", "S-1", "research", True, "2024-01-01"), ("T-01", "S-1", "research", False, "2024-01-01")]
    assert consent.for_purpose(STORIES, ledger(*rows), "research").empty
    assert len(consent.for_purpose(STORIES, ledger(*rows[::-1]), "research")) == 2


def test_purposes_are_separate():
    research_only = ledger(("T-01", "S-1", "research", True, "2024-01-01"))
    assert consent.for_purpose(STORIES, research_only, "online").empty
    assert len(consent.for_purpose(STORIES, research_only, "research")) == 2


def test_only_the_teller_decides_about_a_story():
    other = ledger(("T-99", "S-1", "research", True, "2024-01-01"))
    assert consent.for_purpose(STORIES, other, "research").empty


def test_photo_with_one_person_not_agreeing_is_left_out_but_the_story_stays():
    rows = [("T-02", "S-2", "exhibition_anonymous", True, "2024-01-01"),
            ("T-02", "F-2", "exhibition_anonymous", True, "2024-01-01"),
            ("B-01", "F-2", "exhibition_anonymous", True, "2024-01-02"),
            ("B-02", "F-2", "exhibition_anonymous", False, "2024-01-02")]
    out = consent.for_purpose(STORIES, ledger(*rows), "exhibition_anonymous")
    assert list(out["story_id"]) == ["S-2"]
    assert out["photo"].iloc[0] is None and out["photo_shows"].iloc[0] is None
    all_agree = rows[:3] + [("B-02", "F-2", "exhibition_anonymous", True, "2024-01-03")]
    out = consent.for_purpose(STORIES, ledger(*all_agree), "exhibition_anonymous")
    assert out["photo"].iloc[0] == "F-2"
    # someone shown who never answered counts as not agreeing
    out = consent.for_purpose(STORIES, ledger(*rows[:3]), "exhibition_anonymous")
    assert out["photo"].iloc[0] is None


def test_unknown_purpose_is_refused():
    with pytest.raises(ValueError):
        consent.for_purpose(STORIES, ledger(), "marketing")


def test_read_ledger_names_line_and_field(tmp_path):
    path = tmp_path / "consents.csv"
    path.write_text("person_id,subject,purpose,granted,date,method\n"
                    "T-01,S-1,research,ja,2024-01-01,paper\n"
                    "T-01,S-1,marketing,yes,2024-01-01,paper\n"
                    "T-01,S-1,research,misschien,01-02-2024,pigeon\n", encoding="utf-8")
    valid, problems = consent.read_ledger(path)
    assert len(valid) == 1 and bool(valid["granted"].iloc[0]) is True
    assert valid["date"].dtype == "datetime64[ns]"
    assert any("line 3, purpose" in p and "marketing" in p for p in problems)
    assert any("line 4, granted" in p for p in problems)
    assert any("line 4, date" in p for p in problems)
    assert any("line 4, method" in p for p in problems)


def test_append_decision_adds_a_line_and_keeps_the_rest(tmp_path):
    path = tmp_path / "consents.csv"
    consent.append_decision(path, person_id="T-01", subject="S-1", purpose="research", granted=True, date=dt.date(2024, 1, 1))
    consent.append_decision(path, person_id="T-01", subject="S-1", purpose="research", granted=False,
                            date=dt.date(2024, 2, 1), method="verbal_interpreter")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "person_id,subject,purpose,granted,date,method"
    assert lines[1:] == ["T-01,S-1,research,yes,2024-01-01,", "T-01,S-1,research,no,2024-02-01,verbal_interpreter"]
    assert consent.for_purpose(STORIES, consent.load_ledger(path), "research").empty


def test_check_references_names_a_consent_for_a_story_that_does_not_exist():
    rows = ledger(("T-01", "S-9", "research", True, "2024-01-01"),
                  ("T-05", "S-1", "research", True, "2024-01-01"),
                  ("T-01", "S-1-en", "research", True, "2024-01-01"),
                  ("B-77", "F-2", "research", True, "2024-01-01"),
                  ("B-01", "F-2", "research", True, "2024-01-01"))
    problems = consent.check_references(rows, STORIES.assign(text=""))
    assert len(problems) == 4
    assert any("S-9" in p and "no story or photo" in p for p in problems)
    assert any("T-05" in p and "teller is T-01" in p for p in problems)
    assert any("S-1-en" in p and "translation" in p for p in problems)
    assert any("B-77" in p and "photo_shows" in p for p in problems)


def test_a_withdrawal_removes_the_story_from_the_next_build(tmp_path):
    folder = tmp_path / "stories"
    shutil.copytree(stories.DEMO_STORIES_DIR, folder)
    before = stories.release_tables(folder)
    assert "S-001" in set(before["stories"]["story_id"])
    assert "S-001" in set(before["story_codings"]["story_id"])
    assert "S-001" in set(stories.shareable(folder, "exhibition_anonymous")["story_id"])
    for purpose in ("research", "exhibition_anonymous"):
        consent.append_decision(folder / "consents.csv", person_id="T-001", subject="S-001", purpose=purpose,
                                granted=False, date=dt.date(2025, 6, 1), method="paper")
    after = stories.release_tables(folder)
    assert "S-001" not in set(after["stories"]["story_id"])
    assert "S-001" not in set(after["story_codings"]["story_id"])
    assert "S-001" not in set(stories.shareable(folder, "exhibition_anonymous")["story_id"])
    assert len(after["stories"]) == len(before["stories"]) - 1
