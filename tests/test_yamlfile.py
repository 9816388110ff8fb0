"""The kit's YAML reader: a key written twice is never silent."""

import datetime as dt

import pytest
import yaml

from werkplaats_data import yamlfile


def test_a_repeated_key_is_an_error_with_its_line():
    with pytest.raises(yamlfile.RepeatedKey) as caught:
        yamlfile.load("titel: a\njaar: 2025\ntitel: b\n")
    assert (caught.value.key, caught.value.line) == ("titel", 3)


def test_keep_first_keeps_the_first_and_names_each_later_copy_in_any_block():
    data, repeated = yamlfile.load("a: 1\nb:\n  c: x\n  c: y\n  c: z\na: 2\n", keep_first=True)
    assert data == {"a": 1, "b": {"c": "x"}}
    assert repeated == [("c", 4), ("c", 5), ("a", 6)]


def test_dates_stay_text_only_when_asked():
    assert yamlfile.load("d: 2024-05-01")[0] == {"d": dt.date(2024, 5, 1)}
    assert yamlfile.load("d: 2024-02-30", dates_as_text=True)[0] == {"d": "2024-02-30"}  # impossible: the caller says so


def test_merged_keys_are_no_repeat_and_other_yaml_errors_stay_yaml_errors():
    data, repeated = yamlfile.load("base: &b {x: 1, y: 3}\nm:\n  <<: *b\n  x: 2\n")
    assert data["m"] == {"x": 2, "y": 3} and repeated == []
    with pytest.raises(yaml.YAMLError):
        yamlfile.load("a: [1\n")
    with pytest.raises(yaml.YAMLError):
        yamlfile.load("!!python/object:os.system x\n")  # safe loading only
