"""Story files: schema errors by file and field, the demo stories, release tables without names."""

import shutil
import zipfile

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
    assert set(df["activity"]) >= set(stories.ACTIVITIES) - {"lectures", "excursions"}
    assert (df["story_id"] != df["original_id"]).any()  # at least one translation
    assert df["teller"].str.match(stories.PSEUDONYM).all()


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
    text = "\n".join(problems)
    assert "S-2.md, language: 'xx' is not a known language code" in text
    assert "S-3.md: front matter: the front matter is not closed" in text
    assert "S-4.md: front matter: not readable" in text
    assert "S-5.md, teller: 'Fatima' is not a pseudonym" in text
    assert "S-6.md, date" in text
    assert "S-7.md, quote: missing" in text and "S-7.md, qoute: unknown field" in text
    assert "S-8.md: front matter: the file must start with a line '---'" in text
    assert "README.md:" not in text


def test_file_name_must_match_id_and_translations_need_their_original(tmp_path):
    write(tmp_path, "S-1.md", GOOD.format(id="S-1", language="nl"))
    write(tmp_path, "S-2.md", GOOD.format(id="S-1", language="nl"))
    translation = GOOD.format(id="S-3", language="en").replace("---\nHet", "translation_of: S-9\n---\nHet")
    write(tmp_path, "S-3.md", translation)
    df, problems = stories.load_stories(tmp_path)
    assert list(df["story_id"]) == ["S-1"]
    assert any("S-2.md, id: the id is S-1 but the file is called S-2.md" in p for p in problems)
    assert any("S-3.md, translation_of: there is no story S-9" in p for p in problems)


def test_check_folder_names_a_consent_for_a_story_that_does_not_exist(tmp_path):
    write(tmp_path, "S-1.md", GOOD.format(id="S-1", language="nl"))
    write(tmp_path, "consents.csv", "person_id,subject,purpose,granted,date,method\n"
                                    "T-001,S-1,research,yes,2024-01-05,paper\nT-001,S-7,research,yes,2024-01-05,paper\n")
    problems = stories.check_folder(tmp_path)
    assert len(problems) == 1 and "consents.csv: subject S-7" in problems[0]


def test_cli_check_exit_codes(tmp_path, capsys):
    assert cli.main(["stories", "check", str(DEMO)]) == 0
    write(tmp_path, "S-1.md", GOOD.format(id="S-1", language="nl"))
    write(tmp_path, "S-2.md", GOOD.format(id="S-2", language="klingon"))
    assert cli.main(["stories", "check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "S-2.md, language" in out and "1 stories read" in out
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


CANARIES = ["Karel", "Kanarie", "كارل", "كناري", "Vinkenslag", "Sijsjesmit", "Kanariepiet", "Kanarievogelstraat"]


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


def test_feedback_leaves_out_a_story_whose_exhibition_consent_was_withdrawn(tmp_path):
    sheet = tmp_path / "r1.html"
    assert cli.main(["stories", "feedback", str(DEMO), "--round", "1", "--out", str(sheet)]) == 0
    page = sheet.read_text(encoding="utf-8")
    assert "Niet meer in mijn jas" not in page  # S-004 withdrew exhibition consent
    assert "geen toestemming" in page
    assert "The children named the tree" in page


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


def test_refi_export_of_the_demo_validates(tmp_path):
    tables = stories.release_tables(DEMO)
    codebook = stories.coding.read_codebook(DEMO / "codebook.csv")[0]
    path = refiqda.export_qdpx(tables["stories"], codebook, tables["story_codings"], tmp_path / "p.qdpx")
    _, _, codings, problems = refiqda.import_qdpx(path)
    assert problems == []
    assert len(codings) == len(tables["story_codings"])


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
    assert any(p.startswith("consents.csv: file: missing") for p in stories.check_folder(tmp_path))
    assert stories.release_tables(tmp_path)["stories"].empty


def test_a_broken_story_does_not_flood_the_check_and_the_rest_still_builds(tmp_path):
    folder = tmp_path / "s"
    shutil.copytree(DEMO, folder)
    path = folder / "S-001.md"
    path.write_text(path.read_text(encoding="utf-8").replace("language: nl", "language: nederlands"), encoding="utf-8")
    with open(folder / "consents.csv", "a", encoding="utf-8") as fh:
        fh.write("T-099,S-099,research,yes,2024-01-01,paper\n")
    problems = stories.check_folder(folder)
    assert len(problems) == 2
    assert problems[0].startswith("S-001.md, language: 'nederlands'")
    assert problems[1].startswith("consents.csv: subject S-099, subject: there is no story")
    released = set(stories.release_tables(folder)["stories"]["story_id"])
    assert "S-001" not in released and "S-002" in released


def test_summary_counts_stories_originals_coders_and_codings():
    tables = {
        "stories": pd.DataFrame({"story_id": ["S-1", "S-2", "S-2-en"], "original_id": ["S-1", "S-2", "S-2"]}),
        "story_codings": pd.DataFrame({"story_id": ["S-1", "S-1", "S-2"], "coder": ["ana", "bram", "ana"]}),
    }
    row = stories.summary(tables).iloc[0]
    assert (row["stories"], row["originals"], row["coders"], row["codings"]) == (3, 2, 2, 3)
