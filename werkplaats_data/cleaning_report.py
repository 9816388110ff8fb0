"""The short, readable report of a cleaning run: rows in, released and quarantined, per file and reason.

Two versions: one for the release folder (counts and reasons only — no cell values, so no names),
and one beside the quarantine for the coordinator (the same, plus where to look).
"""

from __future__ import annotations

import re

import pandas as pd


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
    lines = ["# Schoonmaakrapport / Cleaning report", ""]
    if demo:
        lines += ["**Voorbeelddata / demo data** – verzonnen registers.", ""]
    total_in, total_out, total_q = (int(counts[c].sum()) for c in ("rows_in", "rows_released", "rows_quarantined"))
    lines += [f"Regels in: {total_in} · vrijgegeven: {total_out} · in quarantaine: {total_q}",
              f"Rows in: {total_in} · released: {total_out} · quarantined: {total_q}", ""]
    if int(counts["unaccounted"].abs().sum()):
        lines += ["**LET OP / WARNING**: some rows are not accounted for — this is a bug in the kit; please report it.", ""]
    lines += ["| bestand / file | blad / sheet | soort / kind | in | vrijgegeven / released | quarantaine |",
              "| --- | --- | --- | ---: | ---: | ---: |"]
    for r in counts.itertuples(index=False):
        lines.append(f"| {r.file} | {r.sheet} | {r.kind} | {r.rows_in} | {r.rows_released} | {r.rows_quarantined} |")
    if skipped:
        lines += ["", "## Niet gelezen / Not read", ""] + [f"- {s}" for s in skipped]
    if notes:
        lines += ["", "## Let op / Note", ""] + [f"- {n}" for n in notes]
    summary = reason_summary(quarantine)
    if len(summary):
        lines += ["", "## Redenen / Reasons", "", "| bestand / file | kolom / column | reden | reason | regels / rows |",
                  "| --- | --- | --- | --- | ---: |"]
        for r in summary.itertuples(index=False):
            lines.append(f"| {r.file} | {r.column} | {_md(r.reason_nl)} | {_md(r.reason_en)} | {r.rows} |")
    if quarantine_path:
        lines += ["", f"De regels zelf staan in / The rows themselves are in: `{quarantine_path}`",
                  "Verbeter ze in het register en draai `werkplaats clean` opnieuw. / Fix them in the register and run "
                  "`werkplaats clean` again."]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return re.sub(r"\|", "/", text)
