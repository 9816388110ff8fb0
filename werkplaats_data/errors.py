"""Errors meant for a volunteer: one plain sentence naming where and what to do, never a traceback."""


class UserError(Exception):
    """Something the user can fix; the message says what happened, where, and what to do."""
