"""The notebooks' text helpers: a bullet list, and the small-cell rule said from privacy's numbers."""

from werkplaats_data import notebook, privacy


def test_bullets_make_one_markdown_line_per_item():
    assert notebook.bullets(["één", "two"]).data == "- één\n- two"
    assert notebook.bullets([]).data == ""


def test_small_cell_rule_takes_its_numbers_from_privacy(monkeypatch):
    assert "onder de 10" in notebook.small_cell_rule("nl").data and "afronden op 5" not in notebook.small_cell_rule("nl").data
    assert "ronden we af op 5" in notebook.small_cell_rule("nl").data
    monkeypatch.setattr(notebook, "MIN_CELL", 15)
    monkeypatch.setattr(notebook, "ROUND_TO", 10)
    text = notebook.small_cell_rule("en").data
    assert "below 15" in text and "rounded to 10" in text and "at least 15" in text
    assert privacy.MIN_CELL == 10  # the module's own value is untouched
