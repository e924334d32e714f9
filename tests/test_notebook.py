"""The analyst walkthrough runs end to end on data/raw, in a fresh kernel, so it cannot rot."""

from __future__ import annotations

import importlib.util
import re

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def executed():
    spec = importlib.util.spec_from_file_location("run_notebook", ROOT / "notebooks" / "run_notebook.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.execute()  # raises CellExecutionError on the first failing cell


def plain_outputs(notebook) -> list[str]:
    """text/plain (or stream text) of each code cell, joined per cell."""
    out = []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            out.append("\n".join(o.get("text") or o.get("data", {}).get("text/plain", "") for o in cell.outputs))
    return out


def test_every_cell_runs_and_the_corpus_is_stored(executed):
    outputs = plain_outputs(executed)
    assert all(cell.get("execution_count") for cell in executed.cells if cell.cell_type == "code")
    assert outputs[0].strip() == "5 plans stored, 0 failed"


def test_the_directive_is_cited_by_the_three_plans_that_implement_it(executed):
    plans = plain_outputs(executed)[1]
    assert [place for place in ("Vị Khê", "Phong Quang", "Hải Phòng", "Lai Châu", "Tân Hưng") if place in plans] \
        == ["Vị Khê", "Hải Phòng", "Lai Châu"]


def test_every_citation_offset_gives_back_its_text(executed):
    check = next(o for o in plain_outputs(executed) if "citations" in o and "exact" in o)
    citations, exact = map(int, re.search(r"(\d+)\s+(\d+)\s*$", check).groups())
    assert citations > 0 and exact == citations


def test_the_plots_are_drawn(executed):
    images = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs if "image/png" in o.get("data", {})]
    assert len(images) == 3


def test_the_ward_copies_more_of_the_province_plan_than_the_city(executed):
    # section 4: shares of each plan's passages copied / adapted / new against Lai Châu's plan (plans diff)
    shares = plain_outputs(executed)[-2]
    copied = {place: float(value) for place, value in re.findall(r"'([^']+)': \(([\d.]+),", shares)}
    assert set(copied) == {"Hải Phòng", "Vị Khê"} and copied["Vị Khê"] > copied["Hải Phòng"]
