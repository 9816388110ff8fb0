"""Read volunteers' registers (CSV, XLSX, ODS) into raw tables, one per sheet.

What the reader does, in order:
1. format from the file's first bytes (zip → XLSX or ODS; OLE → password-protected or old .xls);
   CSV encoding (UTF-8, UTF-8 with BOM, UTF-16 as Excel's "Unicode text", else Windows-1252) and
   delimiter (; , tab |) sniffed; a CSV row with more cells than the header is marked, not fatal;
2. every sheet of a workbook is considered: it is read, or named with the reason it was not (an
   empty or hidden sheet, the templates' instructions sheet and a page of notes are passed over);
   merged cells (XLSX and ODS) take the merged value;
3. the header row is found below title rows (the row with the most known headers);
4. empty rows and columns are dropped; totals rows ('Totaal', 'Total', …) are marked;
5. the register kind comes from the headers and the file name (``kind=`` overrides).
Values stay raw (text or what the spreadsheet stored); cleaning is ``werkplaats_data.clean``'s job.
Row numbers are kept as the volunteer sees them in the spreadsheet (1 = first line).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from werkplaats_data.clean import distinct
from werkplaats_data.errors import UserError, message
from werkplaats_data.i18n import t
from werkplaats_data.registers import KINDS, SURVEY_ITEM, RegisterKind, header_key

HEADER_SCAN_ROWS = 30


class ReadError(UserError):
    """A file (or sheet) that cannot be read at all; the message names the file and what to do."""


@dataclass
class RawSheet:
    """One sheet of one register: raw values under field names, with spreadsheet row numbers."""

    file: Path
    sheet: str | None
    kind: str
    frame: pd.DataFrame  # columns are field names (or survey item codes); index is the row number
    ignored_columns: list[str] = field(default_factory=list)
    is_total: pd.Series | None = None  # True for totals rows
    too_wide: pd.Series | None = None  # True for CSV rows with more cells than the header (a delimiter too many)

    @property
    def where(self) -> str:
        return _place(self.file, self.sheet)


def _place(path: Path, sheet: str | None) -> str:
    """The place of a sheet as volunteers name it: the file name, and the sheet's name when it has one."""
    return t("read.where.sheet", "nl", file=path.name, sheet=sheet) if sheet else path.name


@dataclass
class Grid:
    """One sheet as the spreadsheet holds it: cells by (row number, position), before any header is found."""

    name: str | None
    frame: pd.DataFrame  # index: row number as the volunteer sees it
    hidden: bool = False
    too_wide: list[int] = field(default_factory=list)  # CSV rows with more cells than the header


# --- formats -------------------------------------------------------------------------------------

#: Translation keys of how to remove a file's password, per format.
_PASSWORD_HOW = {"xlsx": "read.password.how_excel", "ods": "read.password.how_libreoffice"}
#: Suffixes a register file may have: spreadsheets (with the program that makes them) and text.
_WORKBOOK_SUFFIXES = {".xlsx": "Excel", ".xlsm": "Excel", ".xls": "Excel", ".ods": "LibreOffice"}
_TEXT_SUFFIXES = (".csv", ".txt")


def _file_error(path: Path, key: str, **values) -> ReadError:
    """A ReadError for a whole file: the message ``key``, placed at the file's name."""
    return ReadError(message(key, place=path.name, **values))


def _password_error(path: Path, fmt: str) -> ReadError:
    how = _PASSWORD_HOW[fmt]
    return _file_error(path, "read.error.password", how_nl=t(how, "nl"), how_en=t(how, "en"))


def _not_a_workbook(path: Path) -> ReadError:
    program = _WORKBOOK_SUFFIXES[path.suffix.lower()]
    return _file_error(path, "read.error.not_a_workbook", program=program, suffix=path.suffix.lower())


def sniff_format(path: Path) -> str:
    """'csv', 'xlsx' or 'ods' from the file's content (the extension can lie).

    Raises ``ReadError`` naming the problem: a password (an encrypted XLSX is an OLE file holding an
    'EncryptedPackage'; an encrypted ODS says so in its manifest), an old .xls, a damaged file, or
    bytes that are no spreadsheet at all.
    """
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():
            raise _password_error(path, "xlsx")
        if path.suffix.lower() == ".xls":
            raise _file_error(path, "read.error.old_xls")
        raise _file_error(path, "read.error.password_or_old_xls")
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                manifest = zf.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in names else b""
        except (zipfile.BadZipFile, OSError, EOFError):
            raise _file_error(path, "read.error.damaged") from None
        if b"encryption-data" in manifest:
            raise _password_error(path, "ods")
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        raise _file_error(path, "read.error.unknown_format")
    if path.suffix.lower() in _WORKBOOK_SUFFIXES:
        raise _not_a_workbook(path)
    if path.suffix.lower() not in _TEXT_SUFFIXES:
        raise _file_error(path, "read.error.unknown_format")
    return "csv"


def sniff_encoding(sample: bytes) -> str:
    """The encoding of a CSV sample.

    'utf-16' for a UTF-16 byte-order mark (Excel's "Unicode text"), 'utf-16-le' / 'utf-16-be' for
    UTF-16 without one (every other byte NUL); 'utf-8-sig' when the sample decodes as UTF-8 (with or
    without BOM); else 'cp1252'.
    """
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    pairs = sample[: len(sample) // 2 * 2][:4096]
    if pairs and pairs.count(0) >= len(pairs) // 4:
        return "utf-16-le" if pairs[1::2].count(0) > pairs[0::2].count(0) else "utf-16-be"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as err:
        if err.reason != "unexpected end of data":  # a multi-byte character cut off by the sample is fine
            return "cp1252"
    return "utf-8-sig"


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV sample: ';', ',', tab or '|'."""
    try:
        return csv.Sniffer().sniff(text, delimiters=";,\t|").delimiter
    except csv.Error:
        counts = {d: text.count(d) for d in ";,\t|"}
        return max(counts, key=counts.get)


# --- header and kind -----------------------------------------------------------------------------

def _header_index() -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for kind in KINDS.values():
        for f in kind.fields:
            for h in f.headers:
                index.setdefault(header_key(h), set()).add(kind.name)
    return index


_KNOWN_HEADERS = _header_index()


def _known(cell: object) -> bool:
    text = str(cell).strip().lower() if cell is not None else ""
    return header_key(text) in _KNOWN_HEADERS or bool(SURVEY_ITEM.match(text))


def find_header_row(rows: list[list[object]]) -> int | None:
    """Index of the header row: the first of the rows with the most known headers (at least two)."""
    best, best_score = None, 1
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = sum(_known(c) for c in row if c is not None and str(c).strip())
        if score > best_score:
            best, best_score = i, score
    return best


def match_headers(headers: list[str], kind: RegisterKind) -> dict[int, str]:
    """Column position → field name for the headers this kind knows."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for pos, header in enumerate(headers):
        key = header_key(header)
        for f in kind.fields:
            if f.name not in taken and key in {header_key(h) for h in f.headers}:
                mapping[pos] = f.name
                taken.add(f.name)
                break
        else:
            text = str(header).strip().lower()
            if kind.name == "survey" and SURVEY_ITEM.match(text):
                mapping[pos] = text
    return mapping


def detect_kind(headers: list[str], file_name: str) -> tuple[str | None, list[str]]:
    """The register kind whose headers match best (file name as tie-breaker), and what is missing."""
    name_key = header_key(Path(file_name).stem)
    scored = []
    for kind in KINDS.values():
        fields = set(match_headers(headers, kind).values())
        missing = [f.headers[0] for f in kind.fields if f.required and f.name not in fields]
        score = len(fields) + (1.5 if any(h in name_key for h in kind.file_hints) else 0) - 2 * len(missing)
        scored.append((score, -len(missing), kind.name, missing))
    scored.sort(reverse=True)
    score, _, name, missing = scored[0]
    return (name if score > 0 else None), missing


# --- reading -------------------------------------------------------------------------------------

def read_sheets(path: str | Path, *, kind: str | None = None) -> tuple[list[RawSheet], list[str]]:
    """Every register sheet of a file, and one plain line for each sheet that holds data but could not
    be read (naming the sheet, its rows and what to do). Raises ``ReadError`` when the file cannot be
    opened at all, or when no sheet can be read.

    Passed over without a line, because nothing in them is lost: empty sheets, hidden sheets (the
    templates' drop-down lists), the templates' guide sheets (``GUIDE_SHEETS``) and a page of notes
    (no row with more than one filled cell, and no header the reader knows).
    """
    path = Path(path)
    if not path.exists():
        raise ReadError(message("read.error.not_found", place=path))
    if path.stat().st_size == 0:
        raise _file_error(path, "read.error.empty")
    fmt = sniff_format(path)
    grids = {"csv": _csv_grid, "xlsx": _xlsx_grids, "ods": _ods_grids}[fmt](path)
    sheets, problems = [], []
    for grid in grids:
        if _passed_over(grid):
            continue
        try:
            sheets.append(_sheet(path, grid, kind))
        except ReadError as err:
            problems.append(_with_rows(str(err), grid))
    if not sheets:
        if not problems:
            raise _file_error(path, "read.error.no_data")
        raise ReadError(" ".join(problems))
    return sheets, problems


def read_register(path: str | Path, *, kind: str | None = None) -> list[RawSheet]:
    """Every register sheet of a file (see ``read_sheets``; this drops the lines about unread sheets)."""
    return read_sheets(path, kind=kind)[0]


#: Translation keys of the sheets the kit's own templates add beside the register: instructions, the
#: survey's list of questions. Their names (in any language) mark sheets that hold no records.
GUIDE_SHEETS = ("templates.sheet.instructions", "survey.template.items_sheet")


def _instruction_sheet_names() -> set[str]:
    return {t(key, lang).casefold() for key in GUIDE_SHEETS for lang in ("nl", "en")}


def _passed_over(grid: Grid) -> bool:
    """True for a sheet that holds no register rows: empty, hidden, instructions, or notes."""
    if grid.hidden or grid.frame.empty:
        return True
    if grid.name and grid.name.strip().casefold() in _instruction_sheet_names():
        return True
    head = grid.frame.head(HEADER_SCAN_ROWS * 10)
    if (~_blank(head)).sum(axis=1).gt(1).any():
        return False
    return not any(_known(v) for v in head.head(HEADER_SCAN_ROWS).to_numpy().ravel() if v is not None and not pd.isna(v))


def _with_rows(problem: str, grid: Grid) -> str:
    """A sheet's problem with how many filled rows it holds, so nobody wonders where they went."""
    rows = int((~_blank(grid.frame)).any(axis=1).sum())
    return f"{problem} ({message('read.problem.rows_not_read', rows=rows)})"


def _csv_grid(path: Path) -> list[Grid]:
    with path.open("rb") as fh:
        sample = fh.read(256 * 1024)
    encoding = sniff_encoding(sample)
    text_sample = sample.decode(encoding, errors="replace")
    head_lines = text_sample.splitlines()[:HEADER_SCAN_ROWS]
    delimiter = sniff_delimiter("\n".join(head_lines))
    if not encoding.startswith("utf-16"):  # pyarrow reads byte encodings only
        fast = _csv_grid_arrow(path, encoding, delimiter, head_lines)
        if fast is not None:
            return [Grid(None, fast)]
    return [_csv_grid_careful(path, encoding, delimiter)]


def _decode_file(path: Path, encoding: str) -> str:
    """The whole file as text; a UTF-8 file with a few Windows-1252 lines is decoded line by line."""
    data = path.read_bytes()
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        text = "".join(_decode(line, encoding) for line in data.splitlines(keepends=True))
    return text.removeprefix("\ufeff")


def _csv_grid_careful(path: Path, encoding: str, delimiter: str) -> Grid:
    """Any CSV, record by record (line breaks inside quoted cells, uneven rows, UTF-16).

    Short rows are padded. The grid is as wide as the header row, or as the rows most often are when
    they are wider (an unnamed column); a row with filled cells beyond that is kept but marked as too
    wide (a delimiter too many), so it goes to quarantine instead of refusing the whole file.
    """
    records = [[c if c.strip() else None for c in r]
               for r in csv.reader(io.StringIO(_decode_file(path, encoding), newline=""), delimiter=delimiter)]
    if not any(any(c is not None for c in r) for r in records):
        raise _file_error(path, "read.error.no_cells")
    lengths = [max((i + 1 for i, c in enumerate(r) if c is not None), default=0) for r in records]
    header_pos = find_header_row(records[:HEADER_SCAN_ROWS])
    width = lengths[header_pos] if header_pos is not None else max(lengths)
    body = [n for n in lengths[(header_pos or 0) + 1:] if n]
    if body:
        typical = int(pd.Series(body).quantile(0.5))
        width = max(width, typical)
    too_wide = [i + 1 for i, n in enumerate(lengths) if n > width and (header_pos is None or i > header_pos)]
    frame = pd.DataFrame([(r + [None] * width)[:width] for r in records], dtype=object)
    frame.index = frame.index + 1  # spreadsheet row numbers
    return Grid(None, frame, too_wide=too_wide)


def _csv_grid_arrow(path: Path, encoding: str, delimiter: str, head_lines: list[str]) -> pd.DataFrame | None:
    """The common CSV read fast with pyarrow, from the header row down, each column as a Categorical.

    Cells are read as bytes and each distinct value is decoded once (``_decoded``), which is much
    faster than decoding the whole file. Returns None when the file needs the careful reader above:
    a line break inside a quoted cell near the top, or rows wider or narrower than the header.
    Empty lines stay as empty rows, so row numbers match what the volunteer sees.
    """
    import pyarrow as pa
    import pyarrow.csv as pv

    rows = list(csv.reader(head_lines, delimiter=delimiter))
    header_pos = find_header_row([[c or None for c in r] for r in rows])
    if header_pos is None or len(rows) != len(head_lines):
        return None
    names = [str(i) for i in range(len(rows[header_pos]))]
    uneven: list[object] = []
    try:
        table = pv.read_csv(
            path,
            read_options=pv.ReadOptions(skip_rows=header_pos, column_names=names),
            parse_options=pv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False,
                                          invalid_row_handler=lambda row: uneven.append(row) or "skip"),
            convert_options=pv.ConvertOptions(column_types=dict.fromkeys(names, pa.dictionary(pa.int32(), pa.binary())),
                                              null_values=[""], strings_can_be_null=True,
                                              quoted_strings_can_be_null=True))
    except pa.ArrowInvalid:
        return None
    if uneven:
        return None
    table = table.unify_dictionaries()
    frame = pd.DataFrame({i: _decoded(table.column(name), encoding) for i, name in enumerate(names)})
    frame.index = header_pos + 1 + np.arange(len(frame))
    return frame


def _decoded(column, encoding: str) -> pd.Categorical:
    """A pyarrow column of bytes (one shared dictionary) as a Categorical of text.

    Each distinct value is decoded once; text that is not valid UTF-8 is read as Windows-1252, as
    for a whole file. Two byte strings that decode alike become one category.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    raw = column.chunk(0).dictionary.to_pylist() if column.num_chunks else []
    remap, categories = pd.factorize(pd.Index([_decode(v, encoding) for v in raw], dtype=object))
    indices = (pc.fill_null(pa.chunked_array([c.indices for c in column.chunks]).combine_chunks(), -1).to_numpy()
               if column.num_chunks else np.array([], int))
    codes = np.where(indices >= 0, remap[np.maximum(indices, 0)] if len(remap) else -1, -1)
    return pd.Categorical.from_codes(codes, categories=categories)


def _decode(value: bytes, encoding: str) -> str:
    try:
        return value.decode(encoding)
    except UnicodeDecodeError:
        return value.decode("cp1252", errors="replace")


def _xlsx_grids(path: Path) -> list[Grid]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        raise _not_a_workbook(path) from None
    grids = []
    for ws in workbook.worksheets:
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        for merged in ws.merged_cells.ranges:  # a merged cell means its value for every cell it covers
            value = ws.cell(merged.min_row, merged.min_col).value
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if r - 1 < len(rows) and c - 1 < len(rows[r - 1]):
                        rows[r - 1][c - 1] = value
        frame = pd.DataFrame(rows, dtype=object)
        frame.index = frame.index + 1
        grids.append(Grid(ws.title, frame, hidden=ws.sheet_state != "visible"))
    return grids


_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"


def ods_merges(content: bytes | io.BufferedIOBase) -> dict[str, list[tuple[int, int, int, int]]]:
    """Merged ranges per sheet of an ODS ``content.xml``: (row, column, rows, columns), 0-based.

    ODS marks a merge on its first cell (table:number-rows-spanned / number-columns-spanned) and
    writes covered-table-cell for the cells it covers; repeated rows and cells are counted out.
    """
    from xml.etree import ElementTree

    merges: dict[str, list[tuple[int, int, int, int]]] = {}
    sheet, row, col = None, 0, 0
    source = io.BytesIO(content) if isinstance(content, bytes) else content
    for event, element in ElementTree.iterparse(source, events=("start", "end")):
        tag = element.tag
        if event == "start":
            if tag == _TABLE + "table":
                sheet, row = element.get(_TABLE + "name"), 0
                merges[sheet] = []
            elif tag == _TABLE + "table-row":
                col = 0
            elif tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
                rows = int(element.get(_TABLE + "number-rows-spanned", 1))
                cols = int(element.get(_TABLE + "number-columns-spanned", 1))
                if sheet is not None and (rows > 1 or cols > 1):
                    merges[sheet].append((row, col, rows, cols))
        elif tag in (_TABLE + "table-cell", _TABLE + "covered-table-cell"):
            col += int(element.get(_TABLE + "number-columns-repeated", 1))
            element.clear()
        elif tag == _TABLE + "table-row":
            row += int(element.get(_TABLE + "number-rows-repeated", 1))
            element.clear()
    return merges


def _ods_grids(path: Path) -> list[Grid]:
    try:
        book = pd.read_excel(path, engine="odf", sheet_name=None, header=None, dtype=object)
        with zipfile.ZipFile(path) as zf, zf.open("content.xml") as content:
            merges = ods_merges(content)
    except Exception:  # odfpy and the XML parser raise many kinds for a broken file
        raise _not_a_workbook(path) from None
    grids = []
    for name, frame in book.items():
        for row, col, rows, cols in merges.get(name, []):  # as for XLSX: the value fills the merged cells
            if row < frame.shape[0] and col < frame.shape[1]:
                last_row, last_col = min(row + rows, frame.shape[0]), min(col + cols, frame.shape[1])
                frame.iloc[row:last_row, col:last_col] = frame.iat[row, col]
        frame.index = frame.index + 1
        grids.append(Grid(name, frame))
    return grids


def _blank_column(column: pd.Series) -> np.ndarray:
    """True where a cell is empty (None, NaN or only spaces); checked once per distinct value."""
    if isinstance(column.dtype, pd.StringDtype):
        return (column.isna() | column.str.strip().eq("")).to_numpy(dtype=bool, na_value=True)
    codes, uniques = distinct(column)
    flags = np.array([str(u).strip() == "" for u in uniques] + [True], dtype=bool)
    return flags[codes]


def _blank(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: _blank_column(frame[c]) for c in frame.columns}, index=frame.index)


def _sheet(path: Path, source: Grid, kind: str | None) -> RawSheet:
    sheet_name, grid = source.name, source.frame
    place = _place(path, sheet_name)
    head = grid.head(HEADER_SCAN_ROWS)
    head_rows = [[None if pd.isna(v) else v for v in row] for row in head.itertuples(index=False)]
    header_pos = find_header_row(head_rows)
    if header_pos is None:
        raise ReadError(message("read.error.no_header", place=place))
    headers = ["" if v is None else str(v).strip() for v in head_rows[header_pos]]
    if kind is None:
        kind, _ = detect_kind(headers, path.name)
        if kind is None:
            raise ReadError(message("read.error.unknown_register", place=place))
    elif kind not in KINDS:
        raise ReadError(message("read.error.unknown_kind", kind=kind, kinds=", ".join(KINDS)))
    mapping = match_headers(headers, KINDS[kind])
    missing = [f.headers[0] for f in KINDS[kind].fields if f.required and f.name not in mapping.values()]
    ignored = [h for pos, h in enumerate(headers) if pos not in mapping and h]  # columns no field takes
    if missing:
        unknown = ", ".join(map(repr, ignored))
        others_nl, others_en = (f" {t('read.error.unknown_headers', lang, headers=unknown)}" if ignored else ""
                                for lang in ("nl", "en"))
        raise ReadError(message("read.error.missing_columns", place=place, columns=", ".join(map(repr, missing)),
                                row=grid.index[header_pos], others_nl=others_nl, others_en=others_en))
    body = grid.iloc[header_pos + 1:]
    data = body.iloc[:, list(mapping)].copy()
    data.columns = list(mapping.values())
    empty_row = _blank(data).all(axis=1).to_numpy()
    if empty_row.any():
        data, body = data[~empty_row], body[~empty_row]
    too_wide = pd.Series(data.index.isin(source.too_wide), index=data.index, dtype=bool)
    return RawSheet(path, sheet_name, kind, data, ignored, _totals(body), too_wide)


_TOTALS = re.compile(r"^(sub|eind)?(totaal|totalen|total|totals|som|sum)\b", re.IGNORECASE)


def _totals(body: pd.DataFrame) -> pd.Series:
    """True for rows whose first filled cell (of the first two) says 'Totaal', 'Total', 'Som', …"""
    if body.empty:
        return pd.Series(False, index=body.index, dtype=bool)
    first = body.iloc[:, 0]
    flags = _says_total(first)
    if body.shape[1] > 1:
        flags = np.where(_blank_column(first), _says_total(body.iloc[:, 1]), flags)
    return pd.Series(flags, index=body.index, dtype=bool)


def _says_total(column: pd.Series) -> np.ndarray:
    codes, uniques = distinct(column)
    flags = np.array([bool(_TOTALS.match(str(u).strip())) for u in uniques] + [False], dtype=bool)
    return flags[codes]
