"""Search the current manual by section: one interface, a backend per database.

    engine.search(text, page=1, on=None) -> Results   the read side (the /search/ view uses it)
    index.index_version(version)                      on `version_stored`, same transaction
    index.rebuild_index()                             `manage.py rebuild_search_index`

query.py parses what the reader typed (words, "phrases", -exclusions, synonyms from
content/synonyms.txt); postgres.py and sqlite.py match and rank it; the app's migration creates
each database's full-text machinery. The search page itself, which adds contacts and glossary
entries to the results (`contacts.py`, `glossary.py`), is assembled by `manual.views`. This
package is also the Django app "search" (its models are the index tables), so nothing here
imports models at package level.
"""
