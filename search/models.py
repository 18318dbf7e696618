"""The search index's tables, as Django sees them.

`SearchDocument` has one row per indexed section. On PostgreSQL the same table also carries
the tsvector columns and their GIN index (added by this app's migration, invisible to the ORM);
on SQLite the text lives in the FTS5 table `search_fts`, whose rows share the section's id and
are removed by a trigger when the document row goes. Being a model means `flush` and cascading
deletes keep the index in step with the sections it describes.

`SearchWord` is the manual's vocabulary for "Did you mean": every word (of three letters or
more, folded) of every stored section. Suggestions are checked against the current manual
before they are offered, so words only in superseded text are never suggested.
"""

from django.db import models

from procedures.models import ChapterVersion, Section


class SearchDocument(models.Model):
    section = models.OneToOneField(
        Section, primary_key=True, on_delete=models.CASCADE, related_name="search_document"
    )
    version = models.ForeignKey(ChapterVersion, on_delete=models.CASCADE, related_name="+")
    opening = models.BooleanField(default=False)  # the version's first section

    def __str__(self):
        return f"index of section {self.section_id}"


class SearchWord(models.Model):
    word = models.CharField(max_length=40, primary_key=True)

    def __str__(self):
        return self.word
