"""Write partnership content back to the content format (content/README.md):
national-contacts.yaml, and each partnership's partnership.yaml and local information."""

from pathlib import Path

from procedures.export import quote, slug, write

from .models import Contact, LocalInformation, Partnership
from .records import contacts_text


def export_partnerships(root: Path) -> list[Path]:
    """national-contacts.yaml, and each partnership's partnership.yaml and every version of
    its local information, as content/README.md describes them."""
    written = []
    national = Contact.objects.filter(partnership=None)
    if national.exists():
        text = contacts_text(national, national=True)
        written.append(write(root / "national-contacts.yaml", _contacts_file(text)))
    for partnership in Partnership.objects.order_by("slug"):
        folder = root / "partnerships" / partnership.slug
        text = contacts_text(Contact.objects.filter(partnership=partnership))
        head = f"name: {quote(partnership.name)}\narea: {quote(partnership.area)}\n"
        written.append(write(folder / "partnership.yaml", head + _contacts_file(text)))
    local = LocalInformation.objects.select_related("partnership", "chapter").order_by(
        "partnership__slug", "chapter__slug", "number"
    )
    for version in local.iterator(chunk_size=200):
        path = (
            root / "partnerships" / version.partnership.slug / "local" / version.chapter.slug
            / f"v{version.number}.md"
        )  # fmt: skip
        written.append(write(path, local_file(version)))
    return written


def _contacts_file(text: str) -> str:
    indented = "".join(f"  {line}\n" for line in text.splitlines())
    return "contacts:\n" + indented if indented else "contacts: []\n"


def local_file(version) -> str:
    lines = [
        "---",
        f"version: {version.number}",
        f"effective: {version.effective_date.isoformat()}",
        f"summary: {quote(version.summary)}",
    ]
    if version.section:
        lines.append(f"section: {slug(version.section)}")
    body = version.source.strip("\n")
    return "\n".join([*lines, "---"]) + "\n\n" + (body + "\n" if body else "")
