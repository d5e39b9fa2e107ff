"""Tests for tumen.engine.runner: an executed notebook is stripped of what changes from run to
run (running notebooks is tested end to end in tests/test_build.py and tests/test_lab.py)."""

import nbformat

from tumen.engine import runner


def test_normalise_strips_run_metadata_and_numbers_the_cells():
    nb = nbformat.v4.new_notebook()
    nb.metadata.update({"papermill": {"duration": 1.5}, "widgets": {}, "kernelspec": {"name": "k"}})
    out = nbformat.v4.new_output("stream", name="stdout", text="42\n")
    nb.cells = [
        nbformat.v4.new_markdown_cell("# T", metadata={"papermill": {"status": "completed"}}),
        nbformat.v4.new_code_cell(
            "print(42)",
            outputs=[out],
            metadata={
                "execution": {"iopub.execute_input": "2031-01-01T00:00:00Z"},
                "ExecuteTime": {"end_time": "2031-01-01"},
                "tags": ["keep"],
            },
        ),
    ]
    got = runner.normalise(nb)
    assert dict(got.metadata) == {"kernelspec": {"name": "k"}}
    assert [c["id"] for c in got.cells] == ["cell-0", "cell-1"]
    assert [dict(c.metadata) for c in got.cells] == [{}, {"tags": ["keep"]}]
    assert got.cells[1].outputs == [out]  # outputs are kept as they are
