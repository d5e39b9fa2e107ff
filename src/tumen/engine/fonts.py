"""The report's fonts: shipped with the locked environment, never taken from the machine.

The HTML report, its PDF and every matplotlib figure use the DejaVu fonts that the pinned
``matplotlib`` wheel carries in ``mpl-data/fonts/ttf`` (its hash is in ``requirements.lock``,
so the font files are as locked as the code). The report's stylesheet names three families
of ours — ``Tumen Serif`` (body text), ``Tumen Sans`` (headings, tables, captions) and
``Tumen Mono`` (code) — and the assembly embeds them in the HTML as ``@font-face`` rules
with WOFF2 data URLs, subset to the characters the page uses. WeasyPrint prints the PDF
from that HTML, so it finds every glyph in our fonts and never asks fontconfig for a system
font: the PDF is the same on a machine with no fonts at all (tested with an empty
``FONTCONFIG_FILE``). Figures are drawn with a matplotlib font list narrowed to the same
shipped files (:func:`use_in_matplotlib`, :data:`MATPLOTLIB_RC`).

>>> sorted(FAMILIES)
['Tumen Mono', 'Tumen Sans', 'Tumen Serif']
>>> FAMILIES["Tumen Serif"][("bold", "italic")]
'DejaVuSerif-BoldItalic.ttf'
"""

from __future__ import annotations

import base64
import functools
import io
import logging
import string
from pathlib import Path

import matplotlib
from fontTools import subset
from matplotlib import font_manager

#: family -> (weight, style) -> file in matplotlib's ``mpl-data/fonts/ttf``.
FAMILIES: dict[str, dict[tuple[str, str], str]] = {
    "Tumen Serif": {
        ("normal", "normal"): "DejaVuSerif.ttf",
        ("bold", "normal"): "DejaVuSerif-Bold.ttf",
        ("normal", "italic"): "DejaVuSerif-Italic.ttf",
        ("bold", "italic"): "DejaVuSerif-BoldItalic.ttf",
    },
    "Tumen Sans": {
        ("normal", "normal"): "DejaVuSans.ttf",
        ("bold", "normal"): "DejaVuSans-Bold.ttf",
        ("normal", "italic"): "DejaVuSans-Oblique.ttf",
        ("bold", "italic"): "DejaVuSans-BoldOblique.ttf",
    },
    "Tumen Mono": {
        ("normal", "normal"): "DejaVuSansMono.ttf",
        ("bold", "normal"): "DejaVuSansMono-Bold.ttf",
    },
}
#: Characters always kept in the subsets (generated content of the PDF: page numbers,
#: leaders, "/"), beside every character of the page itself.
ALWAYS = set(string.printable) | set("–—…·•→←↔≥≤×−’‘“”")


def font_dir() -> Path:
    """Folder of the TrueType files shipped in the pinned matplotlib wheel."""
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def font_files() -> list[Path]:
    """Every font file the report may use, sorted."""
    d = font_dir()
    return sorted({d / f for faces in FAMILIES.values() for f in faces.values()})


@functools.lru_cache(maxsize=64)
def _woff2_subset(path: str, chars: frozenset[str]) -> bytes:
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    options = subset.Options()
    options.flavor = "woff2"
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: not needed, not subsettable
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    font = subset.load_font(path, options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(c) for c in chars))
    subsetter.subset(font)
    out = io.BytesIO()
    subset.save_font(font, out, options)
    return out.getvalue()


def font_face_css(text: str) -> str:
    """``@font-face`` rules of every family, subset to the characters of ``text``.

    Parameters
    ----------
    text : str
        The page the fonts are for (markup included: a superset of what is shown).

    Returns
    -------
    str
        CSS with one rule per face, each a ``data:font/woff2`` URL. Deterministic for
        a given text and environment.
    """
    chars = frozenset((set(text) | ALWAYS) - {"\n", "\r", "\t", "\x0b", "\x0c"})
    rules = []
    d = font_dir()
    for family, faces in FAMILIES.items():
        for (weight, style), fname in faces.items():
            data = base64.b64encode(_woff2_subset(str(d / fname), chars)).decode("ascii")
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                f"font-style: {style}; src: url(data:font/woff2;base64,{data}) "
                'format("woff2"); }'
            )
    return "\n".join(rules)


#: matplotlib's font families, named after the shipped files (part of the house style of
#: figures, :data:`tumen.report.figures.HOUSE_STYLE`).
MATPLOTLIB_RC = {
    "font.family": "DejaVu Sans",
    "font.sans-serif": ["DejaVu Sans"],
    "font.serif": ["DejaVu Serif"],
    "font.monospace": ["DejaVu Sans Mono"],
}


def use_in_matplotlib() -> None:
    """Let matplotlib find only the shipped DejaVu files (no font of the machine).

    This narrows matplotlib's font list for the whole process (the families to draw with are
    :data:`MATPLOTLIB_RC`); doing it again changes nothing.
    """
    # Rebuilt from the files, not filtered from matplotlib's per-user font cache: that cache
    # may list the files of another environment (another venv, since deleted).
    manager = font_manager.fontManager
    manager.ttflist = []
    manager.afmlist = []
    for path in sorted(font_dir().glob("*.ttf")):
        manager.addfont(str(path))
    manager._findfont_cached.cache_clear()  # matplotlib's own cache of look-ups
