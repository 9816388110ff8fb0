"""A data release: one Parquet and one CSV per canonical table, plus ``datapackage.json``.

``load_release(path)`` gives a ``Release`` whose attributes are DataFrames (``r.sessions``).
With no path it uses ``WERKPLAATS_DATA`` when set, else the built-in demo release, built from
the synthetic registers on first use and cached in the user's cache folder.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from werkplaats_data import schemas
from werkplaats_data.errors import message

DATAPACKAGE = "datapackage.json"
LICENCE = {"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}
_FRICTIONLESS_TYPES = {"string": "string", "time": "time", "date": "date", "float": "number", "int": "integer",
                       "bool": "boolean"}


@dataclass
class Release:
    """The tables of one release, as DataFrames, and what ``datapackage.json`` says about them."""

    path: Path
    tables: dict[str, pd.DataFrame]
    metadata: dict = field(default_factory=dict)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if name in schemas.TABLES:
            return schemas.empty_table(name)
        raise AttributeError(name)

    @property
    def is_demo(self) -> bool:
        """True when the release was built from the synthetic demo registers."""
        return bool(self.metadata.get("demo", False))

    def has(self, table: str) -> bool:
        """True when the release holds this table with at least one row."""
        return table in self.tables and len(self.tables[table]) > 0


def _field(column: schemas.Column) -> dict:
    out = {
        "name": column.name,
        "type": _FRICTIONLESS_TYPES[column.dtype],
        "title": column.label_en,
        "description": column.description_en,
        "title_nl": column.label_nl,
        "description_nl": column.description_nl,
        "constraints": {"required": not column.nullable},
    }
    if column.allowed:
        out["constraints"]["enum"] = list(schemas.allowed_values(column))
    if column.dtype == "time":
        out["format"] = "%H:%M"
    if column.unique:
        out["constraints"]["unique"] = True
    return out


def _generic_field(name: str, series: pd.Series) -> dict:
    kind = "number" if pd.api.types.is_numeric_dtype(series) else "string"
    return {"name": name, "type": kind}


def _foreign_keys(name: str, tables: dict) -> list[dict]:
    """Frictionless foreign keys of a table, for the referenced tables that are in the release.

    A value in the column's ``also_allowed`` (the Ruilpunt's own account) is no reference; the key
    says so under ``exceptions`` (the kit's own property), as Frictionless has no word for it.
    """
    keys = []
    for table, column, ref_table, ref_column in schemas.references():
        if table == name and ref_table in tables:
            key = {"fields": column, "reference": {"resource": ref_table, "fields": ref_column}}
            if also := schemas.column(table, column).also_allowed:
                key["exceptions"] = list(also)
            keys.append(key)
    return keys


def _file_facts(path: Path) -> dict:
    import hashlib

    data = path.read_bytes()
    return {"bytes": len(data), "hash": "sha256:" + hashlib.sha256(data).hexdigest()}


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    """The CSV copy of a table, dates as YYYY-MM-DD; written by pyarrow (seconds faster on a million rows)."""
    import pyarrow as pa
    import pyarrow.csv as pv

    table = pa.Table.from_pandas(df, preserve_index=False)
    as_dates = pa.schema([pa.field(f.name, pa.date32()) if pa.types.is_timestamp(f.type)
                          else pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type) else f
                          for f in table.schema])
    pv.write_csv(table.cast(as_dates, safe=False), path)


def write_release(tables: dict[str, pd.DataFrame], out: Path, *, sources: dict[str, list[dict]] | None = None,
                  demo: bool = False, extra: dict | None = None) -> Path:
    """Write tables as Parquet + CSV and a Frictionless ``datapackage.json``; returns ``out``.

    Each resource has its fields (types, NL/EN titles and descriptions, constraints), ``primaryKey``
    and ``foreignKeys``, the CSV's ``bytes`` and ``hash``, and its row count as ``stats.rows``
    (as the Frictionless framework writes it; ``count_of_rows`` is kept for older readers).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sources = sources or {}
    resources = []
    for name, df in tables.items():
        df.to_parquet(out / f"{name}.parquet", index=False)
        _write_csv(df, out / f"{name}.csv")
        spec = schemas.TABLES.get(name)
        fields = [_field(c) for c in spec.columns] if spec else [_generic_field(c, df[c]) for c in df.columns]
        resource = {
            "name": name,
            "path": f"{name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "description": spec.description_en if spec else "",
            "description_nl": spec.description_nl if spec else "",
            "schema": {"fields": fields},
            **_file_facts(out / f"{name}.csv"),
            "stats": {"rows": int(len(df))},
            "count_of_rows": int(len(df)),
            "sources": sources.get(name, []),
        }
        if spec and spec.key:
            resource["schema"]["primaryKey"] = list(spec.key)
        if spec and (keys := _foreign_keys(name, tables)):
            resource["schema"]["foreignKeys"] = keys
        resources.append(resource)
    package = {
        "profile": "data-package",
        "name": "werkplaats-duurzaam-release",
        "title": "Werkplaats Duurzaam – data release" + (" (voorbeelddata / demo data)" if demo else ""),
        "description": "Clean, pseudonymised registers of Werkplaats Duurzaam, Aktiegroep Het Oude Westen, Rotterdam.",
        "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "licenses": [LICENCE],
        "demo": demo,
        "resources": resources,
        **(extra or {}),
    }
    (out / DATAPACKAGE).write_text(json.dumps(package, indent=2, ensure_ascii=False), encoding="utf-8")
    return out


def _read_table(path: Path, name: str) -> pd.DataFrame:
    df = pd.read_parquet(path / f"{name}.parquet")
    spec = schemas.TABLES.get(name)
    if spec:  # Parquet keeps types; make strings plain object columns as the schemas expect
        for c in spec.columns:
            if c.dtype in schemas.TEXT_TYPES and c.name in df:
                df[c.name] = df[c.name].astype(object).where(df[c.name].notna(), None)
    return df


def load_release(path: str | os.PathLike | None = None, *, tables: Iterable[str] | None = None) -> Release:
    """Load a release folder; with no path, ``WERKPLAATS_DATA`` or else the built-in demo release.

    ``tables``: read only these (those the release has), e.g. what a kiosk screen shows; default all.
    """
    if path is None:
        path = os.environ.get("WERKPLAATS_DATA") or demo_release_path()
    path = Path(path)
    meta_file = path / DATAPACKAGE
    if not meta_file.exists():
        raise FileNotFoundError(message("release.error.not_a_release", path=path, file=DATAPACKAGE))
    metadata = json.loads(meta_file.read_text(encoding="utf-8"))
    wanted = None if tables is None else set(tables)
    read = {res["name"]: _read_table(path, res["name"]) for res in metadata["resources"]
            if (wanted is None or res["name"] in wanted) and (path / f"{res['name']}.parquet").exists()}
    return Release(path=path, tables=read, metadata=metadata)


def cache_dir() -> Path:
    """Where the kit caches the demo release (``WERKPLAATS_CACHE`` or ~/.cache/werkplaats)."""
    base = os.environ.get("WERKPLAATS_CACHE") or os.path.join(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"), "werkplaats")
    return Path(base)


def _code_fingerprint() -> str:
    """A short hash of the code and data that make the demo release, so a change rebuilds it."""
    import hashlib

    package = Path(__file__).parent
    makers = ["demo.py", "pipeline.py", "clean.py", "read.py", "registers.py", "schemas.py", "privacy.py",
              "release.py", "repair.py", "stories.py", "consent.py", "redaction.py", "coding.py",
              "data/survey_items.csv"]
    digest = hashlib.sha256()
    stories = package.parent / "stories" / "demo"
    extra = [*(package / "data" / "ords").glob("*"), *(stories.glob("*") if stories.is_dir() else [])]
    for path in sorted([package / m for m in makers] + extra):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def demo_release_path() -> Path:
    """The demo release folder, built from the synthetic registers if it is not there yet."""
    from werkplaats_data.pipeline import build_demo_release

    target = cache_dir() / f"demo-release-{_code_fingerprint()}"
    if not (target / DATAPACKAGE).exists():
        # build beside the target and rename: two processes building at once never see half a release
        target.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=target.parent, prefix=".building-") as tmp:
            build_demo_release(Path(tmp) / "release")
            try:
                os.rename(Path(tmp) / "release", target)
            except OSError:
                if not (target / DATAPACKAGE).exists():
                    raise
    return target
