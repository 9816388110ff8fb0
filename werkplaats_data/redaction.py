"""Redaction: replace names, addresses and schools before a story leaves the kit.

The redaction list is a CSV kept beside the stories (``redaction.csv``, columns ``term, kind``
and optionally ``replacement``). Every term is replaced wherever it stands as a whole word,
whatever its letter case: "Karel Kanarie" and "karel kanarie" both become "[naam]". Besides the
list, a street name with a house number ("Gaffelstraat 12") is always replaced by "[adres]".

Replacing text changes its length, so character spans (codings) move. ``redact_with_edits``
returns the edits, and ``map_span`` moves a span through them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from werkplaats_data.problems import line, listed, problem

#: What a term of each kind becomes; Dutch, because the kit's stories are read in Dutch first.
REPLACEMENTS = {"person": "[naam]", "address": "[adres]", "school": "[school]", "place": "[plek]"}
KINDS = tuple(REPLACEMENTS)
#: A Dutch street name followed by a house number, e.g. "Kanarievogelstraat 12a" or "Gaffelweg 3-5".
ADDRESS_PATTERN = (
    r"[A-Z][\w'-]*(?:straat|weg|laan|plein|kade|singel|dijk|hof|steeg|gracht|pad|dreef|park)"
    r"\s+\d+(?:\s*[-–]\s*\d+)?[a-zA-Z]?"
)


def empty_list() -> pd.DataFrame:
    """A redaction list with no terms (the address rule still applies)."""
    return pd.DataFrame({"term": pd.Series(dtype=object), "kind": pd.Series(dtype=object),
                         "replacement": pd.Series(dtype=object)})


def read_list(path: str | Path) -> tuple[pd.DataFrame, list[str]]:
    """The redaction list in ``path`` and the problems found in it, as plain sentences.

    A row with an empty term or an unknown kind is left out and reported. An empty
    ``replacement`` takes the standard one for the kind (``REPLACEMENTS``).
    """
    path = Path(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = {"term", "kind"} - set(raw.columns)
    if missing:
        return empty_list(), [problem(path.name, "columns", "ledger_columns", missing=listed(sorted(missing)),
                                      header="term,kind,replacement")]
    if "replacement" not in raw:
        raw["replacement"] = ""
    problems, keep = [], []
    for number, row in enumerate(raw.itertuples(index=False), start=2):
        if not row.term.strip():
            problems.append(problem(line(path.name, number), "term", "empty_term"))
        elif row.kind not in KINDS:
            problems.append(problem(line(path.name, number), "kind", "unknown_kind", value=row.kind, allowed=listed(KINDS)))
        else:
            keep.append({"term": row.term.strip(), "kind": row.kind,
                         "replacement": row.replacement.strip() or REPLACEMENTS[row.kind]})
    return (pd.DataFrame(keep) if keep else empty_list()), problems


def _pattern(terms: pd.DataFrame) -> re.Pattern:
    """One regular expression for all terms (longest first) plus the address rule."""
    alternatives = [re.escape(term) for term in sorted(terms["term"], key=len, reverse=True)]
    words = rf"(?<!\w)(?:{'|'.join(alternatives)})(?!\w)" if alternatives else None
    address = rf"(?<!\w)(?-i:{ADDRESS_PATTERN})(?!\w)"  # case matters: "onderweg 2" is no address
    return re.compile(f"(?P<term>{words})|(?P<address>{address})" if words else f"(?P<address>{address})",
                      re.IGNORECASE)


def redact_with_edits(text: str, terms: pd.DataFrame) -> tuple[str, list[tuple[int, int, int]]]:
    """The redacted text and its edits as (start, end, new length) in the original text's positions."""
    if not isinstance(text, str) or not text:
        return text, []
    lookup = {term.casefold(): replacement for term, replacement in zip(terms["term"], terms["replacement"])}
    pieces, edits, last = [], [], 0
    for match in _pattern(terms).finditer(text):
        new = lookup[match.group().casefold()] if match.lastgroup == "term" else REPLACEMENTS["address"]
        pieces += [text[last:match.start()], new]
        edits.append((match.start(), match.end(), len(new)))
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces), edits


def redact(text: str, terms: pd.DataFrame) -> str:
    """The text with every listed term and every street + house number replaced."""
    return redact_with_edits(text, terms)[0]


def map_span(start: int, end: int, edits: list[tuple[int, int, int]]) -> tuple[int, int]:
    """Move a character span of the original text to the redacted text.

    Each edit before a position shifts it by (new length − old length). A span edge that falls
    inside a replaced term moves to the edge of the replacement, so the span still covers it.
    """
    def move(position: int, *, is_end: bool) -> int:
        shift = 0
        for e_start, e_end, new_length in edits:
            if e_end <= position:
                shift += new_length - (e_end - e_start)
            elif e_start < position:  # inside a replaced term
                return e_start + shift + (new_length if is_end else 0)
        return position + shift

    return move(start, is_end=False), move(end, is_end=True)


def redact_frame(df: pd.DataFrame, terms: pd.DataFrame, *, columns=("title", "quote", "text")) -> pd.DataFrame:
    """A copy of ``df`` with the text columns in ``columns`` (those present) redacted."""
    out = df.copy()
    for column in columns:
        if column in out:
            out[column] = out[column].map(lambda value: redact(value, terms))
    return out
