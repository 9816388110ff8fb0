"""Story files: schema errors by file and field, the demo stories, release tables without names."""

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from werkplaats_data import cli, consent, msc, redaction, refiqda, stories

DEMO = stories.DEMO_STORIES_DIR
GOOD = """---
id: {id}
title: Een verhaal
teller: T-001
collector: V-01
language: {language}
date: 2024-01-05
activity: repair_cafe
domain: money_and_household
themes: [saving_money]
quote: "Het scheelde geld."
---
Het scheelde geld, zei ik.
"""


def write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_demo_stories_are_labelled_varied_and_clean():
    df, problems = stories.load_stories(DEMO)
    files = [p for p in DEMO.glob("*.md")]
    assert problems == [] and stories.check_folder(DEMO) == []
    assert 12 <= len(files) <= 20 and len(df) == len(files)
    assert df["demo"].all()
    assert all("demo" in text.lower() for text in df["text"])  # visible in the text, not only in front matter
    assert {"nl", "en"} < set(df["language"]) and set(df["language"]) - {"nl", "en"}
    assert set(df["activity"]) == set(stories.ACTIVITIES)  # every activity of the Werkplaats has a story
    assert len(list((DEMO / "photos").glob("*.svg"))) >= 3
    assert (df["story_id"] != df["original_id"]).any()  # at least one translation
    assert df["teller"].str.match(stories.PSEUDONYM).all()


def said(problems, start: str, english: str) -> bool:
    """Some problem starts with ``start`` (file and field), in Dutch, and says ``english`` on its English line."""
    return any(p.startswith(start) and "\n   EN: " in p and english in p.split("\n   EN: ")[1] for p in problems)


def test_bad_files_are_named_by_file_and_field_and_the_others_still_load(tmp_path):
    write(tmp_path, "S-1.md", GOOD.format(id="S-1", language="nl"))
    write(tmp_path, "S-2.md", GOOD.format(id="S-2", language="xx"))
    write(tmp_path, "S-3.md", GOOD.format(id="S-3", language="nl").replace("---\nHet", "Het"))  # not closed
    write(tmp_path, "S-4.md", GOOD.format(id="S-4", language="nl").replace("title: Een verhaal", "title: [kapot"))
    write(tmp_path, "S-5.md", GOOD.format(id="S-5", language="nl").replace("teller: T-001", "teller: Fatima"))
    write(tmp_path, "S-6.md", GOOD.format(id="S-6", language="nl").replace("date: 2024-01-05", "date: vorige week"))
    write(tmp_path, "S-7.md", GOOD.format(id="S-7", language="nl").replace("quote: \"Het scheelde geld.\"\n", "qoute: x\n"))
    write(tmp_path, "S-8.md", "Geen front matter hier.\n")
    write(tmp_path, "README.md", "Dit is geen verhaal.\n")
    df, problems = stories.load_stories(tmp_path)
    assert list(df["story_id"]) == ["S-1"]
    assert said(problems, "S-2.md, language: 'xx' is geen bekende taalcode", "'xx' is not a known language code")
    assert said(problems, "S-3.md, front matter: ", "the fields at the top are not closed")
    assert said(problems, "S-4.md, title: niet leesbaar (regel 3 van het bestand)", "not readable (line 3 of the file)")
    assert said(problems, "S-5.md, teller: 'Fatima'", "is not a pseudonym")
    assert said(problems, "S-6.md, date: 'vorige week'", "is not a real date")
    assert said(problems, "S-7.md, quote: ", "missing") and said(problems, "S-7.md, qoute: ", "unknown field")
    assert said(problems, "S-8.md, front matter: ", "the file must start with a line '---'")
    assert not any(p.startswith("README.md") for p in problems)
    assert len(problems) == 8


@pytest.mark.parametrize("date", ["2024-13-01", "2024-02-30", "2023-00-10"])
def test_an_impossible_date_is_a_plain_problem_and_the_other_stories_still_build(tmp_path, date, capsys):
    shutil.copytree(DEMO, tmp_path / "s")
    folder = tmp_path / "s"
    path = folder / "S-002.md"
    path.write_text(path.read_text(encoding="utf-8").replace("date: 2023-06-10", f"date: {date}"), encoding="utf-8")
    df, problems = stories.load_stories(folder)
    assert "S-002" not in set(df["story_id"]) and len(df) == len(list(DEMO.glob("S-*.md"))) - 1
    assert said(problems, f"S-002.md, date: '{date}'", "is not a real date; write it as YYYY-MM-DD")
    assert cli.main(["stories", "check", str(folder)]) == 1  # a problem for the volunteer, not exit 3
    assert f"S-002.md, date: '{date}'" in capsys.readouterr().out
    released = set(stories.release_tables(folder)["stories"]["story_id"])
    assert "S-002" not in released and "S-001" in released
    assert "S-001" in set(stories.shareable(folder, "exhibition_anonymous")["story_id"])


def test_a_field_written_twice_text_fields_that_are_no_text_and_a_bad_first_name(tmp_path):
    write(tmp_path, "S-1.md", GOOD.format(id="S-1", language="nl").replace("teller: T-001", "id: S-9\nteller: T-001"))
    write(tmp_path, "S-2.md", GOOD.format(id="S-2", language="nl").replace('quote: "Het scheelde geld."', "quote: 42"))
    write(tmp_path, "S-3.md", GOOD.format(id="S-3", language="nl").replace("title: Een verhaal", "title: yes"))
    write(tmp_path, "S-4.md", GOOD.format(id="S-4", language="nl").replace("teller: T-001", "teller: T-001\nfirst_name: Mina Kanarie"))
    write(tmp_path, "S-5.md", GOOD.format(id="S-5", language="nl").replace("teller: T-001", "teller: T-001\nfirst_name: Mina"))
    df, problems = stories.load_stories(tmp_path)
    assert list(df["story_id"]) == ["S-5"] and df["first_name"].iloc[0] == "Mina"
    assert said(problems, "S-1.md, id: dit veld staat er twee keer (weer op regel 4)", "this field is written twice")
    assert said(problems, "S-2.md, quote: '42' is geen tekst", "'42' is not text; put the text between quotes")
    assert said(problems, "S-3.md, title: 'True' is geen tekst", "is not text")
    assert said(problems, "S-4.md, first_name: 'Mina Kanarie'", "never a surname")
    assert "first_name" not in stories.RELEASE_COLUMNS


def test_a_translation_keeps_the_originals_activity_domain_and_date(tmp_path):
    write(tmp_path, "S-1.md", GOOD.format(id="S-1", language="nl"))
    translation = GOOD.format(id="S-1-en", language="en").replace("---\nHet", "translation_of: S-1\n---\nHet")
    write(tmp_path, "S-1-en.md", translation)
    assert stories.load_stories(tmp_path)[1] == []
    write(tmp_path, "S-1-en.md", translation.replace("activity: repair_cafe", "activity: textiel")
          .replace("domain: money_and_household", "domain: contact_and_belonging").replace("2024-01-05", "2024-01-06"))
    df, problems = stories.load_stories(tmp_path)
    assert list(df["story_id"]) == ["S-1"]
    assert said(problems, "S-1-en.md, activity: 'textiel' verschilt van het origineel S-1.md ('repair_cafe')", "differs from the original")
    assert said(problems, "S-1-en.md, domain: 'contact_and_belonging'", "differs from the original S-1.md")
    assert said(problems, "S-1-en.md, date: '2024-01-06'", "('2024-01-05')")


def test_file_name_must_match_id_and_translations_need_their_original(tmp_path):
    write(tmp_path, "S-1.md", GOOD.format(id="S-1", language="nl"))
    write(tmp_path, "S-2.md", GOOD.format(id="S-1", language="nl"))
    translation = GOOD.format(id="S-3", language="en").replace("---\nHet", "translation_of: S-9\n---\nHet")
    write(tmp_path, "S-3.md", translation)
    df, problems = stories.load_stories(tmp_path)
    assert list(df["story_id"]) == ["S-1"]
    assert said(problems, "S-2.md, id: ", "the id is S-1 but the file is called S-2.md")
    assert said(problems, "S-3.md, translation_of: ", "there is no story S-9")


def test_check_folder_names_a_consent_for_a_story_that_does_not_exist(tmp_path):
    write(tmp_path, "S-1.md", GOOD.format(id="S-1", language="nl"))
    write(tmp_path, "consents.csv", "person_id,subject,purpose,granted,date,method\n"
                                    "T-001,S-1,research,yes,2024-01-05,paper\nT-001,S-7,research,yes,2024-01-05,paper\n")
    problems = stories.check_folder(tmp_path)
    assert len(problems) == 1 and said(problems, "consents.csv, S-7, subject: ", "there is no story or photo with the id S-7")


def test_cli_check_exit_codes(tmp_path, capsys):
    assert cli.main(["stories", "check", str(DEMO)]) == 0
    write(tmp_path, "S-1.md", GOOD.format(id="S-1", language="nl"))
    write(tmp_path, "S-2.md", GOOD.format(id="S-2", language="klingon"))
    assert cli.main(["stories", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "S-2.md, language" in out and "1 stories read" in out and "1 verhalen gelezen" in out
    assert cli.main(["stories", "check", str(tmp_path / "nowhere")]) == 2


def test_release_tables_hold_only_research_consent():
    tables = stories.release_tables(DEMO)
    released = set(tables["stories"]["story_id"])
    assert "S-016" not in released  # research refused
    assert "S-012" not in released  # research withdrawn later
    assert {"S-001", "S-013", "S-013-nl"} <= released
    assert set(tables["story_codings"]["story_id"]) <= released
    assert set(tables["story_selections"]["story_id"]) <= released
    assert list(tables["stories"].columns) == list(stories.RELEASE_COLUMNS)


def test_coding_spans_point_at_the_same_words_after_redaction():
    original, _ = stories.load_stories(DEMO)
    terms = redaction.read_list(DEMO / "redaction.csv")[0]
    tables = stories.release_tables(DEMO)
    before = original.set_index("story_id")["text"]
    after = tables["stories"].set_index("story_id")["text"]
    codings = pd.read_csv(DEMO / "codings.csv")
    merged = codings.merge(tables["story_codings"], on=["story_id", "coder", "code"], suffixes=("_o", "_r"))
    assert len(merged) == len(tables["story_codings"])
    for row in merged.itertuples():
        words = before[row.story_id][row.start_o:row.end_o]
        assert after[row.story_id][row.start_r:row.end_r] == redaction.redact(words, terms)


#: Canary names and places in the demo stories and rounds: each must be gone from every output. They
#: cover every redaction rule: full names, a first name alone ("Karel hielp me"), Arabic names with a
#: prefix written onto them (لكارل، وكارل), a school, streets with a number in every form: listed,
#: lower case, "nr.", a multi-word name ("Putter van Vinkstraat 8"), "'s-…dijkwal", "…drift".
CANARIES = ["Karel", "Kanarie", "كارل", "كناري", "Vinkenslag", "Sijsjesmit", "Kanariepiet", "Kanarievogelstraat",
            "Putter", "Vinkstraat", "Kneutersdijkwal", "Sijsjesdrift", "nr. 30"]


def assert_no_canary(text: str, where: str):
    for name in CANARIES:
        assert name.lower() not in text.lower(), f"{name!r} leaked into {where}"


def test_canary_names_appear_in_the_raw_stories():
    raw = "".join(p.read_text(encoding="utf-8") for p in DEMO.glob("*.md")) + (DEMO / "msc_rounds.csv").read_text(encoding="utf-8")
    for name in CANARIES:
        assert name in raw  # otherwise the canary test below proves nothing


def test_canary_names_appear_in_no_output(tmp_path):
    tables = stories.release_tables(DEMO)
    for name, df in tables.items():
        assert_no_canary(df.to_csv(), name)
    for purpose in ("exhibition_anonymous", "exhibition_first_name", "online"):
        assert_no_canary(stories.shareable(DEMO, purpose).to_csv(), purpose)
    qdpx, qdc = tmp_path / "p.qdpx", tmp_path / "b.qdc"
    assert cli.main(["stories", "export", str(DEMO), "--out", str(qdpx), "--codebook", str(qdc)]) == 0
    with zipfile.ZipFile(qdpx) as archive:
        for member in archive.namelist():
            assert_no_canary(archive.read(member).decode("utf-8"), member)
    for round_no in (1, 2):
        for lang in ("nl", "en", "ar"):
            sheet = tmp_path / f"r{round_no}{lang}.html"
            assert cli.main(["stories", "feedback", str(DEMO), "--round", str(round_no), "--out", str(sheet), "--lang", lang]) == 0
            assert_no_canary(sheet.read_text(encoding="utf-8"), sheet.name)
    rounds, shared = stories.selections(DEMO, purpose="research")
    assert_no_canary(msc.feedback_html(rounds, shared, round_no=2), "feedback_html")


def test_feedback_leaves_out_a_story_whose_exhibition_consent_was_withdrawn_and_its_reasons(tmp_path):
    sheet = tmp_path / "r1.html"
    assert cli.main(["stories", "feedback", str(DEMO), "--round", "1", "--out", str(sheet)]) == 0
    page = sheet.read_text(encoding="utf-8")
    assert "Niet meer in mijn jas" not in page  # S-004 withdrew exhibition consent …
    assert "Een klein bezoek thuis" not in page  # … so the panel's reasons about it are not shown either
    assert "geen toestemming" in page
    assert "The children named the tree" in page
    rounds, _ = stories.selections(DEMO, purpose="exhibition_anonymous")
    s004 = rounds[rounds["story_id"] == "S-004"]
    assert len(s004) == 1 and s004["reasons"].isna().all()  # the choice stays, its reasons go
    rounds, _ = stories.selections(DEMO, purpose="research")
    assert rounds.loc[rounds["story_id"] == "S-004", "reasons"].str.startswith("Een klein bezoek").all()


def test_feedback_shows_the_story_in_the_readers_language_when_there_is_a_translation(tmp_path):
    pages = {}
    for lang in ("nl", "en", "ar"):
        sheet = tmp_path / f"r2{lang}.html"
        assert cli.main(["stories", "feedback", str(DEMO), "--round", "2", "--out", str(sheet), "--lang", lang]) == 0
        pages[lang] = sheet.read_text(encoding="utf-8")
    assert "Ik ruil zoals iedereen" in pages["nl"] and "أتبادل مثل الجميع" not in pages["nl"]  # S-013-nl
    assert "أتبادل مثل الجميع" in pages["en"]  # no English translation: the Arabic original
    assert "أتبادل مثل الجميع" in pages["ar"]


def test_wall_entries_for_the_kiosk():
    assert list(stories.wall_entries(DEMO, lang="nl").columns) == list(stories.WALL_COLUMNS)
    wall = stories.wall_entries(DEMO, lang="nl").set_index("original_id")
    assert wall.index.is_unique  # one row per original
    assert "S-004" not in wall.index and "S-012" in wall.index  # exhibition withdrawn; research withdrawn only
    assert wall.loc["S-013", "story_id"] == "S-013-nl" and wall.loc["S-013", "language"] == "nl"
    assert bool(wall.loc["S-013", "is_translation"]) and not bool(wall.loc["S-001", "is_translation"])
    assert wall.loc["S-013", "title"] == "Ik ruil zoals iedereen"
    english = stories.wall_entries(DEMO, lang="en").set_index("original_id")
    assert english.loc["S-013", "story_id"] == "S-013" and english.loc["S-013", "language"] == "ar"
    # photos: only with everyone's consent and an existing file
    assert wall.loc["S-002", "photo_file"] == str((DEMO / "photos" / "F-002.svg").resolve())
    assert wall.loc["S-018", "photo_file"].endswith("F-018.svg")  # the teller and B-118 agreed
    assert wall.loc["S-005", "photo_file"] is None  # B-101, in the photo, said no
    assert wall.loc["S-001", "photo_file"] is None  # no photo
    # first names only with exhibition_first_name consent
    assert wall.loc["S-003", "first_name"] == "Mina" and wall.loc["S-017", "first_name"] == "Ria"
    assert wall.loc["S-001", "first_name"] is None  # the file has one, the teller did not agree to show it
    assert wall.loc["S-017", "title"] == "[naam] legde het uit"  # redacted like shareable
    assert stories.wall_entries(DEMO, lang="nl", purpose="online")["first_name"].isna().all()
    assert stories.wall_entries(DEMO, lang="nl", ledger=consent.empty_ledger()).empty


def test_wall_entries_leave_out_a_photo_whose_file_is_missing(tmp_path):
    folder = tmp_path / "s"
    shutil.copytree(DEMO, folder)
    (folder / "photos" / "F-002.svg").unlink()
    wall = stories.wall_entries(folder, lang="nl").set_index("story_id")
    assert wall.loc["S-002", "photo_file"] is None and wall.loc["S-008", "photo_file"].endswith("F-008.svg")


def test_shareable_respects_the_ledger_given(tmp_path):
    empty = consent.empty_ledger()
    assert stories.shareable(DEMO, "research", ledger=empty).empty
    folder = tmp_path / "s"
    shutil.copytree(DEMO, folder)
    (folder / "consents.csv").unlink()
    assert stories.release_tables(folder)["stories"].empty  # no ledger, no stories


def test_missing_folder_is_a_user_error(tmp_path):
    from werkplaats_data.errors import UserError

    with pytest.raises(UserError):
        stories.load_stories(tmp_path / "nope")
    with pytest.raises(UserError, match="nope does not exist"):
        stories.stories_folder(folder=tmp_path / "nope")
    assert stories.stories_folder(folder=tmp_path / ".") == tmp_path.resolve()


def test_refi_round_trip_of_the_demo_keeps_the_coded_text_of_every_coding(tmp_path, capsys):
    """export → another tool → import: every coding of a research-consented story comes back on the same words."""
    qdpx, out = tmp_path / "p.qdpx", tmp_path / "imported"
    assert cli.main(["stories", "export", str(DEMO), "--out", str(qdpx)]) == 0
    exported, _, exported_codings, problems = refiqda.import_qdpx(qdpx)
    assert problems == []  # the published schema and the checks beyond it
    # in the export, every selection points at the redacted words of the original coding
    original, _ = stories.load_stories(DEMO)
    terms = redaction.read_list(DEMO / "redaction.csv")[0]
    before = original.set_index("story_id")["text"]
    after = exported.set_index("story_id")["text"]
    kit = pd.read_csv(DEMO / "codings.csv")
    research = set(stories.release_tables(DEMO)["stories"]["story_id"])
    assert {"S-012", "S-016"}.isdisjoint(set(exported["story_id"]))  # research withdrawn / refused: not exported
    expected = kit[kit["story_id"].isin(research)]
    assert len(expected) < len(kit)  # the withdrawn stories' codings are left out, on purpose
    spans = expected.merge(exported_codings, on=["story_id", "coder", "code"], suffixes=("_kit", "_qda"))
    assert len(spans) == len(expected) == len(exported_codings)
    for row in spans.itertuples():
        assert after[row.story_id][row.start_qda:row.end_qda] == redaction.redact(before[row.story_id][row.start_kit:row.end_kit], terms)
    # import maps them back to the kit's own texts: the same words as before, for every coding
    assert cli.main(["stories", "import", str(qdpx), "--out", str(out), "--stories", str(DEMO)]) == 0
    back = pd.read_csv(out / "codings.csv")
    text = lambda df: sorted((r.story_id, r.coder, r.code, before[r.story_id][r.start:r.end]) for r in df.itertuples())  # noqa: E731
    assert text(back) == text(expected)
    # without --force the import does not overwrite what is there
    assert cli.main(["stories", "import", str(qdpx), "--out", str(out), "--stories", str(DEMO)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert cli.main(["stories", "import", str(qdpx), "--out", str(out), "--force"]) == 0


def test_import_names_a_story_whose_text_another_tool_changed(tmp_path, capsys):
    qdpx, changed = tmp_path / "p.qdpx", tmp_path / "changed.qdpx"
    assert cli.main(["stories", "export", str(DEMO), "--out", str(qdpx)]) == 0
    source = f"sources/{refiqda.guid('source', 'S-001')}.txt"
    with zipfile.ZipFile(qdpx) as old, zipfile.ZipFile(changed, "w") as new:
        for member in old.namelist():
            data = old.read(member)
            new.writestr(member, data.replace("koffiezetapparaat".encode(), "waterkoker".encode()) if member == source else data)
    assert cli.main(["stories", "import", str(changed), "--out", str(tmp_path / "in"), "--stories", str(DEMO)]) == 1
    out = capsys.readouterr().out
    assert any(line.startswith("S-001: ") and "the text in the project differs from the kit's story text" in line
               for line in out.splitlines())
    back = pd.read_csv(tmp_path / "in" / "codings.csv")
    assert "S-001" not in set(back["story_id"]) and "S-002" in set(back["story_id"])


class FakeRelease:
    def __init__(self, tables, demo):
        self.tables, self.is_demo = tables, demo

    def has(self, name):
        return name in self.tables and len(self.tables[name]) > 0


def test_tables_for_uses_the_release_else_the_demo_stories_else_nothing():
    demo_tables = stories.release_tables(DEMO)
    assert set(stories.tables_for(FakeRelease({}, demo=True))) == set(stories.TABLE_NAMES)
    assert stories.tables_for(FakeRelease({}, demo=False)) == {}
    own = {"stories": demo_tables["stories"].head(2)}
    got = stories.tables_for(FakeRelease(own, demo=False))
    assert len(got["stories"]) == 2 and got["story_codings"].empty


def test_notebook_tables_are_complete_and_public_with_their_notes(monkeypatch):
    monkeypatch.delenv(stories.STORIES_ENV, raising=False)
    none, notes = stories.notebook_tables(FakeRelease({}, demo=False), public=True)
    assert set(none) == set(stories.TABLE_NAMES) and all(t.empty for t in none.values()) and notes == []
    research, notes = stories.notebook_tables(FakeRelease({}, demo=True))
    assert notes == [] and research["stories"]["text"].notna().any()
    public, notes = stories.notebook_tables(FakeRelease({}, demo=True), public=True, lang="en")
    assert public["stories"]["text"].isna().all() and notes == [
        "Public version: titles and reasons only of stories whose teller agreed to show them; coders without names; "
        "counts from 10 on, rounded to 5."]
    own = {"stories": research["stories"]}
    _, notes = stories.notebook_tables(FakeRelease(own, demo=False), public=True, lang="en")
    assert notes[1].startswith("Without the stories' consent ledger")  # a real release alone: no words shown
    early, _ = stories.notebook_tables(FakeRelease({}, demo=True), period=("1990-01-01", "1990-12-31"))
    assert early["stories"].empty
    with pytest.raises(Exception, match="stories.no_data"):
        stories.overview(early["stories"])
    with pytest.raises(Exception, match="stories.no_data"):
        stories.summary(early)


def test_in_period_and_overview():
    tables = stories.release_tables(DEMO)
    in_2023 = stories.in_period(tables, ("2023-01-01", "2023-12-31"))
    assert in_2023["stories"]["date"].dt.year.eq(2023).all() and len(in_2023["stories"]) > 0
    assert set(in_2023["story_codings"]["story_id"]) <= set(in_2023["stories"]["story_id"])
    assert stories.in_period(tables, None) is tables
    table = stories.overview(tables["stories"])
    originals = (tables["stories"]["story_id"] == tables["stories"]["original_id"]).sum()
    assert table.loc["totaal", "totaal"] == originals
    assert table.loc["ruilpunt", "ar"] == 1  # S-013 counts once, in Arabic, not again for its Dutch translation


def test_empty_folder_builds_empty_tables_and_a_missing_ledger_is_named(tmp_path):
    tables = stories.release_tables(tmp_path)
    assert set(tables) == set(stories.TABLE_NAMES) and all(df.empty for df in tables.values())
    assert stories.check_folder(tmp_path) == []
    write(tmp_path, "S-1.md", GOOD.format(id="S-1", language="nl").replace("date: 2024-01-05", 'date: "2024-01-05"'))
    df, problems = stories.load_stories(tmp_path)
    assert problems == [] and df["date"].iloc[0] == pd.Timestamp("2024-01-05")  # a quoted date is read too
    assert said(stories.check_folder(tmp_path), "consents.csv, file: ontbreekt", "missing, so no story can be released")
    assert stories.release_tables(tmp_path)["stories"].empty


def test_a_broken_story_does_not_flood_the_check_and_the_rest_still_builds(tmp_path):
    folder = tmp_path / "s"
    shutil.copytree(DEMO, folder)
    path = folder / "S-005.md"  # S-005 has a photo (F-005) with its own consent lines
    path.write_text(path.read_text(encoding="utf-8").replace("language: nl", "language: nederlands"), encoding="utf-8")
    with open(folder / "consents.csv", "a", encoding="utf-8") as fh:
        fh.write("T-099,S-099,research,yes,2024-01-01,paper\n")
    problems = stories.check_folder(folder)
    assert len(problems) == 3, problems
    assert problems[0].startswith("S-005.md, language: 'nederlands'")
    assert said(problems[1:2], "consents.csv, subject: ", "the consent lines for F-005, S-005 belong to S-005.md, "
                                                         "and that story file has a problem")
    assert said(problems[2:], "consents.csv, S-099, subject: ", "there is no story or photo with the id S-099")
    assert not any("F-005" in p and "no story or photo" in p for p in problems)
    released = set(stories.release_tables(folder)["stories"]["story_id"])
    assert "S-005" not in released and "S-002" in released


def test_summary_counts_stories_originals_coders_and_codings():
    tables = {
        "stories": pd.DataFrame({"story_id": ["S-1", "S-2", "S-2-en"], "original_id": ["S-1", "S-2", "S-2"]}),
        "story_codings": pd.DataFrame({"story_id": ["S-1", "S-1", "S-2"], "coder": ["ana", "bram", "ana"]}),
    }
    row = stories.summary(tables).iloc[0]
    assert (row["stories"], row["originals"], row["coders"], row["codings"]) == (3, 2, 2, 3)


# --- every public output, end to end: canaries never, a withdrawn story gone from the next build ------------

def _texts(widget) -> str:
    """Every text a kiosk visitor could read in a widget tree, and the data of its charts."""
    out = [value for value in (getattr(widget, "value", None), getattr(widget, "description", None)) if isinstance(value, str)]
    out += list(getattr(widget, "_options_labels", ()) or ())
    if getattr(widget, "spec", None) is not None:
        out.append(json.dumps(widget.spec, ensure_ascii=False, default=str))
    return "\n".join(out + [_texts(child) for child in getattr(widget, "children", ())])


def _public_outputs(folder, tmp_path, tag) -> dict[str, str]:
    """The text of every output that leaves the kit for this stories folder, as its builders make it now."""
    from werkplaats_data import expo_screens, load_release, report

    release = load_release(None)  # the demo release; WERKPLAATS_STORIES points the kiosk and notebook at ``folder``
    out = {name: df.to_csv() for name, df in stories.release_tables(folder).items()}
    out["wall_entries"] = stories.wall_entries(folder, lang="nl").to_csv() + stories.wall_entries(folder, lang="en").to_csv()
    out["kiosk"] = _texts(expo_screens.app(release, start="verhalen").widget)
    qdpx = tmp_path / f"{tag}.qdpx"
    assert cli.main(["stories", "export", str(folder), "--out", str(qdpx), "--codebook", str(tmp_path / f"{tag}.qdc")]) == 0
    with zipfile.ZipFile(qdpx) as archive:
        out["refi"] = "\n".join(archive.read(member).decode("utf-8") for member in archive.namelist())
    out["refi_codebook"] = (tmp_path / f"{tag}.qdc").read_text(encoding="utf-8")
    for round_no in (1, 2):
        for lang in ("nl", "en", "ar"):
            sheet = tmp_path / f"{tag}-{round_no}{lang}.html"
            assert cli.main(["stories", "feedback", str(folder), "--round", str(round_no), "--out", str(sheet),
                             "--lang", lang]) == 0
            out[sheet.name] = sheet.read_text(encoding="utf-8")
    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "08_verhalen.ipynb"
    with report._environment(WERKPLAATS_PUBLIC="1"):  # what `werkplaats report` does for the public report
        executed = report.execute_notebook(notebook, release_path=release.path)
    out["notebook_08_public"] = report.notebook_html(executed, title="08", lang="nl", demo=True)
    return out


@pytest.mark.slow
def test_canaries_in_no_output_and_a_withdrawal_leaves_every_public_output(tmp_path, monkeypatch):
    folder = tmp_path / "stories"
    shutil.copytree(DEMO, folder)
    monkeypatch.setenv("WERKPLAATS_STORIES", str(folder))
    before = _public_outputs(folder, tmp_path, "before")
    for where, text in before.items():
        assert_no_canary(text, where)
    html = before["notebook_08_public"]
    assert "V-11" not in html and "codeur A" in html  # no coder pseudonyms in public
    assert "T-0" not in html  # no teller pseudonyms either
    assert "Niet meer in mijn jas" not in html  # S-004: research yes, exhibition withdrawn: no title in public
    title = "The children named the tree"  # S-011: consent for everything, chosen by the panel in round 1
    for where in ("stories", "wall_entries", "kiosk", "before-1nl.html", "notebook_08_public"):
        assert title in before[where], where
    words = "one sad tree in a square of sand"  # S-011's own text
    assert words in before["refi"] and words in before["stories"]
    for purpose in ("research", "exhibition_anonymous", "online"):
        consent.append_decision(folder / "consents.csv", person_id="T-011", subject="S-011", purpose=purpose,
                                granted=False, date=dt.date(2025, 6, 1), method="paper")
    after = _public_outputs(folder, tmp_path, "after")
    for where, text in after.items():
        assert title not in text and words not in text, f"withdrawn S-011 still in {where}"
        assert_no_canary(text, where)
    assert "Kinderen en buren samen" in before["before-1nl.html"]  # the panel's reasons for S-011 …
    assert "Kinderen en buren samen" not in after["after-1nl.html"]  # … go with it
    assert "S-011" not in after["stories"] and "S-011" not in after["story_codings"] and "S-011" not in after["wall_entries"]


def test_public_tables_show_words_only_with_exhibition_consent():
    tables = stories.release_tables(DEMO)
    shown = stories.public_story_ids(FakeRelease({}, demo=True))
    assert "S-001" in shown and "S-004" not in shown  # S-004 withdrew exhibition consent
    assert stories.public_story_ids(FakeRelease({}, demo=False)) == set()  # no ledger: nothing public
    public = stories.public_tables(tables, shown, lang="nl")
    told = public["stories"].set_index("story_id")
    assert told.loc["S-004", "title"] == "(niet getoond: geen toestemming)" and pd.isna(told.loc["S-004", "quote"])
    assert told.loc["S-001", "title"] == "De koffiezet doet het weer"
    assert told["text"].isna().all() and told["teller"].isna().all()
    assert public["story_selections"].set_index("story_id")["reasons"].isna()["S-004"]
    assert set(public["story_codings"]["coder"]) == {"codeur A", "codeur B", "codeur C"}
    assert len(public["stories"]) == len(tables["stories"])  # counts still count every research story
    assert stories.overview(public["stories"], public=True).loc["totaal", "totaal"] == 15  # 16 originals with research consent, rounded to 5
    assert stories.overview(public["stories"], public=True).loc["ruilpunt", "ar"] is pd.NA  # 1: suppressed
    assert stories.summary(public, public=True).iloc[0]["coders"] is pd.NA  # 3 coders: too few to publish


def test_a_broken_csv_beside_the_stories_is_a_plain_problem(tmp_path, capsys):
    folder = tmp_path / "s"
    shutil.copytree(DEMO, folder)
    with open(folder / "consents.csv", "a", encoding="utf-8") as fh:
        fh.write("T-001,S-001,online,yes,2024-01-01,paper,extra,cells\n")
    (folder / "msc_rounds.csv").write_bytes("round,date,panel,domain,story_id,reasons\n1,2024-01-01,p,\xff\n".encode("latin-1"))
    assert cli.main(["stories", "check", str(folder)]) == 1  # a problem for the volunteer, not a crash (exit 3)
    out = capsys.readouterr().out
    assert "consents.csv, file: dit bestand is geen leesbare CSV" in out and "not a readable CSV" in out
    assert "msc_rounds.csv, file: dit is geen UTF-8-tekst" in out
    assert stories.release_tables(folder)["stories"].empty  # no readable ledger: nothing is released


def test_redaction_list_of_a_folder_of_its_file_and_of_a_folder_without_one(tmp_path):
    (tmp_path / "redaction.csv").write_text("term,kind,replacement\nKarel Kanarie,person,\nDe Pijp,place,[plek]\n", encoding="utf-8")
    terms = stories.redaction_list(tmp_path)
    assert terms[["term", "kind"]].values.tolist() == [["Karel Kanarie", "person"], ["De Pijp", "place"]]
    assert stories.redaction_list(tmp_path / "redaction.csv").equals(terms)
    assert stories.redaction_list(tmp_path / "elsewhere").empty
