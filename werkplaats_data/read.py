"""Read volunteers' registers (CSV, XLSX, ODS) into raw tables, one per sheet.

What the reader does, in order:
1. format from the file's first bytes (zip → XLSX or ODS; OLE → password-protected or old .xls);
   CSV encoding (UTF-8, UTF-8 with BOM, else Windows-1252) and delimiter (; , tab |) sniffed;
2. every sheet of a workbook is considered; merged cells in XLSX take the merged value;
3. the header row is found below title rows (the row with the most known headers);
4. empty rows and columns are dropped; totals rows ('Totaal', 'Total', …) are marked;
5. the register kind comes from the headers and the file name (``kind=`` overrides).
Values stay raw (text or what the spreadsheet stored); cleaning is ``werkplaats_data.clean``'s job.
Row numbers are kept as the volunteer sees them in the spreadsheet (1 = first line).
"""

from __future__ import annotations

import csv
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from werkplaats_data.errors import UserError
from werkplaats_data.registers import KINDS, SURVEY_ITEM, RegisterKind, header_key

SUPPORTED = (".csv", ".txt", ".xlsx", ".xlsm", ".ods")
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

    @property
    def where(self) -> str:
        return f"{self.file.name}" + (f", blad '{self.sheet}'" if self.sheet else "")


# --- formats -------------------------------------------------------------------------------------

def sniff_format(path: Path) -> str:
    """'csv', 'xlsx' or 'ods' from the file's content (the extension can lie)."""
    head = path.read_bytes()[:8] if path.stat().st_size < 8 else path.open("rb").read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(f"{path.name}: dit bestand is beveiligd met een wachtwoord of is een oud .xls-bestand. "
                        "Open het, haal het wachtwoord weg en sla op als .xlsx of .ods. / "
                        "password-protected or old .xls: remove the password and save as .xlsx or .ods.")
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile:
            raise ReadError(f"{path.name}: het bestand is beschadigd; sla het opnieuw op. / the file is damaged; save it again.") from None
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        raise ReadError(f"{path.name}: onbekend soort bestand; sla op als .xlsx, .ods of .csv. / unknown kind of file.")
    if path.suffix.lower() not in (".csv", ".txt"):
        raise ReadError(f"{path.name}: onbekend soort bestand; sla op als .xlsx, .ods of .csv. / "
                        "unknown kind of file; save as .xlsx, .ods or .csv.")
    return "csv"


def sniff_encoding(sample: bytes) -> str:
    """'utf-8-sig' when the sample decodes as UTF-8 (with or without BOM), else 'cp1252'."""
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

def read_register(path: str | Path, *, kind: str | None = None) -> list[RawSheet]:
    """Every readable sheet of a register file; raises ``ReadError`` if the file cannot be read at all.

    Sheets that look like no register (an instructions sheet, say) are left out.
    """
    path = Path(path)
    if not path.exists():
        raise ReadError(f"{path}: bestand niet gevonden / file not found")
    if path.stat().st_size == 0:
        raise ReadError(f"{path.name}: het bestand is leeg; vul het register in of haal het weg. / the file is empty.")
    fmt = sniff_format(path)
    grids = {"csv": _csv_grid, "xlsx": _xlsx_grids, "ods": _ods_grids}[fmt](path)
    sheets = []
    problems = []
    for sheet_name, grid in grids:
        try:
            sheets.append(_sheet(path, sheet_name, grid, kind))
        except ReadError as err:
            problems.append(str(err))
    if not sheets:
        raise ReadError(problems[0] if problems else f"{path.name}: geen gegevens gevonden / no data found")
    return sheets


def _csv_grid(path: Path) -> list[tuple[str | None, pd.DataFrame]]:
    with path.open("rb") as fh:
        sample = fh.read(256 * 1024)
    encoding = sniff_encoding(sample)
    text_sample = sample.decode(encoding, errors="replace")
    head_lines = text_sample.splitlines()[:HEADER_SCAN_ROWS]
    delimiter = sniff_delimiter("\n".join(head_lines))
    fast = _csv_grid_arrow(path, encoding, delimiter, head_lines)
    if fast is not None:
        return [(None, fast)]
    width = max((len(r) for r in csv.reader(head_lines, delimiter=delimiter)), default=1)
    options = dict(sep=delimiter, header=None, names=range(width), dtype=str, keep_default_na=False,
                   na_values=[""], skip_blank_lines=False, engine="c", index_col=False,
                   on_bad_lines="error")  # short title rows are padded; longer rows are an error
    try:
        frame = pd.read_csv(path, encoding=encoding, **options)
    except UnicodeDecodeError:
        frame = pd.read_csv(path, encoding="cp1252", **options)
    except pd.errors.ParserError as err:
        raise ReadError(f"{path.name}: de regels hebben niet evenveel kolommen ({err}). "
                        "Open het in een spreadsheet en sla opnieuw op als CSV. / rows have different numbers of columns.") from None
    except pd.errors.EmptyDataError:
        raise ReadError(f"{path.name}: het bestand is leeg. / the file is empty.") from None
    frame.index = frame.index + 1  # spreadsheet row numbers
    return [(None, frame)]


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
    import pyarrow.compute as pc

    raw = column.chunk(0).dictionary.to_pylist() if column.num_chunks else []
    remap, categories = pd.factorize(pd.Index([_decode(v, encoding) for v in raw], dtype=object))
    indices = np.concatenate([pc.fill_null(c.indices, -1).to_numpy() for c in column.chunks] or [np.array([], int)])
    codes = np.where(indices >= 0, remap[np.maximum(indices, 0)] if len(remap) else -1, -1)
    return pd.Categorical.from_codes(codes, categories=categories)


def _decode(value: bytes, encoding: str) -> str:
    try:
        return value.decode(encoding)
    except UnicodeDecodeError:
        return value.decode("cp1252", errors="replace")


def _xlsx_grids(path: Path) -> list[tuple[str | None, pd.DataFrame]]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a broken file
        raise ReadError(f"{path.name}: kan dit Excel-bestand niet openen ({type(err).__name__}); "
                        "sla het opnieuw op als .xlsx. / cannot open this Excel file; save it again.") from None
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
        grids.append((ws.title, frame))
    return grids


def _ods_grids(path: Path) -> list[tuple[str | None, pd.DataFrame]]:
    try:
        book = pd.read_excel(path, engine="odf", sheet_name=None, header=None, dtype=object)
    except Exception as err:
        raise ReadError(f"{path.name}: kan dit LibreOffice-bestand niet openen ({type(err).__name__}); "
                        "sla het opnieuw op als .ods. / cannot open this ODS file; save it again.") from None
    grids = []
    for name, frame in book.items():
        frame.index = frame.index + 1
        grids.append((name, frame))
    return grids


def _blank_column(column: pd.Series) -> np.ndarray:
    """True where a cell is empty (None, NaN or only spaces); checked once per distinct value."""
    if isinstance(column.dtype, pd.StringDtype):
        return (column.isna() | column.str.strip().eq("")).to_numpy(dtype=bool, na_value=True)
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    flags = np.array([str(u).strip() == "" for u in uniques] + [True], dtype=bool)
    return flags[codes]


def _blank(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({c: _blank_column(frame[c]) for c in frame.columns}, index=frame.index)


def _sheet(path: Path, sheet_name: str | None, grid: pd.DataFrame, kind: str | None) -> RawSheet:
    where = path.name + (f", blad '{sheet_name}'" if sheet_name else "")
    head = grid.head(HEADER_SCAN_ROWS)
    head_rows = [[None if pd.isna(v) else v for v in row] for row in head.itertuples(index=False)]
    header_pos = find_header_row(head_rows)
    if header_pos is None:
        raise ReadError(f"{where}: geen kopregel gevonden met bekende kolomnamen (zoals 'Datum', 'Naam'). "
                        "Gebruik een sjabloon van 'werkplaats templates'. / no header row with known column names.")
    headers = ["" if v is None else str(v).strip() for v in head_rows[header_pos]]
    if kind is None:
        kind, _ = detect_kind(headers, path.name)
        if kind is None:
            raise ReadError(f"{where}: niet herkend welk register dit is. Geef het aan met --kind. / "
                            "cannot tell which register this is; name it with --kind.")
    elif kind not in KINDS:
        raise ReadError(f"--kind {kind}: onbekend; kies uit {', '.join(KINDS)} / unknown kind")
    mapping = match_headers(headers, KINDS[kind])
    missing = [f.headers[0] for f in KINDS[kind].fields if f.required and f.name not in mapping.values()]
    if missing:
        raise ReadError(f"{where}: kolom {', '.join(repr(m) for m in missing)} ontbreekt in de kopregel (regel "
                        f"{grid.index[header_pos]}). Voeg die kolom toe. / column(s) {', '.join(missing)} missing.")
    body = grid.iloc[header_pos + 1:]
    data = body.iloc[:, list(mapping)].copy()
    data.columns = list(mapping.values())
    empty_row = _blank(data).all(axis=1).to_numpy()
    if empty_row.any():
        data, body = data[~empty_row], body[~empty_row]
    ignored = [h for pos, h in enumerate(headers) if pos not in mapping and h]
    return RawSheet(path, sheet_name, kind, data, ignored, _totals(body))


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
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    flags = np.array([bool(_TOTALS.match(str(u).strip())) for u in uniques] + [False], dtype=bool)
    return flags[codes]
