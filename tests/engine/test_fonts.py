"""tumen.engine.fonts: the report's fonts come from the locked matplotlib wheel, never the machine."""

import base64
import io
import re

from matplotlib import font_manager

from tumen.engine import fonts


def _faces(css: str) -> dict[tuple[str, str, str], bytes]:
    pat = re.compile(
        r'font-family: "([^"]+)"; font-weight: (\w+); font-style: (\w+); '
        r"src: url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)"
    )
    return {(f, w, s): base64.b64decode(data) for f, w, s, data in pat.findall(css)}


def test_every_face_is_a_file_of_the_pinned_matplotlib():
    files = fonts.font_files()
    assert len(files) == 10 and all(f.is_file() for f in files)
    assert all(f.parent == fonts.font_dir() and "site-packages/matplotlib" in str(f) for f in files)


def test_font_face_css_embeds_every_face_subset_to_the_page():
    from fontTools.ttLib import TTFont

    css = fonts.font_face_css("Tikhoretsk → Dunai ≥ 5 km ½")
    faces = _faces(css)
    assert set(faces) == {(fam, w, s) for fam, d in fonts.FAMILIES.items() for (w, s) in d}
    cmap = TTFont(io.BytesIO(faces[("Tumen Serif", "normal", "normal")])).getBestCmap()
    for ch in "Tikhoretsk→≥½0123456789./":  # the page's characters and generated content
        assert ord(ch) in cmap, ch
    assert ord("Ж") not in cmap  # not on the page: not embedded
    assert fonts.font_face_css("Tikhoretsk → Dunai ≥ 5 km ½") == css  # deterministic


def test_matplotlib_finds_only_the_shipped_files():
    fonts.use_in_matplotlib()  # explicit: importing a module narrows nothing
    d = str(fonts.font_dir())
    assert font_manager.fontManager.ttflist
    assert all(str(f.fname).startswith(d) for f in font_manager.fontManager.ttflist)
    for family in ("sans-serif", "serif", "monospace", "DejaVu Sans", "Arial", "Liberation Sans"):
        assert font_manager.findfont(font_manager.FontProperties(family=[family])).startswith(d)
