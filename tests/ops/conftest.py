"""Operations tests reuse the publishing tests' manual, people and drafts."""

from tests.partnerships.conftest import two_partnerships  # noqa: F401,E402 (fixture)
from tests.publishing.conftest import (  # noqa: F401 (fixtures)
    draft_of,
    editor,
    publisher,
    small_manual,
)
from tests.updates.conftest import subscriber  # noqa: F401 (fixture)
