"""Issue 20, in the moment of need: the local numbers one tap from every page, the contents
page of a partnership starting with them, and What to do now that is each chapter's own."""

import re

import pytest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/chapters/online-safety/",
    "/amendments/",
    "/glossary/",
    "/search/?q=lado",
    "/contacts/",
]


def header_and_footer(html):
    header = html[html.index("<header") : html.index("</header>")]
    footer = html[html.index("<footer") : html.index("</footer>")]
    return header, footer


def contacts_links(part):
    return re.findall(r'<a [^>]*href="([^"]*contacts/)"[^>]*>\s*(?:<strong[^>]*>)?Contacts', part)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_every_public_page_has_a_contacts_link_in_header_and_footer(client, sample_manual, path):
    header, footer = header_and_footer(client.get(path).content.decode())
    assert contacts_links(header) == ["/contacts/"]
    assert contacts_links(footer) == ["/contacts/"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_under_a_partnership_the_contacts_link_leads_to_its_contacts(client, sample_manual, path):
    response = client.get("/p/northmoor" + path)
    assert response.status_code == 200
    header, footer = header_and_footer(response.content.decode())
    assert contacts_links(header) == ["/p/northmoor/contacts/"]
    assert contacts_links(footer) == ["/p/northmoor/contacts/"]


def test_a_partnerships_contents_page_starts_with_its_numbers_and_999(client, sample_manual):
    html = client.get("/p/northmoor/").content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    numbers = main[main.index("<h1") : main.index('id="part-1"')]
    tels = re.findall(r'href="tel:([^"]+)"', numbers)
    # 999, the front door, out of hours and the LADO, before the introduction and the parts.
    assert tels == ["999", "01632960001", "01632960002", "01632960004"]
    assert numbers.index("tel:999") < numbers.index("The procedures that practitioners")
    assert "Northmoor Emergency Duty Team" in numbers and "Northmoor LADO" in numbers


def test_contents_with_no_partnership_keeps_999_and_shows_no_local_number(client, sample_manual):
    main = client.get("/").content.decode()
    assert "contact the police on 999" in main
    assert "tel:01632" not in main


def what_to_do_now(client, path):
    html = client.get(path).content.decode()
    box = html[html.index('id="what-to-do-now"') : html.index("All contacts")]
    return re.sub(r"\s+", " ", box)


def test_allegations_names_the_partnerships_lado_with_what_it_is_for(client, sample_manual):
    box = what_to_do_now(client, "/p/northmoor/chapters/allegations-against-staff-or-volunteers/")
    assert 'href="tel:01632960004"' in box
    assert "Use for an allegation that someone who works or volunteers with children" in box
    # 999 first, then the chapter's local route, then the front door and out of hours.
    assert box.index("tel:999") < box.index("tel:01632960004") < box.index("tel:01632960001")


def test_radicalisation_names_prevent_then_the_national_routes_each_with_its_note(
    client, sample_manual
):
    box = what_to_do_now(client, "/p/eastbrook/chapters/radicalisation/")
    prevent = box.index('href="tel:01134960005"')
    act = box.index("tel:0800789321")
    dfe = box.index("tel:02073407264")
    assert prevent < act < dfe
    assert "Use for a child at risk of being drawn into terrorism" in box
    assert "Report suspected terrorist activity or content, in confidence." in box
    assert "For concerns about extremism in education settings." in box


def test_online_safety_routes_carry_their_use_for_and_not_for_notes(client, sample_manual):
    box = what_to_do_now(client, "/p/northmoor/chapters/online-safety/")
    assert "Not for bullying, fake accounts or hacking." in box
    assert "https://www.ceop.police.uk/Safety-Centre/</a>" not in box  # no bare address


def test_with_no_partnership_a_local_route_asks_for_the_choice(client, sample_manual):
    box = what_to_do_now(client, "/chapters/allegations-against-staff-or-volunteers/")
    assert "tel:01632" not in box
    assert "Choose your partnership" in box
    assert "Local authority designated officer (LADO)" in box


def test_a_chapter_with_no_routes_keeps_the_general_box(client, sample_manual):
    box = what_to_do_now(client, "/p/northmoor/chapters/domestic-abuse/")
    assert re.findall(r'href="tel:([^"]+)"', box) == ["999", "01632960001", "01632960002"]
    assert "app-route" not in box


EVERYDAY_WORDS = {
    "EDT": "Northmoor Emergency Duty Team",
    "out of hours": "Northmoor Emergency Duty Team",
    "emergency duty team": "Northmoor Emergency Duty Team",
    "MASH": "Northmoor Children's Front Door (MASH)",
    "front door": "Northmoor Children's Front Door (MASH)",
    "LADO": "Northmoor LADO",
}


def contact_cards(html):
    return re.findall(r'<dt class="govuk-summary-list__key">([^<]+)<br>', html)


@pytest.mark.parametrize(("words", "contact"), EVERYDAY_WORDS.items())
def test_everyday_words_find_the_chosen_partnerships_contact(client, sample_manual, words, contact):
    html = client.get("/p/northmoor/search/", {"q": words}).content.decode()
    assert contact_cards(html)[0].replace("&#x27;", "'") == contact
    assert "No results" not in html
    assert "Eastbrook" not in html[html.index("<main") : html.index("</main>")]


@pytest.mark.parametrize("words", EVERYDAY_WORDS)
def test_with_no_partnership_a_contact_question_shows_each_partnerships_and_the_choice(
    client, sample_manual, words
):
    html = client.get("/search/", {"q": words}).content.decode()
    main = text_of(html)
    wanted = EVERYDAY_WORDS[words].removeprefix("Northmoor ")
    for partnership in ("Eastbrook", "Northmoor", "Westhaven"):
        assert f"{partnership} {wanted}".replace("'", "&#x27;") in html
    assert "Choose your partnership to see only its numbers" in main
    assert "No results" not in main
    choose = re.search(r'href="(/choose/\?partnership=northmoor&amp;next=[^"]+)"', html)
    response = client.get(choose.group(1).replace("&amp;", "&"))
    assert response["Location"].startswith("/p/northmoor/search/?q=")


def test_a_search_answered_only_by_a_contact_never_says_no_results(client, sample_manual):
    main = text_of(client.get("/p/northmoor/search/", {"q": "EDT"}).content.decode())
    assert "No results" not in main
    assert "none in the chapters" in main


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
