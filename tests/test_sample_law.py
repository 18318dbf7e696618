"""The sample manual states the law and guidance as they stood in December 2026 (issue 21):
Online safety version 5, Bullying version 2, the glossary and the national contacts correct
what versions before them got wrong. Each test names the point it pins."""

import datetime
import re

import pytest
import yaml

from manual.content import read_manual
from tests.conftest import SAMPLE_CONTENT

LEGISLATION_LINK = re.compile(r"\]\((https://www\.legislation\.gov\.uk/[^)]*)\)")


@pytest.fixture(scope="module")
def sample():
    return read_manual(SAMPLE_CONTENT)


def body(sample, slug, number):
    (version,) = [v for v in sample.versions if v.slug == slug and v.number == number]
    return version


def test_online_safety_5_takes_effect_on_7_december_2026_with_version_4s_routes(sample):
    v4, v5 = body(sample, "online-safety", 4), body(sample, "online-safety", 5)
    assert v5.effective_date == datetime.date(2026, 12, 7)
    assert v5.effective_date >= v4.effective_date
    assert v5.routes == v4.routes
    assert not v5.minor and v5.summary


def test_every_nude_image_incident_is_reported_not_only_recorded(sample):
    v4, v5 = body(sample, "online-safety", 4).body, body(sample, "online-safety", 5).body
    assert "recorded (not reported)" in v4
    assert "recorded (not reported)" not in v5
    assert "Every incident must be reported to the designated safeguarding lead" in v5


def test_never_view_or_copy_a_nude_image_of_a_child(sample):
    v5 = body(sample, "online-safety", 5).body
    bullying = body(sample, "bullying", 2).body
    assert "Never view, copy, screenshot, print, forward" in v5
    assert "keep evidence such as screenshots" in body(sample, "bullying", 1).body
    assert "screenshots" not in bullying
    assert "Never view, copy, screenshot, print or forward an image" in bullying


def test_the_communications_offences_are_the_ones_in_force(sample):
    v5 = body(sample, "online-safety", 5).body
    assert "Section 43 of the Telecommunications Act 1984" not in v5
    assert "which replaced section 43 of the Telecommunications Act 1984" in v5
    for section in ("2003/21/section/127", "2023/50/section/179", "2023/50/section/181"):
        assert f"https://www.legislation.gov.uk/ukpga/{section}" in v5
    assert "https://www.legislation.gov.uk/ukpga/2023/50/section/184" in v5  # self-harm
    assert "https://www.legislation.gov.uk/ukpga/2003/42/section/66A" in v5  # cyberflashing


def test_possession_is_section_160_and_the_law_is_that_of_england_and_wales(sample):
    v5 = body(sample, "online-safety", 5).body
    assert "indecent images of children in the UK" not in v5
    assert "https://www.legislation.gov.uk/ukpga/1988/33/section/160" in v5
    assert "The offences below are those of the law of England and Wales." in v5


def test_positions_of_trust_as_the_law_lists_them(sample):
    v5 = body(sample, "online-safety", 5).body
    assert "connexions" not in v5.lower()
    assert "https://www.legislation.gov.uk/ukpga/2003/42/section/21" in v5
    assert "https://www.legislation.gov.uk/ukpga/2003/42/section/22A" in v5
    assert "in a sport or a religion" in v5


def test_ages_and_the_under_13_offences_are_exact(sample):
    v5 = body(sample, "online-safety", 5).body
    assert "over 18" not in v5
    assert v5.count("aged 18 or over") >= 3
    assert "commits the offence of rape" not in v5
    assert "is rape ([section 5 of the Sexual Offences Act 2003]" in v5
    assert "assault of a child under 13 by penetration ([section 6]" in v5


def test_current_words_for_sharing_nudes_and_may_for_indecent(sample):
    v5 = body(sample, "online-safety", 5).body
    assert "## Sharing nudes and semi-nudes {#sexting}" in v5
    assert "Where a sexting (youth produced sexual imagery) incident" not in v5
    assert "the image is also an indecent image" not in v5
    assert "the image may also be an indecent image of a child" in v5


def test_ceop_ukcis_guidance_and_one_report_remove_address(sample):
    v5 = body(sample, "online-safety", 5).body
    assert "[CEOP](https://www.ceop.police.uk/Safety-Centre/)" in v5
    assert "organisations/uk-council-for-internet-safety" not in v5
    assert "sharing-nudes-and-semi-nudes-advice-for-education-settings" in v5
    contacts = yaml.safe_load((SAMPLE_CONTENT / "national-contacts.yaml").read_text())
    (report_remove,) = [c for c in contacts["contacts"] if c["slug"] == "report-remove"]
    childline_pages = set(re.findall(r"https://www\.childline\.org\.uk/info-advice/[^)]*", v5))
    assert childline_pages == {report_remove["web"]}


def test_every_legislation_link_names_a_section(sample):
    for slug, number in (("online-safety", 5), ("bullying", 2)):
        links = LEGISLATION_LINK.findall(body(sample, slug, number).body)
        assert links
        for link in links:
            assert re.search(r"/(section/\d+[A-Z]*|schedule)$", link), (slug, link)


def test_glossary_corrections(sample):
    entries = {entry.slug: entry for entry in sample.glossary}
    child_on_child = entries["child-on-child-abuse"].versions[-1]
    assert "until its 2022 edition" in child_on_child.definition
    assert "until 2021" not in child_on_child.definition
    gdpr = entries["gdpr"].versions[-1]
    assert gdpr.term == "UK GDPR"
    assert "1 January 2021" in gdpr.definition
