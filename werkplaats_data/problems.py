"""Plain problems for ``werkplaats stories check``: where, which field, what is wrong and what to do.

Each problem is one text: the place (file, and line or story where that helps) and the field,
then the message in Dutch, then the same in English on a second line. The messages live in the
translation table under ``stories.check.<key>``.
"""

from __future__ import annotations

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
