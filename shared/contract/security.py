"""The API key check that guards deletes, written once for both services."""

import hmac

from pydantic import SecretStr

from shared.contract.errors import Unauthorized

API_KEY_HEADER = "X-API-Key"


def check_api_key(configured: SecretStr | None, presented: list[str]) -> None:
    """Raise `Unauthorized` unless the client presented the configured key, once.

    `presented` is every X-API-Key value the request carries. A key sent twice is refused, even
    twice the right one: a WSGI server joins repeated headers ("key,key"), so both services
    refuse what is ambiguous. Spaces and tabs around a value are not part of it (RFC 9110, 5.5).
    With no key configured, every request is refused: a forgotten setting must close the door,
    not open it. The comparison takes the same time wherever the strings differ
    (`hmac.compare_digest`), so response times leak nothing about the key.
    """
    expected = configured.get_secret_value() if configured is not None else ""
    if not expected or len(presented) != 1:
        raise Unauthorized()
    presented_key = presented[0].strip(" \t")
    # Bytes: compare_digest refuses a str with non-ASCII characters, and a header may have them.
    if not hmac.compare_digest(presented_key.encode(), expected.encode()):
        raise Unauthorized()
