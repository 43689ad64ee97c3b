"""Exercise 13 (given, do not edit): the admin key, for part 2."""

import hmac

ADMIN_KEY_HEADER = "X-Admin-Key"
ADMIN_KEY = "exercise-13-admin-key"  # a real service reads it from its settings, never its code


def check_admin_key(presented: str | None) -> bool:
    """Whether the client presented the admin key (compared in constant time)."""
    return presented is not None and hmac.compare_digest(presented.encode(), ADMIN_KEY.encode())
