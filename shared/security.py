"""The API key check that guards deletes, written once for both services."""

import hmac

from pydantic import SecretStr

from shared.errors import Unauthorized

API_KEY_HEADER = "X-API-Key"


def check_api_key(configured: SecretStr | None, presented: str | None) -> None:
    """Raise `Unauthorized` unless the client presented the configured key.

    With no key configured, every request is refused: a forgotten setting must close the door,
    not open it. The comparison takes the same time wherever the strings differ
    (`hmac.compare_digest`), so response times leak nothing about the key.
    """
    expected = configured.get_secret_value() if configured is not None else ""
    if not expected or presented is None:
        raise Unauthorized()
    # Bytes: compare_digest refuses a str with non-ASCII characters, and a header may have them.
    if not hmac.compare_digest(presented.encode(), expected.encode()):
        raise Unauthorized()
