"""Plain problems for ``werkplaats stories check``: where, which field, what is wrong and what to do.

Each problem is one text: the place (file, and line or story where that helps) and the field,
then the message in Dutch, then the same in English on a second line. The messages live in the
translation table under ``stories.check.<key>``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from werkplaats_data.i18n import t


def problem(where: str, field: str, key: str, **values) -> str:
    """'<where>, <field>: <Dutch>' and '   EN: <English>' below it."""
    return f"{where}, {field}: {t('stories.check.' + key, 'nl', **values)}\n   EN: {t('stories.check.' + key, 'en', **values)}"


def line(file: str, number: int) -> str:
    """The place of a line in a CSV file, counted as a spreadsheet does (the header is line 1)."""
    return f"{file}, regel {number}"


def listed(values) -> str:
    """Allowed values as one readable list."""
    return ", ".join(map(str, values))


def read_csv(path: Path) -> tuple[pd.DataFrame | None, list[str]]:
    """A CSV kept beside the stories, every cell as text; None and the problem when it cannot be read
    (a line with too many cells, not UTF-8, empty)."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8"), []
    except FileNotFoundError:
        raise
    except UnicodeDecodeError:
        return None, [problem(path.name, "file", "not_utf8")]
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        return None, [problem(path.name, "file", "csv_unreadable", detail=str(err).strip().splitlines()[-1])]
