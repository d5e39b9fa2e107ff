"""Words shared by every section's prose: a list of names as one phrase.

A section's own wording (ship names, variant labels, counts) stays in its ``text`` module;
what every section needs to say the same way lives here.
"""

from __future__ import annotations

from collections.abc import Sequence

def join_words(words: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``.

    >>> join_words(["x"]), join_words(["x", "y", "z"])
    ('x', 'x, y and z')
    """
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
