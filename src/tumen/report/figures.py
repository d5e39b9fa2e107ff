"""Report figures and tables: deterministic files, numbered and captioned in the report.

A notebook draws a matplotlib figure with a library function, then hands it to
:meth:`Figures.show`, which writes ``<name>.png`` and ``<name>.svg`` into the figures
folder (a parameter injected by the runner) and displays an HTML ``<figure>`` holding the
image, its alt text and its caption. The assembly numbers figures and tables in report
order; prose can refer to them as ``{fig:name}`` / ``{tab:name}``.

Files are byte-identical across runs: no dates in metadata, a fixed SVG hash salt.

The house style (:data:`HOUSE_STYLE`: the shipped fonts, the SVG hash salt, tight bounding
boxes) is set explicitly, never by importing this module: creating a notebook's
:class:`Figures` sets it for the figures drawn after (every notebook creates one in its
first code cell, before it draws), :meth:`Figures.save` writes the files with it, and code
that draws outside a notebook (the assembly's timeline) draws inside :func:`style`.

>>> import matplotlib.pyplot as plt, tempfile
>>> figs = Figures(tempfile.mkdtemp())
>>> fig, ax = plt.subplots()
>>> figs.save(fig, "demo_line")["png"].name
'demo_line.png'
"""

from __future__ import annotations

import base64
import html
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from IPython.display import HTML
from matplotlib.textpath import TextToPath

from tumen.engine import fonts
from tumen.errors import ResultError

#: The house style of every report figure (matplotlib rcParams). Importing this module
#: changes nothing; the style applies where it is asked for: :class:`Figures` (a notebook's
#: figures, from its creation on), :func:`style` (a block) or :func:`use_style`.
HOUSE_STYLE = {
    "svg.hashsalt": "tumen",  # fixed SVG ids: the same figure, the same bytes
    "path.simplify": True,
    "savefig.bbox": "tight",
    **fonts.MATPLOTLIB_RC,  # the DejaVu files of the pinned matplotlib, never the machine's
}


def use_style() -> None:
    """Draw every figure of this process from now on in the house style (:data:`HOUSE_STYLE`,
    with matplotlib's font list narrowed to the shipped files)."""
    fonts.use_in_matplotlib()
    matplotlib.rcParams.update(HOUSE_STYLE)


@contextmanager
def style() -> Iterator[None]:
    """Draw the figures of a ``with`` block in the house style; the settings before the block
    come back after it (the narrowed font list stays: it holds the same DejaVu files).

    >>> with style():
    ...     fig, ax = plt.subplots()
    >>> plt.close(fig)
    """
    fonts.use_in_matplotlib()
    with matplotlib.rc_context(HOUSE_STYLE):
        yield


_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_]*$")
_PNG_META = {"Software": None}
_SVG_META = {"Date": None, "Creator": None}

#: Resolution of PNG files and of the images embedded in the report.
DPI = 200
#: Width of the printed text column (A4, 210 mm, less the 18 mm side margins of report.css),
#: inches: a figure this wide prints at its own size, a wider one is scaled down.
PRINT_WIDTH_IN = (210 - 2 * 18) / 25.4
#: House font sizes of charts, points at the figure's own size (a chart drawn
#: :data:`PRINT_WIDTH_IN` wide prints them as they are; the floor is :data:`MIN_PRINT_PT`).
CHART_FONT = {"title": 10.0, "label": 8.5, "tick": 8.0, "legend": 8.0, "note": 8.0}


def site_stem(site: str) -> str:
    """Return the first word of a site id, which names the figures about that site.

    >>> site_stem("tumangang_rail_facility")
    'tumangang'
    >>> site_stem("Kolyma-Yard 2")
    'kolyma'
    """
    words = re.findall(r"[a-z0-9]+", str(site).lower())
    return words[0] if words else "site"


def _check_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise ResultError(
            f"figure/table name {name!r} must be lower_snake_case naming its content",
            field=str(name),
            hint="e.g. 'tumangang_railcars_timeseries'",
        )
    return name


class Figures:
    """Save and show the figures of one notebook.

    Parameters
    ----------
    directory : str or pathlib.Path
        Folder for the PNG and SVG files (the runner injects ``figures_dir``).

    Creating one sets the house style (:func:`use_style`) for the figures drawn after it.
    """

    def __init__(self, directory):
        use_style()  # the notebook draws its figures after this, in the house style
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        self.names: list[str] = []

    def save(self, fig, name: str) -> dict[str, Path]:
        """Write ``name.png`` (200 dpi) and ``name.svg``; return their paths by format."""
        _check_name(name)
        if name in self.names:
            raise ResultError(f"figure {name!r} is saved twice in one notebook", field=name)
        self.names.append(name)
        out = {"png": self.directory / f"{name}.png", "svg": self.directory / f"{name}.svg"}
        with matplotlib.rc_context(HOUSE_STYLE):  # the files' settings whatever came since
            fig.savefig(out["png"], dpi=DPI, metadata=_PNG_META)
            fig.savefig(out["svg"], metadata=_SVG_META)
        return out

    def show(self, fig, name: str, caption: str, alt: str, *, close: bool = True):
        """Save a figure and display it as a captioned report figure.

        Parameters
        ----------
        fig : matplotlib.figure.Figure
            The figure.
        name : str
            File stem naming the content, e.g. ``"tumangang_railcars_timeseries"``.
        caption : str
            One or two sentences under the figure (plain text; escaped).
        alt : str
            Alternative text describing what the figure shows, for screen readers.
        close : bool
            Close the figure afterwards so that it is not displayed twice.
        """
        if not caption or not alt:
            raise ResultError(f"figure {name!r} needs a caption and alt text", field=name)
        files = self.save(fig, name)
        if close:
            plt.close(fig)
        return HTML(figure_html(files["png"].read_bytes(), name, caption, alt))


def figure_html(png: bytes, name: str, caption: str, alt: str) -> str:
    """Return the ``<figure>`` element the report uses for one figure (image inlined)."""
    data = base64.b64encode(png).decode("ascii")
    return (
        f'<figure class="tumen-figure" id="fig-{_check_name(name)}">'
        f'<img src="data:image/png;base64,{data}" alt="{html.escape(alt, quote=True)}"/>'
        f"<figcaption>{html.escape(caption, quote=False)}</figcaption></figure>"
    )


def table(
    df,
    name: str,
    caption: str,
    *,
    notes: str = "",
    index: bool = False,
    float_format: str = "{:,.3g}",
):
    """Display a DataFrame as a numbered, captioned report table (cell text escaped).

    Parameters
    ----------
    df : pandas.DataFrame
        The table; column names are the header.
    name : str
        Stable id naming the content, e.g. ``"rail_baseline_statistics"``.
    caption : str
        Caption above the table (plain text).
    notes : str
        Optional note under the table (plain text).
    index : bool
        Include the DataFrame index as the first column.
    float_format : str
        Format for float cells.
    """
    return HTML(table_html(df, name, caption, notes=notes, index=index, float_format=float_format))


def table_html(
    df,
    name: str,
    caption: str,
    *,
    notes: str = "",
    index: bool = False,
    float_format: str = "{:,.3g}",
) -> str:
    """Return the ``<table>`` element for :func:`table`."""
    if index:  # the index as an ordinary first column (no second header row)
        df = df.reset_index()
    body = df.to_html(
        index=False,
        escape=True,
        border=0,
        na_rep="–",
        float_format=float_format.format,
        classes=["tumen-table"],
        table_id=f"tab-{_check_name(name)}",
    )
    cap = f"<caption>{html.escape(caption, quote=False)}</caption>"
    body = body.replace(">", ">" + cap, 1)
    if notes:
        body += f'<p class="table-notes">{html.escape(notes, quote=False)}</p>'
    return f'<div class="table-wrap">{body}</div>'


#: The smallest text a figure may print at, in points (a figure is read on A4 paper).
MIN_PRINT_PT = 7.0

_SCALE_RE = re.compile(r"scale\(\s*(-?[0-9.eE+-]+)(?:[ ,]+(-?[0-9.eE+-]+))?\s*\)")
_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


def _scale_of(transform: str) -> float:
    """Return the (first) scale factor of an SVG transform, 1 if it has none."""
    m = _SCALE_RE.search(transform or "")
    return abs(float(m.group(1))) if m else 1.0


def svg_text_sizes(svg) -> tuple[float, list[tuple[str, float]]]:
    """Return the width of a matplotlib SVG and the size of every text it draws, in points.

    Matplotlib draws text as glyph outlines (``svg.fonttype: path``): a comment holding the
    text, then a group scaled by ``font size / 100`` whose ``<use>`` elements place the
    glyphs (a sub- or superscript of math text carries its own smaller scale). The size of
    a text is the smallest glyph it draws.

    Parameters
    ----------
    svg : str or pathlib.Path
        The SVG file.

    Returns
    -------
    (float, list of (str, float))
        The SVG's width in points and, in drawing order, each text with its size in points
        at the figure's own size.
    """
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.parse(svg, parser=parser).getroot()
    width = root.get("width", "")
    if not width.endswith("pt"):
        raise ResultError(f"{svg}: SVG width {width!r} is not in points", field="width")
    found = []
    for parent in root.iter():
        label = None
        for child in parent:
            if child.tag is ET.Comment:
                label = child.text.strip()
            elif label is not None and child.tag == f"{_SVG_NS}g":
                uses = [u for u in child if u.tag == f"{_SVG_NS}use" and u.get(_XLINK_HREF)]
                inner = min((_scale_of(u.get("transform")) for u in uses), default=1.0)
                size = _scale_of(child.get("transform")) * TextToPath.FONT_SCALE * inner
                found.append((label, round(size, 3)))
                label = None
            else:
                label = None
    return float(width[:-2]), found
