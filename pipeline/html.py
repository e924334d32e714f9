"""HTML pages for people, from Jinja2 templates in `pipeline/templates/`.

One environment for every page the tool writes (`plans show`, `report`,
`audit`, `diff`, `compare --html`), with autoescaping always on: every text
taken from a document is data, never markup, however it is written
(`<script>` in an agency name renders as those characters).
"""

from __future__ import annotations

from functools import cache

import jinja2


@cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("pipeline", "templates"),
        autoescape=True,  # not select_autoescape: templates are .html.j2, and nothing here is trusted markup
        undefined=jinja2.StrictUndefined,  # a misspelt field fails loudly instead of rendering empty
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context) -> str:
    """The page `template` (a file name in pipeline/templates) filled with `context`."""
    return environment().get_template(template).render(**context)
