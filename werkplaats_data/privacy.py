"""Privacy: keyed pseudonyms for people, and the small-cell rule for anything public.

Pseudonyms are HMAC-SHA256 of the normalised name with a secret key kept outside the repository
(EDPB Guidelines 01/2025; ENISA 2019: plain hashes of names are easy to reverse). The key is made
on first use in the user's config folder (``~/.config/werkplaats/pseudonym.key``, or the path in
``WERKPLAATS_KEY_FILE``); lose it and new releases get new pseudonyms, share it and pseudonyms can
be linked to names by whoever has the list of names.

Small-cell rule (REFERENCES.md §7, after CBS microdata practice): a public count below 10 is
suppressed, other counts are rounded to 5, percentages only on a base of 10 or more.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from werkplaats_data.clean import normalise_name
from werkplaats_data.errors import UserError, message
from werkplaats_data.i18n import format_number, t

KEY_BYTES = 32
MIN_CELL = 10
ROUND_TO = 5
#: Set to "1" by ``werkplaats report`` when it executes the research notebooks for a public report.
PUBLIC_ENV = "WERKPLAATS_PUBLIC"


def key_path() -> Path:
    """Where the secret pseudonym key lives (``WERKPLAATS_KEY_FILE`` or the user's config folder)."""
    if os.environ.get("WERKPLAATS_KEY_FILE"):
        return Path(os.environ["WERKPLAATS_KEY_FILE"])
    config = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(config) / "werkplaats" / "pseudonym.key"


def load_key(path: Path | None = None, *, create: bool = True) -> bytes:
    """The secret key; made on first use (with a message saying where), never stored in the repository."""
    path = Path(path) if path else key_path()
    if path.exists():
        try:
            key = bytes.fromhex(path.read_text(encoding="ascii").strip())
        except (ValueError, UnicodeDecodeError):
            raise UserError(message("privacy.error.key_damaged", path=path)) from None
        except OSError as err:
            raise UserError(message("privacy.error.key_unreadable", path=path, reason=err.strerror)) from None
        if len(key) < 16:
            raise UserError(message("privacy.error.key_damaged", path=path))
        return key
    if not create:
        raise UserError(message("privacy.error.no_key", path=path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_bytes(KEY_BYTES)
    path.write_text(key.hex() + "\n")
    path.chmod(0o600)
    print(message("privacy.key_created", path=path), file=sys.stderr)
    return key


def hmac_sha256(key: bytes, data: bytes) -> str:
    """HMAC-SHA256 as hex (RFC 2104; checked against RFC 4231 test case 1 in the tests)."""
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def _pseudonym_of(normal: str, key: bytes, prefix: str) -> str:
    """The pseudonym of a normalised name: the prefix and the first 16 hex digits of its HMAC."""
    return f"{prefix}_{hmac_sha256(key, normal.encode('utf-8'))[:16]}"


def pseudonym(name: object, key: bytes, *, prefix: str = "p") -> str | None:
    """A stable pseudonym like 'p_1a2b3c4d5e6f7a8b' for a name, or None for an empty name.

    The name is normalised first (case, spacing, accents, 'Last, First'), so 'Jan de Vries',
    ' jan  de vries' and 'Vries, Ján de' get the same pseudonym.
    """
    normal = normalise_name(name)
    if normal is None:
        return None
    return _pseudonym_of(normal, key, prefix)


def pseudonymise(names: pd.Series, key: bytes, *, prefix: str = "p",
                 account: Callable[[str], str | None] | None = None) -> pd.Series:
    """Pseudonyms for a column of names (a Categorical: a few thousand people over a million rows cost
    one code per row): each distinct name is normalised once, each distinct
    normal form hashed once (variants of one name share the work as they share the pseudonym).

    ``account(normal_name)`` may give a fixed id for a name that is no person (the Ruilpunt's own account).
    """
    from werkplaats_data.clean import distinct, take

    codes, uniques = distinct(names)
    normals = [normalise_name(n) for n in uniques]
    ids: dict[str | None, str | None] = {None: None}
    for normal in dict.fromkeys(normals):
        if normal is not None:
            ids[normal] = (account and account(normal)) or _pseudonym_of(normal, key, prefix)
    return take([ids[n] for n in normals] + [None], codes, names.index, "category")


# --- small cells ---------------------------------------------------------------------------------

def public_mode(value: bool | None = None) -> bool:
    """Whether output is public (small-cell rule, no pseudonyms, public story consent only).

    ``value`` wins when given; otherwise ``WERKPLAATS_PUBLIC=1`` in the environment means public.
    A notebook's ``parameters`` cell holds ``public = None``, so a student sees everything the
    research release allows and ``werkplaats report`` turns the same notebook into a public page.
    """
    if value is not None:
        return bool(value)
    return os.environ.get(PUBLIC_ENV, "") == "1"


def safe_count(count: float | int | None, *, min_cell: int = MIN_CELL, round_to: int = ROUND_TO) -> int | None:
    """A count fit to publish: None (suppressed) below ``min_cell``, else rounded to ``round_to``."""
    if count is None or pd.isna(count) or count < min_cell:
        return None
    return int(round_to * round(float(count) / round_to))


def count_text(count: float | int | None, lang: str = "nl", *, public: bool, decimals: int = 0) -> str:
    """A count of people to read. Public: 0 is "geen", 1–9 "minder dan 10", the rest rounded to 5
    (``safe_count``); research: the count itself (with ``decimals``). No count at all is "–"."""
    if count is None or pd.isna(count):
        return "–"
    if not public:
        return format_number(count, lang, decimals)
    if count == 0:
        return t("small_cell.none", lang)
    safe = safe_count(count)
    return t("small_cell.suppressed", lang, min_cell=MIN_CELL) if safe is None else format_number(safe, lang)


def small_cell(table: pd.DataFrame, count_columns: str | list[str], *, min_cell: int = MIN_CELL,
               round_to: int = ROUND_TO) -> pd.DataFrame:
    """The table with counts below ``min_cell`` suppressed (NA) and the rest rounded to ``round_to``.

    When exactly one cell of a column is suppressed, and the column has a total elsewhere, the
    missing value could be worked back from the total; rounding every other count to 5 stops that.
    """
    columns = [count_columns] if isinstance(count_columns, str) else list(count_columns)
    out = table.copy()
    for col in columns:
        out[col] = pd.array([safe_count(v, min_cell=min_cell, round_to=round_to) for v in out[col]], dtype="Int64")
    return out


def safe_share(part: float, base: float, *, min_cell: int = MIN_CELL) -> float | None:
    """A share part/base fit to publish, or None.

    Rule: only when the part and the rest (base − part) both hold at least ``min_cell``; a share of
    a small group, or of all but a few, gives that small count back (1 of 15 → 1/15).
    """
    if any(v is None or pd.isna(v) for v in (part, base)):
        return None
    if part < min_cell or base - part < min_cell:
        return None
    return float(part) / float(base)
