"""The API key check that guards DELETE /predictions/{id}."""

import pytest
from pydantic import SecretStr

from shared.errors import Unauthorized
from shared.security import check_api_key

KEY = SecretStr("s3cret-key")


def test_the_configured_key_passes():
    check_api_key(KEY, "s3cret-key")


@pytest.mark.parametrize("presented", [None, "", "s3cret", "s3cret-key ", "S3CRET-KEY", "ké"])
def test_any_other_key_is_unauthorized(presented):
    with pytest.raises(Unauthorized):
        check_api_key(KEY, presented)


@pytest.mark.parametrize("configured", [None, SecretStr("")])
def test_without_a_configured_key_every_request_is_unauthorized(configured):
    with pytest.raises(Unauthorized):
        check_api_key(configured, "")
