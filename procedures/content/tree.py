"""Rules between the files of a tree, and the version rules applied to each file."""

from collections import defaultdict
from dataclasses import replace

from django.utils import timezone

from procedures import dead_ends
from procedures.content.errors import ContentError
from procedures.rendering import LinkTarget, render_markdown
from procedures.rendering import _link_problems as link_problems
from procedures.rules import check_version
from procedures.versioning import rules


def check_former_slugs(former_slugs, versions, errors):
    chapters = {version.slug for version in versions}
    seen = {}
    for current, olds in former_slugs.items():
        if current not in chapters:
            errors.append(
                ContentError(
                    "manual.yaml",
                    1,
                    f"former_slugs names '{current}', which is not a chapter",
                    "unknown_former_slug_chapter",
                )
            )
        for old in olds:
            if old in chapters:
                errors.append(
                    ContentError(
                        "manual.yaml",
                        1,
                        f"'{old}' is listed as a former slug of '{current}' but is a chapter's "
                        "slug itself: slugs are never reused",
                        "former_slug_in_use",
                    )
                )
            elif old in seen:
                errors.append(
                    ContentError(
                        "manual.yaml",
                        1,
                        f"'{old}' is listed as a former slug of both '{seen[old]}' and '{current}'",
                        "former_slug_twice",
                    )
                )
            seen[old] = current


def check_tree(versions, errors):
    """Rules between the files of the tree: version numbering, dates in order, one number per
    chapter."""
    by_slug = defaultdict(list)
    for version in versions:
        by_slug[version.slug].append(version)
    for slug, chapter_versions in by_slug.items():
        seen = {}
        for version in sorted(chapter_versions, key=lambda v: (v.number, v.path)):
            if version.number in seen:
                errors.append(
                    ContentError(
                        version.path,
                        version.line_of("number"),
                        f"version {version.number} of chapter '{slug}' is also in "
                        f"{seen[version.number].path}: each chapter needs its own slug, "
                        "and each version number is used once",
                        "duplicate_version",
                    )
                )
            else:
                seen[version.number] = version
        gap = rules.numbering(seen, what=f"chapter '{slug}'")
        if gap is not None:
            last = seen[max(seen)]
            errors.append(ContentError(last.path, last.line_of("number"), str(gap), gap.code))
    latest = {slug: max(vs, key=lambda v: v.number) for slug, vs in by_slug.items()}
    by_number = defaultdict(list)
    for version in latest.values():
        if not version.withdrawn:
            by_number[version.chapter_number].append(version)
    for chapter_number, clashing in by_number.items():
        if len(clashing) > 1:
            for version in clashing:
                others = ", ".join(v.path for v in clashing if v is not version)
                errors.append(
                    ContentError(
                        version.path,
                        version.line_of("chapter_number"),
                        f"chapter number {chapter_number} is also used by {others}; "
                        "give each chapter its own number",
                        "duplicate_chapter_number",
                    )
                )


def check_versions(
    versions, parts, releases, known_targets, former_slugs, errors, stored=None, notes=None
):
    """Render each version not stored yet and apply the version rules to it; returns the
    records, those rendered with their rendering.

    A dead end (procedures.dead_ends) goes to `notes` instead of `errors` unless the version
    is its chapter's latest and takes effect today or later: a version that took effect
    before today, or that a later one follows, was published already and cannot change, so
    it is reported, not refused.

    `stored` maps (slug, number) to the source hash of each version in the database: a
    version stored with the same hash was checked when it was loaded and is passed through
    unrendered, so loading an unchanged tree renders nothing. `known_targets` (a mapping, or a
    function returning one, called only when something needs checking) are the chapters
    stored already, which the files may link to.
    """
    stored = stored or {}
    today = timezone.localdate()
    by_slug = defaultdict(list)
    for version in versions:
        by_slug[version.slug].append(version)
    for chapter_versions in by_slug.values():
        chapter_versions.sort(key=lambda v: v.number)
    unchanged = {id(v) for v in versions if stored.get((v.slug, v.number)) == v.source_hash}
    if len(unchanged) == len(versions):
        return list(versions)
    known = known_targets() if callable(known_targets) else known_targets
    latest = {slug: vs[-1] for slug, vs in by_slug.items()}
    # Each version is rendered once. A link's text needs only the title of the chapter it
    # names, known before rendering; whether the section it names exists needs that chapter's
    # anchors, known only once the chapter is rendered. So the versions are rendered against
    # targets that know every title and accept any section, and the links are checked against
    # the real anchors afterwards.
    provisional = dict(known)
    for slug, version in latest.items():
        if id(version) in unchanged and slug in known:
            continue  # stored as it is: the database knows its anchors
        provisional[slug] = LinkTarget(slug=slug, title=version.title, anchors=_ANY_SECTION)
    _follow_former_slugs(provisional, former_slugs)
    rendered = {
        id(version): render_markdown(
            version.body, targets=provisional, slug=version.slug, first_line=version.body_line
        )
        for version in versions
        if id(version) not in unchanged
    }
    targets = dict(known)
    for slug, version in latest.items():
        if id(version) in rendered:
            anchors = rendered[id(version)].anchors
            targets[slug] = LinkTarget(slug=slug, title=version.title, anchors=anchors)
    _follow_former_slugs(targets, former_slugs)
    result = []
    for slug, chapter_versions in by_slug.items():
        previous = None
        for version in chapter_versions:
            if id(version) in unchanged:
                result.append(version)
                previous = version
                continue
            checked, problems = check_version(
                version,
                rendered=_with_links_checked(rendered[id(version)], targets, slug),
                targets=targets,
                previous=previous,
                parts=parts if parts else None,
                releases=releases,
                is_latest=version is latest[slug],
            )
            is_history = version is not latest[slug] or version.effective_date < today
            for problem in problems:
                kept = notes if is_history and problem.code == dead_ends.CODE else errors
                if kept is not None:
                    kept.append(ContentError.of(problem, version))
            result.append(replace(version, rendered=checked))
            previous = version
    return result


class _AnySection(frozenset):
    """The anchors of a chapter not rendered yet: every section is taken to exist."""

    def __contains__(self, anchor):
        return True


_ANY_SECTION = _AnySection()
_LINK_PROBLEMS = {"unknown_chapter", "unknown_section"}


def _follow_former_slugs(targets, former_slugs):
    for current, olds in former_slugs.items():
        if current in targets:
            for old in olds:
                targets.setdefault(old, targets[current])  # old links still lead there


def _with_links_checked(rendered, targets, slug):
    """`rendered` with its cross-links checked against the real targets (the renderer's own
    check, as rendering with them would have made it)."""
    if not rendered.links:
        return rendered
    problems = [p for p in rendered.problems if p.code not in _LINK_PROBLEMS]
    problems.extend(link_problems(rendered.links, targets, slug, rendered.anchors))
    return replace(rendered, problems=tuple(sorted(problems, key=lambda p: p.line or 0)))
