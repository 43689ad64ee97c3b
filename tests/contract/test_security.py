"""The API key check that guards DELETE /predictions/{id}, for both services alike."""

import pytest
from pydantic import SecretStr

from shared.contract.errors import Unauthorized
from shared.contract.security import check_api_key

KEY = SecretStr("s3cret-key")


@pytest.mark.parametrize("presented", ["s3cret-key", " s3cret-key", "s3cret-key \t"])
def test_the_configured_key_passes_with_or_without_surrounding_spaces(presented):
    check_api_key(KEY, [presented])


@pytest.mark.parametrize(
    "presented", ["", "s3cret", "s3cret-key2", "S3CRET-KEY", "ké", "s3cret -key"]
)
def test_any_other_key_is_unauthorized(presented):
    with pytest.raises(Unauthorized):
        check_api_key(KEY, [presented])


@pytest.mark.parametrize(
    "presented",
    [[], ["s3cret-key", "s3cret-key"], ["s3cret-key", "wrong"], ["s3cret-key,s3cret-key"]],
)
def test_no_key_or_a_key_sent_twice_is_unauthorized(presented):
    with pytest.raises(Unauthorized):
        check_api_key(KEY, presented)


@pytest.mark.parametrize("configured", [None, SecretStr("")])
def test_without_a_configured_key_every_request_is_unauthorized(configured):
    with pytest.raises(Unauthorized):
        check_api_key(configured, [""])
