"""The glossary: the field's terms and abbreviations, versioned like chapters.

reading.py reads content/glossary.yaml into records (pure); loading.py stores them in the
content loader's transaction; vocabulary.py turns the same file into search synonym groups, so
one list serves both; markup.py marks the first use of each term in a chapter page; search.py
finds entries for the search page; views.py serves the A-Z page.
"""
