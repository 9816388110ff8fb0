"""Werkplaats Duurzaam data kit: from volunteers' registers to a clean, pseudonymised release.

    import werkplaats_data as wd
    r = wd.load_release()          # the built-in demo release
    r.sessions.head()
"""

from werkplaats_data.facts import facts
from werkplaats_data.release import Release, load_release

__all__ = ["Release", "facts", "load_release"]
__version__ = "0.1.0"
