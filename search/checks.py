"""`manage.py check` reports problems in content/synonyms.txt (search keeps working without
the faulty lines, so these are warnings)."""

from django.core.checks import Warning, register

from search.synonyms import parse_synonyms, synonyms_path


@register()
def check_synonyms(app_configs=None, **kwargs):
    path = synonyms_path()
    if not path.is_file():
        return [
            Warning(
                f"No search synonyms file at {path}; searches will not expand abbreviations.",
                id="search.W001",
            )
        ]
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return [Warning(f"Cannot read {path}: {error}", id="search.W002")]
    return [
        Warning(f"{path}, {problem}", id="search.W003") for problem in parse_synonyms(text).problems
    ]
