"""The declared steps of `process_document`: what each reads, what each adds."""

import pytest

from core.document import Document
from pipeline.run import LEARNED_STEPS, STEPS, run_steps
from schemas.records import DocumentRecords
from tests.conftest import seed_path

RECORD_FIELDS = set(DocumentRecords.model_fields)


def _assigned_before(index: int) -> set[str]:
    return {name for step in STEPS[:index] for name in step.assigns}


@pytest.mark.parametrize("index", range(len(STEPS)), ids=[s.name for s in STEPS])
def test_requirements_are_assigned_by_an_earlier_step(index):
    step = STEPS[index]
    assert set(step.requires) <= _assigned_before(index), step.name


@pytest.mark.parametrize("index", range(len(STEPS)), ids=[s.name for s in STEPS])
def test_each_result_has_one_producer(index):
    step = STEPS[index]
    assert not set(step.assigns) & _assigned_before(index), step.name


def test_outputs_are_exactly_the_record_fields():
    """Every field of DocumentRecords is assigned; every other result is an
    intermediate a later step reads (none computed for nothing)."""
    assigned = _assigned_before(len(STEPS))
    assert RECORD_FIELDS <= assigned
    for index, step in enumerate(STEPS):
        for name in set(step.assigns) - RECORD_FIELDS:
            assert any(name in later.requires for later in STEPS[index + 1:]), name


def test_learned_agencies_change_no_declaration():
    """`--learned` swaps how agencies are found; the checks above hold for it too."""
    def declared(steps):
        return [(s.name, s.requires, s.assigns) for s in steps]

    assert declared(LEARNED_STEPS) == declared(STEPS)


def test_step_names_are_unique():
    assert len({s.name for s in STEPS}) == len(STEPS)


def test_steps_return_what_they_declare():
    """Run on a real document: each step returns one value per declared result
    (`run_steps` zips strictly), and all of them are there at the end."""
    path = seed_path("000")
    results = run_steps(Document(path.read_text(encoding="utf-8"), path.name))
    assert set(results) == _assigned_before(len(STEPS))
    assert results["sections"] and results["document"].doc_id


def test_a_step_returning_too_little_fails():
    from pipeline.run import Step

    broken = (Step("broken", lambda doc: (), assigns=("footnotes",)),)
    with pytest.raises(ValueError):
        run_steps(Document("x"), broken)
