"""The short, readable report of a cleaning run: rows in, released and quarantined, per file and reason.

Two versions: one for the release folder (counts and reasons only — no cell values, so no names),
and one beside the quarantine for the coordinator (the same, plus where to look).
"""

from __future__ import annotations

import re

import pandas as pd

from werkplaats_data.errors import message
from werkplaats_data.i18n import t


def reason_summary(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Quarantined cells per file and reason, with the quoted values taken out of the reasons."""
    if quarantine.empty:
        return pd.DataFrame(columns=["file", "column", "reason_nl", "reason_en", "rows"])
    generic = quarantine.assign(
        reason_nl=quarantine["reason_nl"].str.replace(r"'[^']*'", "'…'", regex=True),
        reason_en=quarantine["reason_en"].str.replace(r"'[^']*'", "'…'", regex=True),
    )
    return (generic.groupby(["file", "column", "reason_nl", "reason_en"])["row"].nunique()
            .rename("rows").reset_index().sort_values(["file", "rows"], ascending=[True, False]))


def report_text(counts: pd.DataFrame, quarantine: pd.DataFrame, skipped: list[str], *,
                quarantine_path: str | None = None, demo: bool = False, notes: list[str] | None = None) -> str:
    """A plain-text report (Markdown) of one cleaning run; ``skipped`` are files and sheets not read,
    ``notes`` what else the reader should know (e.g. a missing activities register)."""
    lines = [f"# {message('cleaning_report.heading.title')}", ""]
    if demo:
        lines += [message("cleaning_report.demo"), ""]
    totals = {"rows_in": int(counts["rows_in"].sum()), "released": int(counts["rows_released"].sum()),
              "quarantined": int(counts["rows_quarantined"].sum())}
    lines += [t("cleaning_report.totals", "nl", **totals), t("cleaning_report.totals", "en", **totals), ""]
    if int(counts["unaccounted"].abs().sum()):
        lines += [message("cleaning_report.warning.unaccounted"), ""]
    lines += [_cells(message("cleaning_report.column.file"), message("cleaning_report.column.sheet"),
                     message("cleaning_report.column.kind"), message("cleaning_report.column.rows_in"),
                     message("cleaning_report.column.released"), message("cleaning_report.column.quarantined")),
              "| --- | --- | --- | ---: | ---: | ---: |"]
    for r in counts.itertuples(index=False):
        lines.append(_cells(r.file, r.sheet, r.kind, r.rows_in, r.rows_released, r.rows_quarantined))
    if skipped:
        lines += ["", f"## {message('cleaning_report.heading.not_read')}", ""] + [f"- {s}" for s in skipped]
    if notes:
        lines += ["", f"## {message('cleaning_report.heading.notes')}", ""] + [f"- {n}" for n in notes]
    summary = reason_summary(quarantine)
    if len(summary):
        lines += ["", f"## {message('cleaning_report.heading.reasons')}", "",
                  _cells(message("cleaning_report.column.file"), message("cleaning_report.column.column"),
                         t("cleaning_report.column.reason", "nl"), t("cleaning_report.column.reason", "en"),
                         message("cleaning_report.column.rows")),
                  "| --- | --- | --- | --- | ---: |"]
        for r in summary.itertuples(index=False):
            lines.append(_cells(r.file, r.column, _md(r.reason_nl), _md(r.reason_en), r.rows))
    if quarantine_path:
        lines += ["", f"{message('cleaning_report.footer.where')}: `{quarantine_path}`",
                  message("cleaning_report.footer.fix")]
    return "\n".join(lines) + "\n"


def _cells(*cells: object) -> str:
    """One row of a Markdown table."""
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _md(text: str) -> str:
    return re.sub(r"\|", "/", text)
