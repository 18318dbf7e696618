"""Write the whole manual from the database back to the content format (content/README.md):
chapters and releases (the core), partnerships with their contacts and local information, and
the national contacts.

The output is a function of the database alone (fixed order, fixed quoting), so export, load
into an empty database, export again gives identical files.
"""

from pathlib import Path

from partnerships.export import export_partnerships
from procedures.export import ExportReport, export_chapters


def export_manual(root: Path, *, prune: bool = False) -> ExportReport:
    """Write manual.yaml, chapters/<slug>/v<N>.md and the partnership files under `root`.
    Other files (README.md, synonyms.txt, glossary.yaml) are left alone; chapter files the
    database does not hold are reported, and removed when `prune` is set."""
    report = export_chapters(root, prune=prune)
    report.partnership_files = export_partnerships(Path(root))
    return report
