"""REFI-QDA: round trip keeps every coding; another tool's project can be read; structure is checked."""

import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest

from werkplaats_data import coding, refiqda
from werkplaats_data.errors import message

STORIES = pd.DataFrame({"story_id": ["S-1", "S-2"], "text": ["Ik leerde naaien en hielp anderen.", "مرحبا بالجيران"]})
CODEBOOK = pd.DataFrame({"code": ["motives", "learning", "helping"], "parent": ["", "motives", "motives"],
                         "label_nl": ["Motieven", "Leren", "Helpen"], "label_en": ["Motives", "Learning", "Helping"],
                         "description_nl": ["", "Iets leren.", ""], "description_en": ["", "Learning.", ""],
                         "survey_items": ["", "local_learning", ""]})
CODINGS = pd.DataFrame({"story_id": ["S-1", "S-1", "S-1", "S-2"], "coder": ["V-1", "V-2", "V-1", "V-2"],
                        "code": ["learning", "learning", "helping", "helping"],
                        "start": [3, 3, 23, 0], "end": [18, 10, 33, 5]}).astype({"start": "Int64", "end": "Int64"})


def sort(df):
    return df.sort_values(list(df.columns)).reset_index(drop=True)


def test_round_trip_keeps_every_coding_codebook_and_text(tmp_path):
    path = refiqda.export_qdpx(STORIES, CODEBOOK, CODINGS, tmp_path / "p.qdpx")
    stories, codebook, codings, problems = refiqda.import_qdpx(path)
    assert problems == []
    pd.testing.assert_frame_equal(sort(codings), sort(CODINGS))
    pd.testing.assert_frame_equal(sort(codebook), sort(CODEBOOK))
    assert dict(zip(stories["story_id"], stories["text"])) == dict(zip(STORIES["story_id"], STORIES["text"]))


def test_export_is_deterministic_and_well_formed(tmp_path):
    first = refiqda.export_qdpx(STORIES, CODEBOOK, CODINGS, tmp_path / "a.qdpx")
    second = refiqda.export_qdpx(STORIES, CODEBOOK, CODINGS, tmp_path / "b.qdpx")
    with zipfile.ZipFile(first) as a, zipfile.ZipFile(second) as b:
        assert a.read("project.qde") == b.read("project.qde")
        names = a.namelist()
        root = ET.fromstring(a.read("project.qde"))
    assert "project.qde" in names and sum(n.startswith("sources/") and n.endswith(".txt") for n in names) == 2
    ns = {"q": refiqda.PROJECT_NS}
    assert root.tag == f"{{{refiqda.PROJECT_NS}}}Project"
    assert [u.get("name") for u in root.findall("q:Users/q:User", ns)] == ["V-1", "V-2"]
    top = root.findall("q:CodeBook/q:Codes/q:Code", ns)
    assert [c.get("name") for c in top] == ["motives"] and top[0].get("isCodable") == "false"
    assert len(root.findall(".//q:PlainTextSelection", ns)) == 4
    assert all(refiqda.GUID.match(e.get("guid")) for e in root.iter() if e.get("guid"))


def test_codebook_qdc(tmp_path):
    path = refiqda.export_qdc(CODEBOOK, tmp_path / "b.qdc")
    root = ET.parse(path).getroot()
    assert root.tag == f"{{{refiqda.CODEBOOK_NS}}}CodeBook"
    names = [c.get("name") for c in root.iter(f"{{{refiqda.CODEBOOK_NS}}}Code")]
    assert names == ["motives", "learning", "helping"]


def test_exports_pass_the_published_schemas(tmp_path):
    path = refiqda.export_qdpx(STORIES, CODEBOOK, CODINGS, tmp_path / "p.qdpx")
    with zipfile.ZipFile(path) as archive:
        assert refiqda.schema_problems(ET.fromstring(archive.read("project.qde"))) == []
    assert refiqda.validate_codebook(refiqda.export_qdc(CODEBOOK, tmp_path / "b.qdc")) == []


def test_an_export_with_nothing_in_it_leaves_out_the_containers_the_schema_forbids_empty(tmp_path):
    nothing = refiqda.export_qdpx(STORIES.iloc[0:0], CODEBOOK.iloc[0:0], CODINGS.iloc[0:0], tmp_path / "empty.qdpx")
    with zipfile.ZipFile(nothing) as archive:
        root = ET.fromstring(archive.read("project.qde"))
    assert list(root) == [] and root.get("name")
    assert refiqda.schema_problems(root) == []
    uncoded = refiqda.export_qdpx(STORIES, CODEBOOK, CODINGS.iloc[0:0], tmp_path / "uncoded.qdpx")
    with zipfile.ZipFile(uncoded) as archive:
        root = ET.fromstring(archive.read("project.qde"))
    assert [refiqda._local(c.tag) for c in root] == ["CodeBook", "Sources"] and refiqda.schema_problems(root) == []
    # the old way, an empty <Users/>, is what the schema refuses
    assert refiqda.schema_problems(ET.fromstring(f'<Project xmlns="{refiqda.PROJECT_NS}" name="x"><Users/></Project>'))


FIXTURE = Path(__file__).parent / "data" / "refiqda" / "other_tool"


def other_tool(tmp_path, change=lambda xml: xml, *, with_texts=True):
    """The fixture zipped into a .qdpx, with ``change`` applied to its project.qde."""
    path = tmp_path / "other.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", change((FIXTURE / "project.qde").read_text(encoding="utf-8")))
        for text in (FIXTURE / "Sources").glob("*.txt") if with_texts else ():
            archive.writestr(f"Sources/{text.name}", text.read_bytes())
    return path


def test_import_a_project_made_by_another_tool(tmp_path):
    stories, codebook, codings, problems = refiqda.import_qdpx(other_tool(tmp_path))
    assert problems == []
    texts = dict(zip(stories["story_id"], stories["text"]))
    assert texts["note"] == "Short inline text." and texts["interview1"].startswith("Welkom thuis, zei de vrijwilliger.\r\n")
    assert list(zip(codebook["code"], codebook["parent"])) == [("Belonging", ""), ("Welcomed", "Belonging"), ("Coming back", "")]
    assert codebook.set_index("code").loc["Belonging", "description_en"] == "Feeling part of the group"
    rows = set(codings.itertuples(index=False, name=None))
    assert rows == {("interview1", "Anna", "Welcomed", 0, 12),  # coder from the selection, code GUID in other case
                    ("interview1", "Bram", "Belonging", 0, 12),  # CodeRef in braces
                    ("interview1", "Bram", "Coming back", 49, 62),
                    ("interview1", "Anna", "Belonging", 0, 85),  # a Coding right under the TextSource: the whole text
                    ("note", "Bram", "Belonging", 6, 12)}
    assert texts["interview1"][49:62] == "kwam ik terug"


def test_validation_names_what_is_broken(tmp_path):
    def broken(xml):
        return (xml.replace('startPosition="6" endPosition="12"', 'startPosition="6" endPosition="99"')
                .replace('<CodeRef targetGUID="C0DE0003-1A2B-4C3D-8E4F-5A6B7C8D9E03"/>',
                         '<CodeRef targetGUID="C0DE0003-1A2B-4C3D-8E4F-5A6B7C8D9EFF"/>')
                .replace('<User guid="5B9E0D61-2F4A-4E73-8C15-9A0B7D6E4F21" name="Bram" id="BR"/>',
                         '<User guid="not-a-guid" name="Bram"/>'))
    _, _, _, problems = refiqda.import_qdpx(other_tool(tmp_path, broken))
    text = "\n".join(problems)
    assert "end 99 lies past the text" in text
    assert "CodeRef points to no code" in text
    assert "not-a-guid" in text  # the schema's GUID pattern
    assert "creatingUser is not a User" in text


@pytest.mark.parametrize("change, says", [
    (lambda xml: xml.replace('name="Interviews buurthuis" ', ""), "name"),  # Project@name is required
    (lambda xml: xml.replace("<Notes>", "<Memos/>\n  <Notes>"), "Memos"),  # an element the schema does not know
    (lambda xml: xml.replace("<Users>", "<Users/>\n  <Users>", 1), "Users"),  # an empty, repeated Users
    (lambda xml: xml.replace("</Sources>", "</Sources>\n  <Users/>"), "Users"),  # children out of order
    (lambda xml: xml.replace(' isCodable="true" color="#56B4E9"', ' color="#56B4E9"'), "isCodable"),
])
def test_the_schema_flags_what_a_tool_may_not_write(tmp_path, change, says):
    _, _, _, problems = refiqda.import_qdpx(other_tool(tmp_path, change))
    assert problems and any(says in p for p in problems), problems


def test_missing_text_is_named(tmp_path):
    _, _, _, problems = refiqda.import_qdpx(other_tool(tmp_path, with_texts=False))
    assert f"project.qde: TextSource 'interview1': {message('refiqda.problem.no_text')}" in problems
    assert "its text is missing" in message("refiqda.problem.no_text")


def test_kit_positions_map_redacted_and_crlf_texts_back_and_name_a_text_that_differs():
    terms = pd.DataFrame({"term": ["Karel Kanarie"], "kind": ["person"], "replacement": ["[naam]"]})
    originals = pd.DataFrame({"story_id": ["S-1", "S-2", "S-3"],
                              "text": ["Karel Kanarie hielp.\nDaarna dronken we koffie.", "Alleen tekst.", "Iets anders."]})
    exported = pd.DataFrame({"story_id": ["S-1", "S-2", "S-3", "S-9"],
                             "text": ["[naam] hielp.\r\nDaarna dronken we koffie.",  # redacted, saved with CRLF
                                      "\ufeffAlleen tekst.", "Iets heel anders.", "?"]})
    spans = [("S-1", "A", "x", 22, 28), ("S-1", "A", "x", 0, 6), ("S-2", "A", "x", 8, 13), ("S-3", "A", "x", 0, 4),
             ("S-9", "A", "x", 0, 1)]
    codings = pd.DataFrame(spans, columns=list(coding.CODING_COLUMNS))
    assert exported["text"][0][22:28] == "dronke" and exported["text"][1][8:13] == "tekst"
    moved, problems = refiqda.kit_positions(codings, exported, originals, terms)
    text = dict(zip(originals["story_id"], originals["text"]))
    got = {(r.story_id, text[r.story_id][r.start:r.end]) for r in moved.itertuples()}
    assert got == {("S-1", "dronke"), ("S-1", "Karel Kanarie"), ("S-2", "tekst")}
    assert len(problems) == 2
    assert any(p.startswith("S-3: ") and "the text in the project differs" in p and "character 5" in p for p in problems)
    assert any(p.startswith("S-9: ") and "the kit has no story" in p for p in problems)
