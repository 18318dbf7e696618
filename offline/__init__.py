"""Reading offline: the web app manifest, the service worker and the list of what the saved
copy holds.

The worker (worker.js, served at /sw.js and, for a chosen partnership, /p/<slug>/sw.js with
the whole site as its scope) keeps one saved copy: the contents, every current chapter, the
partnership's contacts page and the national contacts on it, this feature's own page and the
static files they use. It fetches them without cookies, so nothing shown only to a signed-in
user can be saved. What the copy should hold comes from copy.json, which is page-cached like
the pages it lists: its ETag changes whenever the manual, the partnership or the day does.
"""
