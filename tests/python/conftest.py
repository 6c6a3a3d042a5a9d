# SPDX-License-Identifier: Apache-2.0
"""Shared helpers: a fresh interpreter and a real Jupyter kernel run."""

import os
import subprocess

import pytest

PYTHON = "/usr/bin/python3"


def run_python(code, *flags, env=None, cwd=None):
    """Runs `code` in a fresh /usr/bin/python3 (start-up .pth processing included); returns stdout."""
    result = subprocess.run([PYTHON, *flags, "-c", code], capture_output=True, text=True, env=env, cwd=cwd,
                            timeout=120)
    assert result.returncode == 0, f"python3 {' '.join(flags)} failed:\n{result.stderr}"
    return result.stdout


def run_notebook(notebook, timeout=240):
    """Executes a notebook in a real ipykernel (the `python3` kernel); raises on the first failing cell."""
    import nbclient
    client = nbclient.NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": os.getcwd()}})
    client.execute()
    return notebook


@pytest.fixture(scope="session")
def libplatform():
    if "PYTHONUSERBASE" not in os.environ:
        pytest.fail("run through ctest, or set PYTHONUSERBASE=<build>/python")
    import libplatform as module
    return module


def cell_text(cell):
    """Everything a code cell printed or displayed as text/plain."""
    parts = []
    for out in cell.get("outputs", []):
        if out["output_type"] == "stream":
            parts.append(out["text"])
        elif "data" in out:
            parts.append(out["data"].get("text/plain", ""))
    return "".join(parts)

