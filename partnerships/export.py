"""Write partnership content back to the content format (content/README.md):
national-contacts.yaml, and each partnership's partnership.yaml and local information."""

from pathlib import Path

from procedures.export import quote, slug, write
from procedures.versioning.fields import write_front_matter

from .models import LocalInformation, Partnership
from .records import LOCAL_FIELDS, LocalRecord, contacts_text
from .selectors import newest_contacts


def export_partnerships(root: Path) -> list[Path]:
    """national-contacts.yaml, and each partnership's partnership.yaml and every version of
    its local information, as content/README.md describes them."""
    written = []
    national = newest_contacts(None)
    if national.exists():
        text = contacts_text(national, national=True)
        written.append(write(root / "national-contacts.yaml", _contacts_file(text)))
    for partnership in Partnership.objects.order_by("slug"):
        folder = root / "partnerships" / partnership.slug
        text = contacts_text(newest_contacts(partnership))
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
    """A version of local information as its file, every field of the record's table."""
    record = LocalRecord.from_version(version)
    front = write_front_matter(record, LOCAL_FIELDS, quote=quote, slug=slug, slug_keys=("section",))
    body = version.source.strip("\n")
    return "\n".join(["---", *front, "---"]) + "\n\n" + (body + "\n" if body else "")
