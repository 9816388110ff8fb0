"""Errors meant for a volunteer: one plain sentence naming where and what to do, never a traceback.

Their words live in the translation table (``data/i18n.csv``) like every other text a volunteer
reads: ``message(key, **values)`` gives the Dutch text, then the English one.
"""

from werkplaats_data.i18n import t


def message(key: str, **values) -> str:
    """The message ``key`` from the translation table as 'Dutch / English', with ``{name}`` values filled in."""
    return f"{t(key, 'nl', **values)} / {t(key, 'en', **values)}"


class UserError(Exception):
    """Something the user can fix; the message says what happened, where, and what to do."""
