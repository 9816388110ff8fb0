"""REFI-QDA exchange: codebook as ``.qdc``, project (sources, codings, coders) as ``.qdpx``.

REFI-QDA is the open standard that ATLAS.ti, NVivo, MAXQDA, QualCoder and others use to swap
qualitative coding (https://www.qdasoftware.org). A ``.qdc`` file is the codebook as XML
(namespace ``urn:QDA-XML:codebook:1.0``); a ``.qdpx`` file is a zip with ``project.qde`` (XML,
namespace ``urn:QDA-XML:project:1.0``) and the plain texts in ``sources/<guid>.txt``. Both are
validated against the published schemas (``data/refiqda/Project.xsd`` and ``Codebook.xsd``,
REFI 2019, MIT licence), and then for what a schema cannot say (GUIDs unique, references that
point somewhere, selections inside their text).

How our tables map to it:
- a coder is a ``User`` (name = the coder's pseudonym);
- a code is a ``Code`` (name = our code, nested under its parent); its labels and descriptions
  go into ``Description`` as lines "label_nl: …", so that a round trip keeps them;
- a story is a ``TextSource`` (name = story id) and each coding one ``PlainTextSelection``
  (startPosition, endPosition = character positions, end not included) holding one ``Coding``
  whose ``creatingUser`` is the coder. A ``Coding`` right under a ``TextSource`` (allowed by the
  schema) codes the whole text.
GUIDs are uuid5 of the thing they name, so exporting the same data twice gives the same file.

Positions: the kit exports redacted texts, so exported selections point into the redacted text.
``kit_positions`` maps an imported project's selections back to the positions in the kit's own
(original) story texts, after checking that the project's text is the kit's text (as exported,
or unredacted; line endings and a byte-order mark may differ); a story whose text differs is
named, never silently shifted.
"""

from __future__ import annotations

import bisect
import io
import re
import uuid
import zipfile
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import pandas as pd

from werkplaats_data import redaction
from werkplaats_data.coding import CODEBOOK_COLUMNS, CODING_COLUMNS
from werkplaats_data.errors import message

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
#: Fixed namespace for our deterministic GUIDs (uuid5 of "werkplaats-duurzaam").
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "werkplaats-duurzaam.refi-qda")
#: A GUID as the schema allows it: plain or in braces ("{…}").
GUID = re.compile(r"^\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?$")
SCHEMA_DIR = Path(__file__).resolve().parent / "data" / "refiqda"
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
    """The ``project.qde`` XML for these stories (story_id, text), codebook and codings.

    Users, CodeBook and Sources are left out when there is nothing to put in them: the schema
    does not allow them empty.
    """
    root = ET.Element("Project", xmlns=PROJECT_NS, name=name, origin="Werkplaats Duurzaam kit")
    if len(codings):
        users = ET.SubElement(root, "Users")
        for coder in sorted(set(codings["coder"])):
            ET.SubElement(users, "User", guid=guid("user", coder), name=coder)
    if len(codebook):
        codebook_element = ET.SubElement(root, "CodeBook")
        codebook_element.append(_codes_element(codebook))
    if len(stories):
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


def _key(value: str | None) -> str:
    """A GUID as a comparable key: without braces, lower case."""
    return (value or "").strip().strip("{}").lower()


@cache
def schema(kind: str = "Project"):
    """The published REFI-QDA schema (``Project`` or ``Codebook``), read once."""
    import xmlschema

    return xmlschema.XMLSchema(SCHEMA_DIR / f"{kind}.xsd")


def schema_problems(root: ET.Element, *, kind: str = "Project", file: str = "project.qde") -> list[str]:
    """Where the XML breaks the published schema: unknown or misplaced elements, missing required
    attributes (Project@name, guid …), malformed GUIDs, empty containers."""
    problems = []
    for error in schema(kind).iter_errors(root):
        reason = (error.reason or error.message).split("\n")[0]
        problems.append(f"{file}: {error.path or _local(root.tag)}: {reason}")
    return problems


def _codings_of(source: ET.Element, text: str | None):
    """(element holding the coding, Coding, start, end) for every coding of a TextSource: those in
    its PlainTextSelections, and those right under it (the whole text)."""
    for selection in _children(source, "PlainTextSelection"):
        for coding in _children(selection, "Coding"):
            yield selection, coding, selection.get("startPosition", ""), selection.get("endPosition", "")
    for coding in _children(source, "Coding"):
        yield source, coding, "0", str(len(text)) if text is not None else ""


def validate_project(root: ET.Element, texts: dict[str, str | None] | None = None) -> list[str]:
    """Problems with a ``project.qde``: first against the published schema (``schema_problems``),
    then what the schema cannot check, as plain sentences.

    Beyond the schema: every guid is unique; every TextSource has its text (PlainTextContent or
    a file at plainTextPath, not both); selections have startPosition ≤ endPosition inside the
    text; every Coding has a CodeRef to a code of the codebook and a creatingUser (on itself or
    its selection) that is a User. ``texts`` maps source guid → text (None: missing).
    """
    if root.tag != f"{{{PROJECT_NS}}}Project":
        return [f"project.qde: root: {message('refiqda.problem.not_a_project', namespace=PROJECT_NS, tag=root.tag)}"]
    problems = schema_problems(root)
    seen: set[str] = set()
    for element in root.iter():
        value = element.get("guid")
        if value is not None and GUID.match(value):
            if _key(value) in seen:
                problems.append(f"project.qde: {_local(element.tag)}: {message('refiqda.problem.guid_twice', guid=value)}")
            seen.add(_key(value))
    users = {_key(u.get("guid")) for u in root.iter(f"{{{PROJECT_NS}}}User")}
    codes = {_key(c.get("guid")) for c in root.iter(f"{{{PROJECT_NS}}}Code")}
    for source in root.iter(f"{{{PROJECT_NS}}}TextSource"):
        label = f"project.qde: TextSource '{source.get('name', '')}'"
        text = (texts or {}).get(source.get("guid", ""))
        if text is None:
            problems.append(f"{label}: {message('refiqda.problem.no_text')}")
        elif _children(source, "PlainTextContent") and source.get("plainTextPath"):
            problems.append(f"{label}: {message('refiqda.problem.text_twice')}")
        for holder, coding, start, end in _codings_of(source, text):
            selection = f"{label}: selection {holder.get('guid')}"
            if not (start.isdigit() and end.isdigit()) or int(start) > int(end):
                problems.append(f"{selection}: {message('refiqda.problem.not_a_span', start=start, end=end)}")
            elif text is not None and int(end) > len(text):
                problems.append(f"{selection}: {message('refiqda.problem.past_the_text', end=end, length=len(text))}")
            refs = _children(coding, "CodeRef")
            if not refs or _key(refs[0].get("targetGUID")) not in codes:
                problems.append(f"{label}: coding {coding.get('guid')}: {message('refiqda.problem.no_code')}")
            if _key(coding.get("creatingUser") or holder.get("creatingUser")) not in users:
                problems.append(f"{label}: coding {coding.get('guid')}: {message('refiqda.problem.no_user')}")
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
        names[_key(code.get("guid"))] = row["code"]
        _parse_codes(code, row["code"], out, names)


def import_qdpx(path: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, list[str]]:
    """Read a ``.qdpx`` (ours or another tool's): stories, codebook, codings and the problems found.

    stories: story_id (the source's name), text. codebook: our codebook columns (for another
    tool's codes, the name serves as code and label). codings: story_id, coder (the User's name),
    code (the Code's name), start, end — one row per Coding, in the positions of the project's
    own texts (``kit_positions`` maps them to the kit's). Codings that fail the checks of
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
    users = {_key(u.get("guid")): u.get("name") or u.get("guid", "") for u in root.iter(f"{{{PROJECT_NS}}}User")}
    code_rows: list[dict] = []
    code_names: dict[str, str] = {}
    for codes in root.iter(f"{{{PROJECT_NS}}}Codes"):
        _parse_codes(codes, "", code_rows, code_names)
    story_rows, coding_rows = [], []
    for source in sources:
        story_id = source.get("name", "")
        text = texts.get(source.get("guid", ""))
        story_rows.append({"story_id": story_id, "text": text or ""})
        for holder, coding, start, end in _codings_of(source, text):
            refs = _children(coding, "CodeRef")
            user = _key(coding.get("creatingUser") or holder.get("creatingUser"))
            code = code_names.get(_key(refs[0].get("targetGUID"))) if refs else None
            if code and start.isdigit() and end.isdigit():
                coding_rows.append({"story_id": story_id, "coder": users.get(user, user), "code": code,
                                    "start": int(start), "end": int(end)})
    stories = pd.DataFrame(story_rows, columns=["story_id", "text"])
    codebook = pd.DataFrame(code_rows, columns=list(CODEBOOK_COLUMNS))
    codings = pd.DataFrame(coding_rows, columns=list(CODING_COLUMNS)).astype({"start": "Int64", "end": "Int64"})
    return stories, codebook, codings, problems


def validate_codebook(path: str | Path) -> list[str]:
    """Where a ``.qdc`` file breaks the published codebook schema."""
    return schema_problems(ET.parse(path).getroot(), kind="Codebook", file=Path(path).name)


# --- positions: the project's texts → the kit's own texts -----------------------------------------

def _normalised(text: str) -> tuple[str, list[int]]:
    """The text without a byte-order mark and with CRLF/CR line endings as LF, and the positions
    (in the given text) of the characters taken out."""
    removed = [0] if text.startswith("\ufeff") else []
    for match in re.finditer(r"\r\n?", text):
        if match.group() == "\r\n":
            removed.append(match.start())
    out = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return out, removed


def _first_difference(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def kit_positions(codings: pd.DataFrame, project_texts: pd.DataFrame, originals: pd.DataFrame,
                  terms: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Imported codings moved to the positions of the kit's own story texts, and the problems.

    ``project_texts``: story_id, text as in the project (``import_qdpx``); ``originals``: story_id,
    text as the kit keeps it (``stories.load_stories``); ``terms``: the redaction list. A project
    text must be the kit's text as exported (redacted) or the original, after line endings and a
    byte-order mark are made the same; then each selection is mapped back (``redaction.unmap_span``
    for a redacted text). A story the kit does not have, or whose text differs, is named and its
    codings left out — never shifted.
    """
    theirs = dict(zip(project_texts["story_id"], project_texts["text"]))
    ours = dict(zip(originals["story_id"], originals["text"]))
    moved, problems = [], []
    for story_id, group in codings.groupby("story_id", sort=True):
        if story_id not in ours:
            problems.append(f"{story_id}: {message('refiqda.problem.no_story', codings=len(group))}")
            continue
        text, removed = _normalised(theirs.get(story_id, ""))
        redacted, edits = redaction.redact_with_edits(ours[story_id], terms)
        if text.rstrip() == redacted.rstrip():
            back = lambda s, e: redaction.unmap_span(s, e, edits)  # noqa: E731
        elif text.rstrip() == ours[story_id].rstrip():
            back = lambda s, e: (s, e)  # noqa: E731
        else:
            at = _first_difference(text, redacted)
            problems.append(f"{story_id}: " + message("refiqda.problem.text_differs", at=at, theirs=text[at:at + 30],
                                                      ours=redacted[at:at + 30], codings=len(group)))
            continue
        for row in group.itertuples(index=False):
            start, end = (p - bisect.bisect_left(removed, p) for p in (int(row.start), int(row.end)))
            start, end = back(start, end)
            moved.append({"story_id": story_id, "coder": row.coder, "code": row.code, "start": start, "end": end})
    out = pd.DataFrame(moved, columns=list(CODING_COLUMNS)).astype({"start": "Int64", "end": "Int64"})
    return out, problems
