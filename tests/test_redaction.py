"""Redaction: terms, the address rule, and spans that follow the replaced text."""

import pandas as pd

from werkplaats_data import redaction

TERMS = pd.DataFrame({"term": ["Karel Kanarie", "كارل كناري", "OBS De Kanariepiet"],
                      "kind": ["person", "person", "school"],
                      "replacement": ["[naam]", "[naam]", "[school]"]})


def test_terms_are_replaced_whatever_the_case_but_only_as_whole_words():
    text = "karel kanarie hielp. KAREL KANARIE ook. Karel Kanariesen niet."
    assert redaction.redact(text, TERMS) == "[naam] hielp. [naam] ook. Karel Kanariesen niet."


def test_arabic_names_and_schools_are_replaced():
    assert redaction.redact("ساعدني كارل كناري اليوم", TERMS) == "ساعدني [naam] اليوم"
    assert redaction.redact("Op OBS De Kanariepiet.", TERMS) == "Op [school]."


def test_street_with_house_number_is_always_replaced_but_not_ordinary_words():
    text = "Ik woon op de Gaffelstraat 12a, onderweg 2 uur, de Gaffelstraat zelf mag."
    assert redaction.redact(text, redaction.empty_list()) == "Ik woon op de [adres], onderweg 2 uur, de Gaffelstraat zelf mag."


def test_spans_move_with_the_replacement():
    text = "Ik zag Karel Kanarie gisteren"  # name at 7..20 (13 characters) becomes [naam] (6): shift −7
    new, edits = redaction.redact_with_edits(text, TERMS)
    assert new == "Ik zag [naam] gisteren"
    assert edits == [(7, 20, 6)]
    assert redaction.map_span(21, 29, edits) == (14, 22)
    assert new[14:22] == "gisteren"
    assert redaction.map_span(0, 2, edits) == (0, 2)
    # a span that ends inside the name is widened to cover the whole replacement
    assert redaction.map_span(3, 10, edits) == (3, 13)
    assert new[3:13] == "zag [naam]"


def test_read_list_names_bad_lines(tmp_path):
    path = tmp_path / "redaction.csv"
    path.write_text("term,kind,replacement\nKarel,person,\n,person,\nDe Wijk,village,\n", encoding="utf-8")
    terms, problems = redaction.read_list(path)
    assert list(terms["term"]) == ["Karel"]
    assert terms["replacement"].iloc[0] == "[naam]"
    assert len(problems) == 2
    assert "regel 3, term" in problems[0]
    assert "regel 4, kind" in problems[1] and "village" in problems[1]


def test_redact_frame_touches_only_text_columns():
    df = pd.DataFrame({"story_id": ["Karel Kanarie"], "quote": ["Dank Karel Kanarie"], "text": [None]})
    out = redaction.redact_frame(df, TERMS)
    assert out["quote"].iloc[0] == "Dank [naam]"
    assert out["story_id"].iloc[0] == "Karel Kanarie"
    assert out["text"].iloc[0] is None
