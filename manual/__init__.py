"""The manual as practitioners and managers meet it: the top floor that assembles the core
(`procedures`) and the feature apps beside it into the chapter page, the search page, the
printout check, and the loading and export of the whole content tree.

It is the only package that imports every feature; nothing imports it but the site
(`portal.urls`, settings, management commands).
"""
