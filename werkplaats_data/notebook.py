"""Small text helpers for the research notebooks: a bullet list and the small-cell rule in words.

Charts and tables are shown with ``charts.show_or_say``; these helpers give the Markdown around them,
so that no number or rule is typed into a notebook cell.
"""

from __future__ import annotations

from IPython.display import Markdown

from werkplaats_data.i18n import t
from werkplaats_data.privacy import MIN_CELL, ROUND_TO


def bullets(items) -> Markdown:
    """The items as a Markdown bullet list, one "- " line each, in the order given."""
    return Markdown("\n".join(f"- {item}" for item in items))


def small_cell_rule(lang: str = "nl") -> Markdown:
    """The small-cell rule of public output in one sentence, its numbers from ``privacy.MIN_CELL`` and ``ROUND_TO``."""
    return Markdown(t("notebooks.small_cell_rule", lang, min_cell=MIN_CELL, round_to=ROUND_TO))
