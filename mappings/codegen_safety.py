"""The guard on generated mapping code: template words and invented names only."""

from __future__ import annotations

import re

_ALLOWED_NAMES = frozenset(
    {
        "def",
        "run",
        "src",
        "out",
        "a",
        "n",
        "r",
        "v",
        "d",
        "e",
        "o",
        "w",
        "x",
        "try",
        "except",
        "Exception",
        "as",
        "exc",
        "raise",
        "from",
        "if",
        "elif",
        "else",
        "is",
        "not",
        "None",
        "and",
        "or",
        "in",
        "get",
        "append",
        "dict",
        "list",
        "tuple",
        "__class__",
        "return",
        "make",
        "show_value",
        "False",
        "MISSING",
        "EMPTY",
        "StepError",
        "Located",
        "pass",
        "str",
        "strip",
        "lstrip",
        "rstrip",
        "join",
        "split",
        "upper",
        "lower",
    }
)
_GENERATED_NAME = re.compile(r"^[A-Z]\d+$|^[a-z]\d+$")


def check_source(text: str) -> None:
    """Defence in depth: only template words, generated names, digits and punctuation."""
    for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", text):
        if word not in _ALLOWED_NAMES and not _GENERATED_NAME.match(word):
            raise AssertionError(f"generated code holds an unexpected name {word!r}")
    if re.search(r"['\"#\\]", text):
        raise AssertionError("generated code holds a literal")
