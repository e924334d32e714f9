"""The one HTML environment escapes what documents say, in a real browser."""

from __future__ import annotations

import pytest

from pipeline.html import environment
from browser import dump_dom, needs_chromium

HOSTILE = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']


@pytest.mark.parametrize("text", HOSTILE)
def test_document_text_is_escaped(text):
    out = environment().from_string("{% extends 'base.html.j2' %}{% block body %}<p>{{ t }}</p>{% endblock %}").render(t=text)
    assert text not in out


@needs_chromium
@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_renders_as_text_in_chromium(tmp_path, text):
    page = tmp_path / "p.html"
    page.write_text(environment().from_string(
        "{% extends 'base.html.j2' %}{% block body %}<p id='t'>{{ t }}</p>{% endblock %}").render(t=text),
        encoding="utf-8")
    dom = dump_dom(page)
    assert "<img" not in dom.split("<body>", 1)[1] and "<script>alert" not in dom
    assert "alert(1)" in dom  # shown, as text
