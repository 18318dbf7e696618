"""The versioned-content kit: one way to keep anything practitioners act on.

Chapters, a partnership's local information, a partnership's (or the national) contacts and
glossary entries are all versioned the same way, with these parts:

- `models.Version`: the abstract version (number, effective date, the interval it is valid
  for, kind of change, summary, review date or the reason for none, source hash, who
  published it and when) with one QuerySet (`current`, `valid_on`, `scheduled`, `newest`...),
  and `models.DraftBase`, the abstract draft of the next version.
- `fields.Field`: one table of a kind's front-matter fields drives reading a file, writing it
  back, the source hash, the stored columns and the diff's details; a new field is its
  model's column, one row in its record's table and a migration.
- `rules`: the rules every kind keeps (numbering, date order, stored versions never change,
  review date, changes of whom to call are never minor), each with one code and one wording.
- `storing.store_next`: the one way a version is written, closing the previous one's interval
  (and, for an urgent correction, moving scheduled versions after it).
- `carrying`: an urgent correction ahead of a scheduled version carries it forward (the
  three-way merge of `procedures.merging`) or sends it back for review.
- `actions.PublishAction`: check, execute, record; a subclass per kind.
"""
