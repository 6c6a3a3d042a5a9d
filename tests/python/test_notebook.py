# SPDX-License-Identifier: Apache-2.0
"""examples/notebooks/quickstart.ipynb runs top to bottom in a real Jupyter kernel."""

import os
import pathlib

import nbformat

from conftest import cell_text, run_notebook

NOTEBOOK = pathlib.Path(os.environ.get("PLATFORM_SOURCE_DIR", pathlib.Path(__file__).parents[2])) / \
    "examples/notebooks/quickstart.ipynb"


def test_the_notebook_is_committed_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in notebook.cells if c.cell_type == "code")


def test_quickstart_runs_in_a_kernel(tmp_path, monkeypatch):
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    monkeypatch.chdir(tmp_path)  # the kernel runs here and saves its chart here
    cells = [c for c in run_notebook(notebook).cells if c.cell_type == "code"]  # raises on any failing cell
    assert cell_text(cells[0]).startswith("Linux ")
    # The spec, the tree and the validation report display as HTML tables.
    html = [out["data"]["text/html"] for c in cells for out in c.get("outputs", [])
            if "text/html" in out.get("data", {})]
    assert len(html) >= 3 and all(h.startswith("<table>") for h in html)
    assert "user-team-a" in cell_text(cells[3])
    assert "user-team-a -> user-team-b: denied by" in cell_text(cells[4])   # the isolation check
    assert "20000" in cell_text(cells[6])   # the Python transformer ran over all the events
    assert (tmp_path / "throughput.png").read_bytes().startswith(b"\x89PNG")
