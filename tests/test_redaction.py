"""Redaction: terms, the address rule, and spans that follow the replaced text."""

import pandas as pd
import pytest

from werkplaats_data import redaction

TERMS = pd.DataFrame({"term": ["Karel Kanarie", "كارل كناري", "OBS De Kanariepiet"],
                      "kind": ["person", "person", "school"],
                      "replacement": ["[naam]", "[naam]", "[school]"]})


def test_terms_are_replaced_whatever_the_case_but_only_as_whole_words():
    text = "karel kanarie hielp. KAREL KANARIE ook. Karelsen Kanariesen niet."
    assert redaction.redact(text, TERMS) == "[naam] hielp. [naam] ook. Karelsen Kanariesen niet."


def test_a_first_name_or_surname_alone_is_replaced_but_particles_are_no_names():
    terms = pd.DataFrame({"term": ["Karel Kanarie", "Jan van der Vink"], "kind": "person", "replacement": "[naam]"})
    assert redaction.redact("Karel hielp me, en meneer Kanarie ook.", terms) == "[naam] hielp me, en meneer [naam] ook."
    assert redaction.redact("Jan kwam van de markt. Vink ook.", terms) == "[naam] kwam van de markt. [naam] ook."
    assert {"Karel", "Kanarie", "Jan", "Vink"} <= set(redaction.with_name_parts(terms)["term"])
    assert not {"van", "der"} & set(redaction.with_name_parts(terms)["term"])


def test_arabic_names_with_a_prefix_written_onto_them():
    terms = pd.DataFrame({"term": ["كارل كناري"], "kind": "person", "replacement": "[اسم]"})
    for prefix in ("و", "ب", "ل", "ف", "ال", "وال"):
        assert redaction.redact(f"شكرا {prefix}كارل كناري اليوم", terms) == f"شكرا {prefix}[اسم] اليوم", prefix
    assert redaction.redact("ساعدني كارل وحده", terms) == "ساعدني [اسم] وحده"  # the first name alone
    assert redaction.redact("جاء وكارل", terms) == "جاء و[اسم]"


def test_arabic_names_and_schools_are_replaced():
    assert redaction.redact("ساعدني كارل كناري اليوم", TERMS) == "ساعدني [naam] اليوم"
    assert redaction.redact("Op OBS De Kanariepiet.", TERMS) == "Op [school]."


def test_street_with_house_number_is_always_replaced_but_not_ordinary_words():
    text = "Ik woon op de Gaffelstraat 12a, onderweg 2 uur, de Gaffelstraat zelf mag."
    assert redaction.redact(text, redaction.empty_list()) == "Ik woon op de [adres], onderweg 2 uur, de Gaffelstraat zelf mag."


@pytest.mark.parametrize("address", ["'s-Gravendijkwal 12", "Hooidrift 5", "West-Kruiskade 7", "Kruisplein 3",
                                     "Kanarievogelstraat nr. 12", "Kanarievogelstraat nr 12", "Kanarievogelstraat no. 3b",
                                     "kanarievogelstraat 14", "Nieuwe Binnenweg 120", "Aert van Nesstraat 4",
                                     "1e Middellandstraat 8", "Burgemeester van Walsumweg 3", "Henegouwerlaan 2-4",
                                     "Mathenesserdijk 11", "Westersingel 2", "Oudedijk 9", "Kleiweg 4", "Eendrachtsplein 1",
                                     "Hof 3", "Coolsingel 40", "Oude Binnenweg 5", "Bajonetpad 6",
                                     "Noordplein 2", "Grotekerkplein 3", "Schiedamse Vest 12"])
def test_street_forms_are_all_replaced_as_a_whole(address):
    out = redaction.redact(f"Zij woont aan de {address}, vlakbij.", redaction.empty_list())
    assert out == "Zij woont aan de [adres], vlakbij.", out


@pytest.mark.parametrize("text", ["Ik was onderweg 2 uur.", "Bij de Werkplaats 3 keer per week.", "in de supermarkt 2 keer",
                                  "op het fietspad 3 kinderen", "Op de parkeerplaats 4 auto's", "Het park 2 keer rond"])
def test_ordinary_words_with_a_number_stay(text):
    assert redaction.redact(text, redaction.empty_list()) == text


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


def test_spans_map_back_from_the_redacted_text_to_the_original():
    text = "وكارل كناري hielp. Karel Kanarie woont Gaffelstraat 12, naast OBS De Kanariepiet."
    new, edits = redaction.redact_with_edits(text, TERMS)
    assert new == "و[naam] hielp. [naam] woont [adres], naast [school]."
    for word in ("hielp", "woont", "naast", "."):
        start = new.index(word)
        back = redaction.unmap_span(start, start + len(word), edits)
        assert text[back[0]:back[1]] == word
        assert redaction.map_span(*back, edits) == (start, start + len(word))
    # a span over a replacement maps back to the whole original name or address
    start = new.index("[naam] woont [adres]")
    back = redaction.unmap_span(start, start + len("[naam] woont [adres]"), edits)
    assert text[back[0]:back[1]] == "Karel Kanarie woont Gaffelstraat 12"
    inside = new.index("[adres]") + 2
    assert text[slice(*redaction.unmap_span(inside, inside + 2, edits))] == "Gaffelstraat 12"
    assert redaction.unmap_span(0, len(new), edits) == (0, len(text))


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


def test_a_name_part_is_replaced_only_where_it_is_written_as_a_name():
    terms = pd.DataFrame({"term": ["Wil Proef", "El Amrani, Fatima"], "kind": "person", "replacement": "[naam]"})
    assert redaction.redact("Ik wil Wil bellen", terms) == "Ik wil [naam] bellen"
    assert redaction.redact("WIL PROEF en wil proef", terms) == "[naam] en [naam]"
    assert redaction.redact("Fatima en Amrani", terms) == "[naam] en [naam]"


def test_particles_are_no_name_parts_but_ben_is_a_first_name():
    terms = pd.DataFrame({"term": ["Sara in 't Veld", "Ben de Vries"], "kind": "person", "replacement": "[naam]"})
    assert redaction.redact("In de zomer hielp Sara en Ben hielp ook; ik ben blij", terms) == \
        "In de zomer hielp [naam] en [naam] hielp ook; ik ben blij"
