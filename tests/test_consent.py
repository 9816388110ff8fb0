"""Consent: the latest decision per purpose counts; photos need everyone shown; a withdrawal removes."""

import datetime as dt
import shutil

import pandas as pd
import pytest

from werkplaats_data import cli, consent, stories
from werkplaats_data.errors import UserError


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
    assert any("regel 3, purpose" in p and "marketing" in p for p in problems)
    assert any("regel 4, granted" in p for p in problems)
    assert any("regel 4, date" in p for p in problems)
    assert any("regel 4, method" in p for p in problems)


def test_append_decision_adds_a_line_and_keeps_the_rest(tmp_path):
    path = tmp_path / "consents.csv"
    consent.append_decision(path, person_id="T-01", subject="S-1", purpose="research", granted=True,
                            date=dt.date(2024, 1, 1), method="paper")
    consent.append_decision(path, person_id="T-01", subject="S-1", purpose="research", granted=False,
                            date=dt.date(2024, 2, 1), method="verbal_interpreter")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "person_id,subject,purpose,granted,date,method"
    assert lines[1:] == ["T-01,S-1,research,yes,2024-01-01,paper", "T-01,S-1,research,no,2024-02-01,verbal_interpreter"]
    assert consent.for_purpose(STORIES, consent.load_ledger(path), "research").empty
    for wrong in ({"method": "pigeon"}, {"purpose": "marketing"}, {"date": dt.date.today() + dt.timedelta(days=1)}):
        with pytest.raises(UserError):
            consent.append_decision(path, **{"person_id": "T-01", "subject": "S-1", "purpose": "research", "granted": True,
                                             "date": dt.date(2024, 3, 1), "method": "paper", **wrong})
    assert len(path.read_text(encoding="utf-8").splitlines()) == 3


HEADER = "person_id,subject,purpose,granted,date,method\n"


def test_a_typo_in_the_year_of_a_grant_does_not_beat_a_later_withdrawal(tmp_path):
    path = tmp_path / "consents.csv"
    path.write_text(HEADER + "T-01,S-1,exhibition_anonymous,yes,2024-01-01,paper\n"
                             "T-01,S-1,exhibition_anonymous,yes,2052-03-18,paper\n"  # meant 2025-03-18
                             "T-01,S-1,exhibition_anonymous,no,2025-06-01,digital\n", encoding="utf-8")
    ledger, problems = consent.read_ledger(path, today=dt.date(2025, 7, 1))
    assert consent.for_purpose(STORIES, ledger, "exhibition_anonymous").empty  # the withdrawal counts
    assert len(ledger) == 2 and len(problems) == 1
    assert problems[0].startswith("consents.csv, regel 3, date: 2052-03-18 ligt na vandaag (2025-07-01)")
    assert "a typo in the year?" in problems[0]
    # on the build date, a decision dated the next day is in the future too
    _, problems = consent.read_ledger(path, today=dt.date(2025, 5, 31))
    assert any(p.startswith("consents.csv, regel 4, date: 2025-06-01") for p in problems)


def test_a_grant_without_method_does_not_count_but_a_withdrawal_without_method_does(tmp_path):
    path = tmp_path / "consents.csv"
    path.write_text(HEADER + "T-01,S-1,research,yes,2024-01-01,\n"
                             "T-02,S-2,research,yes,2024-01-01,paper\n"
                             "T-02,S-2,research,no,2024-02-01,\n", encoding="utf-8")
    ledger, problems = consent.read_ledger(path)
    assert consent.for_purpose(STORIES, ledger, "research").empty
    assert len(problems) == 2
    assert problems[0].startswith("consents.csv, regel 2, method: leeg") and "cannot be proven and does not count" in problems[0]
    assert problems[1].startswith("consents.csv, regel 4, method: leeg") and "The withdrawal does count" in problems[1]


def test_the_seal_names_an_earlier_line_that_changed_or_disappeared(tmp_path):
    path = tmp_path / "consents.csv"
    path.write_text(HEADER + "T-01,S-1,research,yes,2024-01-01,paper\nT-02,S-2,research,no,2024-02-01,paper\n",
                    encoding="utf-8")
    assert consent.check_seal(path) == []  # no seal yet: nothing to compare with
    consent.write_seal(path)
    consent.append_decision(path, person_id="T-01", subject="S-1", purpose="online", granted=True,
                            date=dt.date(2024, 3, 1), method="digital")
    assert consent.check_seal(path) == []  # growing at the end is how a ledger changes
    spreadsheet = path.read_text(encoding="utf-8").replace("\n", "\r\n").replace("T-02,", '"T-02",')
    path.write_text(spreadsheet, encoding="utf-8")
    assert consent.check_seal(path) == []  # saved again by a spreadsheet: same cells, same seal
    path.write_text(spreadsheet.replace("research,no,2024-02-01", "research,yes,2024-02-01"), encoding="utf-8")
    problems = consent.check_seal(path)
    assert len(problems) == 1 and problems[0].startswith("consents.csv, regel 3: deze regel is veranderd")
    lines = spreadsheet.splitlines(keepends=True)
    path.write_text("".join(lines[:2]), encoding="utf-8")  # the last two lines removed
    problems = consent.check_seal(path)
    assert len(problems) == 1 and "had 3 lines and now has 2" in problems[0]


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
    assert stories.check_folder(folder) == []  # a withdrawal at the end keeps the seal
    after = stories.release_tables(folder)
    assert "S-001" not in set(after["stories"]["story_id"])
    assert "S-001" not in set(after["story_codings"]["story_id"])
    assert "S-001" not in set(stories.shareable(folder, "exhibition_anonymous")["story_id"])
    assert len(after["stories"]) == len(before["stories"]) - 1


def test_stories_check_keeps_the_seal_and_reseal_accepts_a_reviewed_correction(tmp_path, capsys):
    folder = tmp_path / "stories"
    shutil.copytree(stories.DEMO_STORIES_DIR, folder)
    ledger = folder / "consents.csv"
    assert consent.seal_path(ledger).exists()  # the demo ledger is sealed
    assert cli.main(["stories", "check", str(folder)]) == 0
    ledger.write_text(ledger.read_text(encoding="utf-8").replace("T-012,S-012,research,no,2025-01-10,digital\n", ""),
                      encoding="utf-8")  # someone deletes a withdrawal
    assert cli.main(["stories", "check", str(folder)]) == 1
    assert "was changed or removed since the last check" in capsys.readouterr().out
    assert cli.main(["stories", "check", str(folder)]) == 1  # still named: the seal is not moved on by itself
    assert cli.main(["stories", "check", str(folder), "--reseal"]) == 0
