"""Execute the walkthrough and save it with its outputs (what readers see on GitHub).

    python notebooks/run_notebook.py [--check]

With --check nothing is written: the notebook is only executed, as the test suite does.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parent / "analyst_walkthrough.ipynb"
TIMEOUT_S = 120  # per cell; the whole notebook takes well under a minute


def execute(path: Path = NOTEBOOK) -> nbformat.NotebookNode:
    """Run every cell in a fresh kernel started in the notebook's folder; raises on any error."""
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, timeout=TIMEOUT_S, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="execute only, do not save outputs")
    args = parser.parse_args()
    notebook = execute()
    if not args.check:
        nbformat.write(notebook, NOTEBOOK)
        print(f"executed and saved {NOTEBOOK}")


if __name__ == "__main__":
    main()
