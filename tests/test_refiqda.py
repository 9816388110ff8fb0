"""REFI-QDA: round trip keeps every coding; another tool's project can be read; structure is checked."""

import zipfile
import xml.etree.ElementTree as ET

import pandas as pd

from werkplaats_data import refiqda

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


OTHER_TOOL = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Interviews" origin="SomeQDA 3.1" creationDateTime="2024-05-01T10:00:00Z">
  <Users>
    <User guid="AAAAAAAA-0000-4000-8000-000000000001" name="Anna"/>
    <User guid="AAAAAAAA-0000-4000-8000-000000000002" name="Bram"/>
  </Users>
  <CodeBook><Codes>
    <Code guid="BBBBBBBB-0000-4000-8000-000000000001" name="Belonging" isCodable="true" color="#FF0000">
      <Description>Feeling part of the group</Description>
      <Code guid="BBBBBBBB-0000-4000-8000-000000000002" name="Welcomed" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables/>
  <Sources>
    <TextSource guid="CCCCCCCC-0000-4000-8000-000000000001" name="interview1" plainTextPath="internal://CCCCCCCC-0000-4000-8000-000000000001.txt">
      <PlainTextSelection guid="DDDDDDDD-0000-4000-8000-000000000001" startPosition="0" endPosition="8" creatingUser="AAAAAAAA-0000-4000-8000-000000000001">
        <Coding guid="EEEEEEEE-0000-4000-8000-000000000001"><CodeRef targetGUID="BBBBBBBB-0000-4000-8000-000000000002"/></Coding>
        <Coding guid="EEEEEEEE-0000-4000-8000-000000000002" creatingUser="AAAAAAAA-0000-4000-8000-000000000002"><CodeRef targetGUID="bbbbbbbb-0000-4000-8000-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="CCCCCCCC-0000-4000-8000-000000000002" name="note">
      <PlainTextContent>Short inline text.</PlainTextContent>
      <PlainTextSelection guid="DDDDDDDD-0000-4000-8000-000000000002" startPosition="6" endPosition="12" creatingUser="AAAAAAAA-0000-4000-8000-000000000002">
        <Coding guid="EEEEEEEE-0000-4000-8000-000000000003"><CodeRef targetGUID="BBBBBBBB-0000-4000-8000-000000000001"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes/>
</Project>
"""


def write_other(tmp_path, xml=OTHER_TOOL, text="Welcome home, said the volunteer."):
    path = tmp_path / "other.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", xml)
        archive.writestr("Sources/CCCCCCCC-0000-4000-8000-000000000001.txt", text)
    return path


def test_import_a_project_made_by_another_tool(tmp_path):
    stories, codebook, codings, problems = refiqda.import_qdpx(write_other(tmp_path))
    assert problems == []
    assert dict(zip(stories["story_id"], stories["text"])) == {"interview1": "Welcome home, said the volunteer.",
                                                               "note": "Short inline text."}
    assert list(zip(codebook["code"], codebook["parent"])) == [("Belonging", ""), ("Welcomed", "Belonging")]
    assert codebook.set_index("code").loc["Belonging", "description_en"] == "Feeling part of the group"
    rows = set(codings.itertuples(index=False, name=None))
    assert rows == {("interview1", "Anna", "Welcomed", 0, 8), ("interview1", "Bram", "Belonging", 0, 8),
                    ("note", "Bram", "Belonging", 6, 12)}


def test_validation_names_what_is_broken(tmp_path):
    broken = (OTHER_TOOL.replace('endPosition="12"', 'endPosition="99"')
              .replace('targetGUID="BBBBBBBB-0000-4000-8000-000000000002"', 'targetGUID="BBBBBBBB-0000-4000-8000-00000000FFFF"')
              .replace('guid="AAAAAAAA-0000-4000-8000-000000000002" name="Bram"', 'guid="not-a-guid" name="Bram"'))
    _, _, _, problems = refiqda.import_qdpx(write_other(tmp_path, broken))
    text = "\n".join(problems)
    assert "end 99 lies past the text" in text
    assert "CodeRef points to no code" in text
    assert "guid 'not-a-guid' is not a GUID" in text
    assert "creatingUser is not a User" in text


def test_validation_checks_element_order_and_missing_text(tmp_path):
    swapped = OTHER_TOOL.replace("<Variables/>", "").replace("<Notes/>", "<Variables/>").replace("  <Users>", "  <Notes/>\n  <Users>", 1)
    _, _, _, problems = refiqda.import_qdpx(write_other(tmp_path, swapped))
    assert any("wrong order" in p for p in problems)
    path = tmp_path / "notext.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", OTHER_TOOL)
    _, _, _, problems = refiqda.import_qdpx(path)
    assert any("'interview1': its text is missing" in p for p in problems)
