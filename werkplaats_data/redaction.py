"""Redaction: replace names, addresses and schools before a story leaves the kit.

The redaction list is a CSV kept beside the stories (``redaction.csv``, columns ``term, kind``
and optionally ``replacement``). Every term is replaced wherever it stands as a whole word,
whatever its letter case: "Karel Kanarie" and "karel kanarie" both become "[naam]". Each part of
a person's name counts on its own too where it is written as a name, with a capital ("Karel hielp
me" → "[naam] hielp me"; with "Wil Proef" listed, "ik wil" stays a verb), particles such as 'van'
and 'de' excepted. An Arabic term is also found with a prefix written onto it (و، ف، ب، ل،
ك، ال: "وكارل كناري" → "و[اسم]").

Besides the list, a street name with a house number is always replaced by "[adres]": any
capitalised street word ending in a street suffix (straat, laan, weg, wal, drift, dijk, kade …),
with the capitalised words and particles before it ("Nieuwe Binnenweg 12", "Aert van Nesstraat 3",
"'s-Gravendijkwal 12") and "nr." forms ("Gaffelstraat nr. 12"); in lower case only the suffixes
that do not end ordinary words ("gaffelstraat 14", but not "onderweg 2 uur" or "werkplaats 3").

Replacing text changes its length, so character spans (codings) move. ``redact_with_edits``
returns the edits — the offset map — and ``map_span`` moves a span into the redacted text,
``unmap_span`` back into the original.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pandas as pd

from werkplaats_data.problems import line, listed, problem, read_csv

#: What a term of each kind becomes; Dutch, because the kit's stories are read in Dutch first.
REPLACEMENTS = {"person": "[naam]", "address": "[adres]", "school": "[school]", "place": "[plek]"}
KINDS = tuple(REPLACEMENTS)
#: Street suffixes of Dutch street names (Rotterdam has all of them).
STREET_SUFFIXES = ("straat", "laan", "weg", "plein", "kade", "singel", "dijk", "wal", "drift", "hof", "steeg",
                   "gracht", "dreef", "pad", "park", "plaats", "markt", "haven", "baan", "boulevard", "plantsoen",
                   "hoven", "kanaal", "vest", "dwarsstraat", "poort", "rijweg")
#: The suffixes that also count in lower case: no ordinary word ends in them ("onderweg", "werkplaats" do).
LOWER_CASE_SUFFIXES = ("straat", "laan", "plein", "kade", "singel", "dijk", "wal", "drift", "steeg", "gracht",
                       "dreef", "boulevard", "plantsoen")
#: Capitalised words that start a sentence rather than a street name.
_NOT_STREET_WORDS = ("Ik", "Je", "Jij", "U", "Hij", "Zij", "Ze", "We", "Wij", "Jullie", "De", "Het", "Een", "In", "Op",
                     "Aan", "Bij", "Naar", "Van", "Uit", "Om", "Via", "Langs", "Vanaf", "Tot", "Met", "Voor", "Achter",
                     "Over", "En", "Of", "Maar", "Toen", "Nu", "Dan", "Daar", "Hier", "Mijn", "Onze", "Ons", "Haar",
                     "Zijn", "Hun", "Naast", "Tegenover", "I", "We", "My", "Our", "The", "At", "On", "From", "To", "Near")
#: Small words inside names that are no name on their own ("Karim de Vries", "Sara in 't Veld", "Ali bin Omar",
#: "Amina en Joost"). 'ben' is not among them: Ben is a first name (and "ik ben" stays, as a name part
#: only counts with a capital).
NAME_PARTICLES = frozenset({"van", "de", "der", "den", "het", "ter", "ten", "te", "'t", "'s", "in", "op", "la", "le", "du",
                            "da", "di", "del", "dos", "von", "zu", "al", "el", "bin", "bint", "ibn", "abu", "en", "and",
                            "of", "met", "with", "بن", "بنت", "ابن", "أبو", "ال"})
#: Words after a number that make it an amount, not a house number ("de Werkplaats 3 keer per week").
_AMOUNT_WORDS = ("keer", "uur", "uren", "jaar", "jaren", "maand", "maanden", "week", "weken", "dag", "dagen", "minuten",
                 "mensen", "kinderen", "personen", "euro", "km", "meter", "kilo", "procent", "times", "hours", "years",
                 "months", "weeks", "days", "minutes", "people", "children")
_NUMBER = (r"\s+(?:(?:nr|no|nummer|huisnummer)\.?\s*)?\d+(?:\s*[-–]\s*\d+)?[a-zA-Z]?"
           rf"(?!\w)(?!\s+(?:{'|'.join(_AMOUNT_WORDS)})\b)")
_CAPITAL_WORD = rf"(?:(?!(?:{'|'.join(_NOT_STREET_WORDS)})\b)[A-Z][\w'’.-]*|\d+e)"
_STREET_PREFIX = rf"(?:{_CAPITAL_WORD}\s+(?:(?:van|de|der|den|het|ter|ten|te|'t|’t)\s+)*)*"
ADDRESS_PATTERN = (
    rf"{_STREET_PREFIX}(?:(?:['’]s-|['’]t\s)?[A-Z][\w'’-]*(?:{'|'.join(STREET_SUFFIXES)})"
    rf"|(?<=\s)(?:{'|'.join(s.capitalize() for s in STREET_SUFFIXES)})"  # "Schiedamse Vest": after a word
    rf"|[a-z][\w'’-]*(?:{'|'.join(LOWER_CASE_SUFFIXES)})){_NUMBER}"
)
#: Prefixes written onto an Arabic word: wa-, fa-, bi-, li-, ka-, al- and their combinations.
ARABIC_PREFIX = "وال|فال|بال|كال|لل|وب|ول|وك|فب|فل|فك|و|ف|ب|ل|ك|ال"


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
    raw, problems = read_csv(path)
    if raw is None:
        return empty_list(), problems
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


def with_name_parts(terms: pd.DataFrame) -> pd.DataFrame:
    """The list plus each part of a person's name on its own ("Karel Kanarie", "Kanarie, Karel" →
    "Karel", "Kanarie"), marked ``part``, so a first name or surname alone is replaced too.
    Particles ('van', 'de', 'bin' …) are no parts."""
    known = {term.casefold() for term in terms["term"]}
    parts = []
    for row in terms[terms["kind"] == "person"].itertuples():
        for word in re.split(r"[\s,]+", row.term):
            if len(word) > 1 and word.casefold() not in NAME_PARTICLES and word.casefold() not in known:
                known.add(word.casefold())
                parts.append({"term": word, "kind": "person", "replacement": row.replacement, "part": True})
    whole = terms.assign(part=False)
    return pd.concat([whole, pd.DataFrame(parts, columns=whole.columns)], ignore_index=True) if parts else whole


def _alternative(term: str, part: bool) -> str:
    """A term for the pattern: whole terms in any case, a name part only as a name is written
    (capital first, or all capitals), so "Wil" does not take the verb "wil"."""
    if not part:
        return re.escape(term)
    forms = sorted({term[:1].upper() + term[1:], term.upper()}, key=len, reverse=True)
    return "(?-i:" + "|".join(map(re.escape, forms)) + ")"


def _pattern(terms: pd.DataFrame) -> re.Pattern:
    """One regular expression for all terms (longest first, Arabic prefixes allowed) plus the address rule."""
    parts = terms["part"] if "part" in terms else pd.Series(False, index=terms.index)
    ordered = sorted(zip(terms["term"], parts), key=lambda pair: len(pair[0]), reverse=True)
    alternatives = [_alternative(term, bool(part)) for term, part in ordered]
    words = rf"(?<!\w)(?P<pre>{ARABIC_PREFIX})?(?P<term>{'|'.join(alternatives)})(?!\w)" if alternatives else None
    address = rf"(?<!\w)(?-i:{ADDRESS_PATTERN})(?!\w)"  # case matters: "onderweg 2" is no address
    return re.compile(f"(?P<words>{words})|(?P<address>{address})" if words else f"(?P<address>{address})",
                      re.IGNORECASE)


@functools.lru_cache(maxsize=16)
def _compiled(rows: tuple[tuple[str, str, str], ...]) -> tuple[re.Pattern, dict[str, str]]:
    """The pattern and the replacement per (case-folded) term of one redaction list, made once per list
    (a release redacts hundreds of texts with the same list)."""
    terms = with_name_parts(pd.DataFrame(list(rows), columns=["term", "kind", "replacement"]))
    return _pattern(terms), {term.casefold(): new for term, new in zip(terms["term"], terms["replacement"])}


def redact_with_edits(text: str, terms: pd.DataFrame) -> tuple[str, list[tuple[int, int, int]]]:
    """The redacted text and its edits as (start, end, new length) in the original text's positions."""
    if not isinstance(text, str) or not text:
        return text, []
    pattern, lookup = _compiled(tuple(zip(terms["term"], terms["kind"], terms["replacement"])))
    pieces, edits, last = [], [], 0
    for match in pattern.finditer(text):
        if match.group("address") is not None:
            start, new = match.start(), REPLACEMENTS["address"]
        else:  # an Arabic prefix stays: it is a word like "and" or "with", not part of the name
            start, new = match.start("term"), lookup[match.group("term").casefold()]
        pieces += [text[last:start], new]
        edits.append((start, match.end(), len(new)))
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


def unmap_span(start: int, end: int, edits: list[tuple[int, int, int]]) -> tuple[int, int]:
    """Move a character span of the redacted text back to the original text (``map_span`` reversed).

    A span edge inside a replacement ("[naam]") moves to the edge of the original term, so the
    span still covers the whole name.
    """
    def move(position: int, *, is_end: bool) -> int:
        shift = 0  # original position − redacted position, so far
        for e_start, e_end, new_length in edits:
            r_start = e_start - shift  # where this replacement starts in the redacted text
            if r_start + new_length <= position:
                shift += (e_end - e_start) - new_length
            elif r_start < position:  # inside a replacement
                return e_end if is_end else e_start
            else:
                break
        return position + shift

    return move(start, is_end=False), move(end, is_end=True)


def redact_frame(df: pd.DataFrame, terms: pd.DataFrame, *, columns=("title", "quote", "text")) -> pd.DataFrame:
    """A copy of ``df`` with the text columns in ``columns`` (those present) redacted."""
    out = df.copy()
    for column in columns:
        if column in out:
            out[column] = out[column].map(lambda value: redact(value, terms))
    return out
