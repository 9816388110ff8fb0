"""Most Significant Change: rounds as data, checks, and a self-contained feedback sheet."""

import re

import pandas as pd
import pytest

from werkplaats_data import msc

STORIES = pd.DataFrame({"story_id": ["S-1", "S-2", "S-3"], "title": ["Een", "Twee", "ثلاثة"],
                        "quote": ["Citaat <één> & meer", "Quote two", "اقتباس"],
                        "activity": ["repair_cafe", "ruilpunt", "repair_cafe"], "language": ["nl", "en", "ar"],
                        "domain": ["money_and_household", "contact_and_belonging", "skills_and_confidence"]})


def rounds():
    return pd.DataFrame({"round": pd.array([1, 1, 1, 2], dtype="Int64"),
                         "date": pd.to_datetime(["2024-03-01"] * 3 + ["2024-09-01"]),
                         "panel": ["de werkgroep"] * 3 + ["het bewonerspanel"],
                         "domain": ["money_and_household", "contact_and_belonging", "skills_and_confidence", "money_and_household"],
                         "story_id": ["S-1", "S-2", "S-3", "S-1"],
                         "reasons": ["Omdat het klopt.", "Omdat het eerlijk is.", "Trots.", "Weer gekozen."]})


def test_read_rounds_names_line_and_field(tmp_path):
    path = tmp_path / "msc_rounds.csv"
    path.write_text("round,date,panel,domain,story_id,reasons\n"
                    "1,2024-03-01,werkgroep,money_and_household,S-1,Omdat.\n"
                    "x,2024-13-01,,weather,S-2,\n", encoding="utf-8")
    found, problems = msc.read_rounds(path)
    assert len(found) == 1 and found["round"].iloc[0] == 1
    for field in ("round", "date", "domain", "panel", "reasons"):
        assert any(f"regel 3, {field}" in p for p in problems), field


def test_check_rounds():
    bad = pd.concat([rounds(), pd.DataFrame({"round": [1, 3], "date": pd.to_datetime(["2024-03-01"] * 2),
                                             "panel": "x", "domain": ["money_and_household", "contact_and_belonging"],
                                             "story_id": ["S-9", "S-1"], "reasons": "r"})])
    problems = msc.check_rounds(bad, STORIES)
    assert any("story_id: er is geen verhaal S-9" in p and "there is no story S-9" in p for p in problems)
    assert any(p.startswith("msc_rounds.csv, ronde 3, contact_and_belonging, domain: verhaal S-1 hoort bij money_and_household")
               and "story S-1 belongs to money_and_household" in p for p in problems)
    assert any(p.startswith("msc_rounds.csv, ronde 1, money_and_household: 2 verhalen gekozen") for p in problems)
    assert msc.check_rounds(rounds(), STORIES) == []


def test_chosen_per_activity_on_paper():
    out = msc.chosen_per_activity(rounds(), STORIES)
    assert list(zip(out["activity"], out["chosen"])) == [("repair_cafe", 3), ("ruilpunt", 1)]
    table = msc.selections(rounds(), STORIES, lang="en")
    assert list(table["title"].iloc[:3]) == ["Twee", "Een", "ثلاثة"]  # round 1, domains in alphabetical order
    assert table["domain_label"].iloc[0] == "Contact and belonging"


def test_feedback_sheet_is_self_contained_and_escapes_text():
    page = msc.feedback_html(rounds(), STORIES, round_no=1, lang="nl", demo=True)
    assert not re.search(r"https?://|<script|<link|<img|<iframe|src=|@import", page, flags=re.IGNORECASE)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="nl" dir="ltr">' in page
    assert "Citaat &lt;één&gt; &amp; meer" in page
    assert '<blockquote lang="ar" dir="rtl">' in page
    assert "Voorbeelddata" in page
    assert page.index("Geld en huishouden") < page.index("Contact en erbij horen")  # domains in their fixed order
    assert "de werkgroep" in page and "1 maart 2024" in page


def test_feedback_sheet_withholds_a_story_that_may_not_be_shared():
    page = msc.feedback_html(rounds(), STORIES[STORIES["story_id"] != "S-2"], round_no=1, lang="en")
    assert "Quote two" not in page and "Twee" not in page
    assert "did not agree to share it" in page
    assert "Omdat het eerlijk is." not in page  # nor the panel's reasons about it: they tell the story too
    assert "Omdat het klopt." in page  # the reasons for a story that may be shared are fed back


def test_for_reader_picks_the_translation_into_the_readers_language():
    told = pd.DataFrame({"story_id": ["S-1", "S-1-nl", "S-1-en", "S-2"], "original_id": ["S-1", "S-1", "S-1", "S-2"],
                         "language": ["ar", "nl", "en", "nl"], "title": ["أ", "Een", "One", "Twee"]})
    assert list(msc.for_reader(told, "nl")["story_id"]) == ["S-1-nl", "S-2"]
    assert list(msc.for_reader(told, "en")["story_id"]) == ["S-1-en", "S-2"]
    assert list(msc.for_reader(told, "tr")["story_id"]) == ["S-1", "S-2"]  # no Turkish: the original
    assert list(msc.for_reader(told, "nl")["is_translation"]) == [True, False]


def test_arabic_sheet_is_right_to_left_and_unknown_round_fails():
    assert '<html lang="ar" dir="rtl">' in msc.feedback_html(rounds(), STORIES, round_no=2, lang="ar")
    with pytest.raises(ValueError):
        msc.feedback_html(rounds(), STORIES, round_no=7)
