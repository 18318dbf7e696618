"""Read the whole content tree in one pass: the chapters (the core's reader), then the
partnerships, national contacts and local information, and the glossary, each checked against
the chapters. Pure: files in, records out, every problem with its file and line, raised
together as ContentInvalid. The format is documented in content/README.md.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from glossary.reading import read_glossary
from partnerships.models import Contact
from partnerships.reading import FOLDER as PARTNERSHIP_FOLDER
from partnerships.reading import read_partnership_content
from procedures import content
from procedures.content import ContentError, ContentInvalid
from procedures.rendering import LinkTarget


@dataclass(frozen=True)
class Manual(content.Manual):
    # Partnership content (read by partnerships.reading): PartnershipRecord, ContactRecord and
    # LocalRecord tuples.
    partnerships: tuple = ()
    national_contacts: tuple = ()
    local_information: tuple = ()
    # Glossary entries (TermRecords, read by glossary.reading); None when there is no file.
    glossary: tuple | None = None


def read_manual(
    root: Path,
    *,
    known_targets: Mapping[str, LinkTarget] | Callable[[], Mapping] | None = None,
    stored: Mapping[tuple[str, int], str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Manual:
    """Read and validate a whole content tree. Raises ContentInvalid listing every problem.
    The arguments are the core reader's (`procedures.content.read_chapters`)."""
    root = Path(root)
    errors = []
    chapters = content.read_chapters(
        root, errors=errors, known_targets=known_targets, stored=stored, progress=progress
    )
    if chapters is None:
        raise ContentInvalid(content.sorted_errors(errors))
    anchors = {}
    if (root / PARTNERSHIP_FOLDER).is_dir():
        anchors = content.latest_anchors(chapters, known_targets)
    partnerships, national, local = read_partnership_content(root, chapters=anchors, errors=errors)
    _check_routes(chapters, national, errors)
    glossary = read_glossary(
        root,
        chapters={v.slug for v in chapters.versions},
        errors=errors,
        max_bytes=settings.MAX_VERSION_BYTES,
    )
    if errors:
        raise ContentInvalid(content.sorted_errors(errors))
    return Manual(
        **{name: getattr(chapters, name) for name in content.Manual.__dataclass_fields__},
        partnerships=partnerships,
        national_contacts=national,
        local_information=local,
        glossary=glossary,
    )


def _check_routes(chapters, national, errors):
    """A chapter's routes name national contacts that exist, or kinds of partnership
    contact (each partnership's own LADO, Prevent team...)."""
    national_slugs = {contact.slug for contact in national} | set(Contact.Kind.values)
    for version in chapters.versions:
        for route in version.routes:
            if route not in national_slugs:
                errors.append(
                    ContentError(
                        version.path,
                        version.line_of("routes"),
                        f"route '{route}' is not a contact in national-contacts.yaml nor a "
                        "kind of partnership contact; name national contacts by their slug "
                        "and a partnership's by kind (lado, prevent...)",
                        "unknown_route",
                    )
                )
