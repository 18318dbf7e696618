"""Publishing refuses a draft with a dead end (procedures/dead_ends.py) unless the line is
marked <!-- intended -->."""

import pytest

from procedures.publishing import PublishingError
from tests.publishing.helpers import publish


@pytest.mark.django_db
def test_publishing_refuses_a_dead_end_unless_it_is_marked(
    small_manual, draft_of, editor, publisher
):
    draft = draft_of(
        "bullying",
        by=editor,
        replace={"record what they say.": "record what they say, or email"},
    )
    with pytest.raises(PublishingError) as refused:
        publish(by=publisher, draft=draft)
    assert "dead_end" in refused.value.codes
    draft.body = draft.body.replace("or email", "or email <!-- intended -->")
    draft.save()
    (version,) = publish(by=publisher, draft=draft)
    assert "intended" not in version.html
