import textwrap

import pytest

LADO = """\
  - slug: lado
    versions:
      - version: 1
        effective: 2024-01-01
        summary: "First published."
        term: LADO
        expansion: local authority designated officer
        synonyms: [designated officer]
        definition: "Manages allegations against people who work with children."
"""
CSE = """\
  - slug: cse
    versions:
      - version: 1
        effective: 2024-01-01
        summary: "First published."
        term: CSE
        expansion: child sexual exploitation
        definition: "A form of child sexual abuse. See [[exploitation]]."
"""
COUNTY_LINES = """\
  - slug: county-lines
    versions:
      - version: 1
        effective: 2024-01-01
        summary: "First published."
        term: county lines
        definition: "Gangs using children to move drugs."
"""


def write_glossary(root, *entries):
    path = root / "glossary.yaml"
    path.write_text("terms:\n" + "".join(entries), encoding="utf-8")
    return path


@pytest.fixture
def glossary_manual(manual):
    """A small manual whose chapter uses LADO, CSE and county lines, with a glossary."""
    manual.chapter(
        "exploitation",
        textwrap.dedent(
            """\
            ## Child sexual exploitation (CSE) {#cse}

            Tell the LADO. Child sexual exploitation (CSE) is abuse; cse in lower case is
            not the abbreviation. County lines and CSE again: LADO.

            `LADO in code` and [LADO in a link](https://example.org/).
            """
        ),
    )
    write_glossary(manual.root, LADO, CSE, COUNTY_LINES)
    return manual
