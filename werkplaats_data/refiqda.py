"""REFI-QDA exchange: codebook as ``.qdc``, project (sources, codings, coders) as ``.qdpx``.

REFI-QDA is the open standard that ATLAS.ti, NVivo, MAXQDA, QualCoder and others use to swap
qualitative coding (https://www.qdasoftware.org). A ``.qdc`` file is the codebook as XML
(namespace ``urn:QDA-XML:codebook:1.0``); a ``.qdpx`` file is a zip with ``project.qde`` (XML,
namespace ``urn:QDA-XML:project:1.0``) and the plain texts in ``sources/<guid>.txt``.

How our tables map to it:
- a coder is a ``User`` (name = the coder's pseudonym);
- a code is a ``Code`` (name = our code, nested under its parent); its labels and descriptions
  go into ``Description`` as lines "label_nl: …", so that a round trip keeps them;
- a story is a ``TextSource`` (name = story id) and each coding one ``PlainTextSelection``
  (startPosition, endPosition = character positions, end not included) holding one ``Coding``
  whose ``creatingUser`` is the coder.
GUIDs are uuid5 of the thing they name, so exporting the same data twice gives the same file.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

from werkplaats_data.coding import CODEBOOK_COLUMNS, CODING_COLUMNS

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
#: Fixed namespace for our deterministic GUIDs (uuid5 of "werkplaats-duurzaam").
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "werkplaats-duurzaam.refi-qda")
GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
#: Order of a Project's children in the REFI-QDA Project schema (each optional).
PROJECT_ORDER = ("Users", "CodeBook", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs", "Description")
_LABEL_FIELDS = ("label_nl", "label_en", "description_nl", "description_en", "survey_items")


def guid(kind: str, *parts) -> str:
    """A deterministic GUID for one thing (a user, code, source, selection or coding)."""
    return str(uuid.uuid5(GUID_NAMESPACE, "|".join([kind, *map(str, parts)])))


def _codes_element(codebook: pd.DataFrame) -> ET.Element:
    """``<Codes>`` with each code nested under its parent."""
    codes = ET.Element("Codes")
    children: dict[str, list[dict]] = {}
    for row in codebook.to_dict("records"):
        children.setdefault(row["parent"] or "", []).append(row)

    def add(parent_element: ET.Element, parent_code: str) -> None:
        for row in children.get(parent_code, []):
            codable = "false" if row["code"] in children else "true"  # a grouping code is not applied itself
            element = ET.SubElement(parent_element, "Code", guid=guid("code", row["code"]), name=row["code"],
                                    isCodable=codable)
            text = "\n".join(f"{field}: {row[field]}" for field in _LABEL_FIELDS if row.get(field))
            if text:
                ET.SubElement(element, "Description").text = text
            add(element, row["code"])

    add(codes, "")
    return codes


def codebook_xml(codebook: pd.DataFrame) -> bytes:
    """The codebook as REFI-QDA ``.qdc`` XML."""
    root = ET.Element("CodeBook", xmlns=CODEBOOK_NS, origin="Werkplaats Duurzaam kit")
    root.append(_codes_element(codebook))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def export_qdc(codebook: pd.DataFrame, path: str | Path) -> Path:
    """Write the codebook as a ``.qdc`` file; returns the path."""
    Path(path).write_bytes(codebook_xml(codebook))
    return Path(path)


def project_xml(stories: pd.DataFrame, codebook: pd.DataFrame, codings: pd.DataFrame, *, name: str) -> bytes:
    """The ``project.qde`` XML for these stories (story_id, text), codebook and codings."""
    root = ET.Element("Project", xmlns=PROJECT_NS, name=name, origin="Werkplaats Duurzaam kit")
    users = ET.SubElement(root, "Users")
    for coder in sorted(set(codings["coder"])):
        ET.SubElement(users, "User", guid=guid("user", coder), name=coder)
    codebook_element = ET.SubElement(root, "CodeBook")
    codebook_element.append(_codes_element(codebook))
    sources = ET.SubElement(root, "Sources")
    for story in stories.to_dict("records"):
        source_guid = guid("source", story["story_id"])
        source = ET.SubElement(sources, "TextSource", guid=source_guid, name=story["story_id"],
                               plainTextPath=f"internal://{source_guid}.txt")
        mine = codings[codings["story_id"] == story["story_id"]].sort_values(["start", "end", "coder", "code"])
        for row in mine.itertuples():
            key = (row.story_id, row.coder, row.code, row.start, row.end)
            selection = ET.SubElement(source, "PlainTextSelection", guid=guid("selection", *key),
                                      name=story["text"][row.start:row.end][:60], startPosition=str(row.start),
                                      endPosition=str(row.end), creatingUser=guid("user", row.coder))
            coding = ET.SubElement(selection, "Coding", guid=guid("coding", *key),
                                   creatingUser=guid("user", row.coder))
            ET.SubElement(coding, "CodeRef", targetGUID=guid("code", row.code))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def export_qdpx(stories: pd.DataFrame, codebook: pd.DataFrame, codings: pd.DataFrame, path: str | Path, *,
                name: str = "Werkplaats Duurzaam – verhalen") -> Path:
    """Write a ``.qdpx`` project: ``project.qde`` plus one UTF-8 text per story in ``sources/``.

    Give stories that may be used for research and are redacted, with codings whose spans point
    into the redacted texts (``stories.release_tables`` gives exactly that).
    """
    codings = codings[codings["story_id"].isin(stories["story_id"])]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project_xml(stories, codebook, codings, name=name))
        for story in stories.to_dict("records"):
            archive.writestr(f"sources/{guid('source', story['story_id'])}.txt", story["text"].encode("utf-8"))
    return Path(path)


def _local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _read_sources_text(archive: zipfile.ZipFile, source: ET.Element) -> str | None:
    """A TextSource's text: inline ``PlainTextContent`` or the file its plainTextPath names."""
    inline = _children(source, "PlainTextContent")
    if inline:
        return inline[0].text or ""
    path = source.get("plainTextPath", "")
    if not path:
        return None
    wanted = path.removeprefix("internal://").lower()
    for member in archive.namelist():
        if member.lower() in (f"sources/{wanted}", wanted):
            return archive.read(member).decode("utf-8-sig")
    return None


def validate_project(root: ET.Element, texts: dict[str, str | None] | None = None) -> list[str]:
    """Problems with a ``project.qde`` against the REFI-QDA project structure, as plain sentences.

    Checked: root ``Project`` in the project namespace; its children in schema order; every
    User, Code, TextSource, PlainTextSelection and Coding has a well-formed, unique guid;
    Users and Codes have a name; Codes say isCodable; every TextSource has text; selections have
    whole-number startPosition ≤ endPosition inside the text; every Coding has a CodeRef to a
    code of the codebook and a creatingUser (on itself or its selection) that is a User.
    ``texts`` maps source guid → text (None: missing).
    """
    problems = []
    if root.tag != f"{{{PROJECT_NS}}}Project":
        return [f"project.qde: root: expected a Project element in namespace {PROJECT_NS}, found {root.tag}."]
    order = [_local(child.tag) for child in root]
    positions = [PROJECT_ORDER.index(n) for n in order if n in PROJECT_ORDER]
    if positions != sorted(positions):
        problems.append(f"project.qde: Project: children are in the wrong order ({', '.join(order)}).")
    seen: set[str] = set()
    for element in root.iter():
        name = _local(element.tag)
        if name in ("User", "Code", "TextSource", "PlainTextSelection", "Coding"):
            value = element.get("guid", "")
            if not GUID.match(value):
                problems.append(f"project.qde: {name} '{element.get('name', '')}': guid '{value}' is not a GUID.")
            elif value.lower() in seen:
                problems.append(f"project.qde: {name}: guid {value} is used twice.")
            seen.add(value.lower())
    users = {u.get("guid", "").lower() for u in root.iter(f"{{{PROJECT_NS}}}User")}
    codes = {c.get("guid", "").lower() for c in root.iter(f"{{{PROJECT_NS}}}Code")}
    for element in root.iter():
        if _local(element.tag) in ("User", "Code") and not element.get("name"):
            problems.append(f"project.qde: {_local(element.tag)} {element.get('guid')}: has no name.")
        if _local(element.tag) == "Code" and element.get("isCodable") not in ("true", "false", "1", "0"):
            problems.append(f"project.qde: Code '{element.get('name')}': isCodable must be true or false.")
    for source in root.iter(f"{{{PROJECT_NS}}}TextSource"):
        label = f"project.qde: TextSource '{source.get('name', '')}'"
        text = (texts or {}).get(source.get("guid", ""))
        if text is None:
            problems.append(f"{label}: its text is missing (no PlainTextContent and no file at plainTextPath).")
        for selection in _children(source, "PlainTextSelection"):
            start, end = selection.get("startPosition", ""), selection.get("endPosition", "")
            if not (start.isdigit() and end.isdigit()) or int(start) > int(end):
                problems.append(f"{label}: selection {selection.get('guid')}: start/end '{start}'–'{end}' is not a span.")
            elif text is not None and int(end) > len(text):
                problems.append(f"{label}: selection {selection.get('guid')}: end {end} lies past the text ({len(text)}).")
            for coding in _children(selection, "Coding"):
                refs = _children(coding, "CodeRef")
                user = (coding.get("creatingUser") or selection.get("creatingUser") or "").lower()
                if not refs or refs[0].get("targetGUID", "").lower() not in codes:
                    problems.append(f"{label}: coding {coding.get('guid')}: CodeRef points to no code of the codebook.")
                if user not in users:
                    problems.append(f"{label}: coding {coding.get('guid')}: creatingUser is not a User of the project.")
    return problems


def _parse_codes(element: ET.Element, parent: str, out: list[dict], names: dict[str, str]) -> None:
    for code in _children(element, "Code"):
        row = dict.fromkeys(CODEBOOK_COLUMNS, "") | {"code": code.get("name", ""), "parent": parent}
        description = _children(code, "Description")
        text = (description[0].text or "") if description else ""
        fields = dict(re.findall(r"^(\w+): (.*)$", text, flags=re.MULTILINE))
        if any(f in fields for f in _LABEL_FIELDS):
            row |= {f: fields.get(f, "") for f in _LABEL_FIELDS}
        else:  # another tool's description: keep it as the English description, the name as label
            row |= {"label_nl": row["code"], "label_en": row["code"], "description_en": text.strip()}
        out.append(row)
        names[code.get("guid", "").lower()] = row["code"]
        _parse_codes(code, row["code"], out, names)


def import_qdpx(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    """Read a ``.qdpx`` (ours or another tool's): stories, codebook, codings and the problems found.

    stories: story_id (the source's name), text. codebook: our codebook columns (for another
    tool's codes, the name serves as code and label). codings: story_id, coder (the User's name),
    code (the Code's name), start, end — one row per Coding. Codings that fail the checks of
    ``validate_project`` are still read where they can be; the problems say what is wrong.
    """
    with zipfile.ZipFile(path) as archive:
        qde = next((m for m in archive.namelist() if m.lower().endswith("project.qde")), None)
        if qde is None:
            raise ValueError(f"{Path(path).name} holds no project.qde; it is not a REFI-QDA project.")
        root = ET.parse(io.BytesIO(archive.read(qde))).getroot()
        sources = list(root.iter(f"{{{PROJECT_NS}}}TextSource"))
        texts = {s.get("guid", ""): _read_sources_text(archive, s) for s in sources}
    problems = validate_project(root, texts)
    users = {u.get("guid", "").lower(): u.get("name", "") for u in root.iter(f"{{{PROJECT_NS}}}User")}
    code_rows: list[dict] = []
    code_names: dict[str, str] = {}
    for codes in root.iter(f"{{{PROJECT_NS}}}Codes"):
        _parse_codes(codes, "", code_rows, code_names)
    story_rows, coding_rows = [], []
    for source in sources:
        story_id = source.get("name", "")
        story_rows.append({"story_id": story_id, "text": texts.get(source.get("guid", "")) or ""})
        for selection in _children(source, "PlainTextSelection"):
            for coding in _children(selection, "Coding"):
                refs = _children(coding, "CodeRef")
                user = (coding.get("creatingUser") or selection.get("creatingUser") or "").lower()
                code = code_names.get(refs[0].get("targetGUID", "").lower()) if refs else None
                if code and selection.get("startPosition", "").isdigit() and selection.get("endPosition", "").isdigit():
                    coding_rows.append({"story_id": story_id, "coder": users.get(user, user), "code": code,
                                        "start": int(selection.get("startPosition")), "end": int(selection.get("endPosition"))})
    stories = pd.DataFrame(story_rows, columns=["story_id", "text"])
    codebook = pd.DataFrame(code_rows, columns=list(CODEBOOK_COLUMNS))
    codings = pd.DataFrame(coding_rows, columns=list(CODING_COLUMNS)).astype({"start": "Int64", "end": "Int64"})
    return stories, codebook, codings, problems
