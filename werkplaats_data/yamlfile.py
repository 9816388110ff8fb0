"""YAML as the kit reads the files volunteers write (story front matter, the work plan).

Safe loading only (no Python objects), with libyaml when it is installed (faster). Plain YAML keeps
the last of two equal keys in a block without a word; here a key written twice is never silent:
it is an error (``RepeatedKey``), or, with ``keep_first=True``, the first stays and each later one
is reported with its line, so the caller can name it as a problem.
"""

from __future__ import annotations

import yaml

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RepeatedKey(yaml.YAMLError):
    """A key written twice in one block; ``line`` counts from 1 in the text given to ``load``."""

    def __init__(self, key: str, line: int):
        super().__init__(f"{key!r} is written twice (line {line})")
        self.key, self.line = key, line


class _Loader(_BASE):
    def __init__(self, stream, *, keep_first: bool, dates_as_text: bool):
        super().__init__(stream)
        self.keep_first, self.repeated = keep_first, []
        if dates_as_text:  # this loader only: the class's table stays as PyYAML has it
            self.yaml_constructors = {**self.yaml_constructors, "tag:yaml.org,2002:timestamp": _Loader.construct_scalar}

    def construct_mapping(self, node, deep=False):
        """The block's own keys checked for repeats (before merged keys join them), then as SafeLoader does."""
        seen, kept = set(), []
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # '<<: *base': flattened in by SafeLoader below
                kept.append((key_node, value_node))
                continue
            key = self.construct_object(key_node, deep=deep)
            key = key if isinstance(key, (str, int, float, bool)) or key is None else str(key)
            if key in seen:
                if not self.keep_first:
                    raise RepeatedKey(str(key), key_node.start_mark.line + 1)
                self.repeated.append((str(key), key_node.start_mark.line + 1))
                continue
            seen.add(key)
            kept.append((key_node, value_node))
        node.value = kept
        return super().construct_mapping(node, deep=deep)


def load(text: str, *, keep_first: bool = False, dates_as_text: bool = False) -> tuple[object, list[tuple[str, int]]]:
    """The YAML ``text`` as Python data, and (key, line) of every later copy of a key kept out, by line.

    Without ``keep_first`` a repeated key raises ``RepeatedKey`` (the list is then always empty).
    ``dates_as_text``: 2024-05-01 stays the string "2024-05-01" (the caller reads dates itself, so an
    impossible date is its own plain problem). Other YAML errors raise as in PyYAML.
    """
    loader = _Loader(text, keep_first=keep_first, dates_as_text=dates_as_text)
    try:
        data = loader.get_single_data()
        return data, sorted(loader.repeated, key=lambda found: found[1])
    finally:
        loader.dispose()
