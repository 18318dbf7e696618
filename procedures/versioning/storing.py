"""Write the next version of anything versioned: the one place every kind's loader and
publisher store a version.

It takes the thing's newest version under a lock, checks the number follows it, closes the
previous version's interval at the new effective date and creates the new version. Older
versions are never altered otherwise.

An urgent correction may take effect before a version already scheduled (today, say, when
the next version is due next week). Then each scheduled version after the correction's date
is moved out of the way, never silently dropped: it keeps its row with a zero-length interval
(it will never be in force as it stands), and the caller carries it forward onto the
correction or sends it back for review (`moved` in the result).
"""

from dataclasses import dataclass, field

from django.db import transaction

from procedures.versioning.models import never_in_force, today
from procedures.versioning.rules import date_order


class VersionConflict(Exception):
    """The thing moved on: another version was stored since the caller looked, or the new
    one would break the order of versions."""


@dataclass
class Stored:
    version: object
    moved: list = field(default_factory=list)  # scheduled versions moved out of the way


def store_next(model, *, scope: dict, values: dict, ahead_of_schedule=False) -> Stored:
    """Create version `values["number"]` of the thing `scope` names (for example
    {"chapter": chapter}). With `ahead_of_schedule`, a version taking effect today or later
    may go before versions already scheduled, which are moved (see the module)."""
    number, effective = values["number"], values["effective_date"]
    # Ordered by number alone: a model's default ordering may join a nullable relation,
    # which a row lock cannot cover.
    versions = model.objects.of(**scope).order_by("number")
    with transaction.atomic():
        # The lock makes concurrent writers of one thing queue up; the unique constraints on
        # the number and on the open-ended version are the last line behind it.
        previous = versions.newest().select_for_update().last()
        expected = previous.number + 1 if previous else 1
        if number != expected:
            raise VersionConflict(f"version {number} cannot follow version {expected - 1}")
        moved = []
        if previous is not None:
            problem = date_order(
                number=number,
                effective_date=effective,
                previous_number=previous.number,
                previous_date=previous.effective_date,
            )
            if problem is not None:
                if not ahead_of_schedule or effective < today():
                    raise VersionConflict(str(problem))
                moved = _move_scheduled(versions, effective)
            else:
                versions.filter(pk=previous.pk).update(valid_until=effective)
        version = model.objects.create(**scope, **values)
    return Stored(version=version, moved=moved)


def _move_scheduled(versions, effective):
    """Versions scheduled after `effective` will never be in force as they stand: each keeps
    a zero-length interval, and the version in force on `effective` ends then (a version
    scheduled for that very day is then never in force either)."""
    in_force = versions.valid_on(effective).select_for_update().first()
    moved = list(
        versions.filter(effective_date__gt=effective)
        .exclude(never_in_force())
        .select_for_update()
        .order_by("number")
    )
    if in_force is not None and in_force.effective_date == effective > today():
        moved.insert(0, in_force)
    for version in moved:
        versions.filter(pk=version.pk).update(valid_until=version.effective_date)
        version.valid_until = version.effective_date
    if in_force is not None and in_force not in moved:
        versions.filter(pk=in_force.pk).update(valid_until=effective)
    return moved
