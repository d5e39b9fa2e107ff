"""Tests for tumen.report.assemble: what of an executed notebook reaches the report, on a
tiny hand-made notebook (the whole assembly is tested end to end in tests/test_build.py)."""

import nbformat
from bs4 import BeautifulSoup

from tumen.report import assemble


def text(fragment: str) -> str:
    return BeautifulSoup(fragment, "html.parser").get_text(" ", strip=True)


def write(tmp_path, cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = cells
    path = tmp_path / "01_t.ipynb"
    nbformat.write(nb, path)
    return path


def output(kind, **kw):
    return nbformat.v4.new_output(kind, **kw)


def test_a_notebook_body_shows_outputs_and_moves_key_findings_to_the_summary(tmp_path):
    path = write(
        tmp_path,
        [
            nbformat.v4.new_markdown_cell("# The title"),
            nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(
                "show()",
                outputs=[
                    output(
                        "display_data",
                        data={"text/html": "<p>shown</p>", "application/javascript": "alert(1)"},
                    ),
                    output("stream", name="stdout", text="a log line"),
                ],
            ),
            nbformat.v4.new_raw_cell("raw text"),
            nbformat.v4.new_code_cell(
                "key()",
                metadata={"tags": [assemble.SUMMARY_TAG]},
                outputs=[
                    output(
                        "execute_result",
                        data={"text/markdown": "**key finding**"},
                        execution_count=1,
                    )
                ],
            ),
        ],
    )
    body, summary = assemble.notebook_body(path)
    # the heading and the HTML output; no code, parameters, log, script or raw cell
    assert text(body) == "The title shown"
    assert "<p>shown</p>" in body and "alert" not in body
    assert text(summary) == "key finding"


def test_code_is_shown_only_when_asked(tmp_path):
    path = write(
        tmp_path,
        [
            nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(
                "quiet()", outputs=[output("stream", name="stdout", text="only a log")]
            ),
        ],
    )
    assert assemble.notebook_body(path) == ("", "")  # nothing shown: no section body
    body, summary = assemble.notebook_body(path, show_code=True)
    assert text(body) == "quiet ()" and summary == ""  # the parameters cell stays hidden
