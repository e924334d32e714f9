"""Every example in the section-kind vocabulary gets its entry's kind."""

import pytest

from core.vocab import load
from extractors.sections import section_kind

CASES = [(example, entry["name"]) for entry in load("section_kinds")["kind"] for example in entry["examples"]]


@pytest.mark.parametrize("heading, kind", CASES)
def test_example_headings_get_their_kind(heading, kind):
    assert section_kind(heading) == kind
