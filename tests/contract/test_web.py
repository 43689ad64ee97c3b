"""The framework-free HTTP helpers both services call."""

import pytest

from shared.contract.errors import EmptyBody, UnsupportedMediaType
from shared.contract.web import check_json_request, dumps, is_json_content_type, request_id_from


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "Application/JSON",
        "application/json; charset=utf-8",
        "application/x+json",
    ],
)
def test_json_content_types(content_type):
    assert is_json_content_type(content_type)


@pytest.mark.parametrize("content_type", [None, "", "text/json", "text/plain", "application/jsonx"])
def test_other_content_types(content_type):
    assert not is_json_content_type(content_type)


def test_body_methods_need_json():
    with pytest.raises(UnsupportedMediaType):
        check_json_request("POST", "text/plain", b"{}")


def test_body_methods_need_a_body():
    with pytest.raises(EmptyBody):
        check_json_request("PUT", "application/json", b"")


def test_methods_without_body_are_not_checked():
    check_json_request("GET", None, b"")


def test_request_id_is_kept_when_safe():
    assert request_id_from("trace-1.2:3_x") == "trace-1.2:3_x"


@pytest.mark.parametrize("unsafe", [None, "", "a b", "x" * 129, "line\nbreak", "é"])
def test_unsafe_request_id_is_replaced(unsafe):
    generated = request_id_from(unsafe)
    assert generated != unsafe
    assert len(generated) == 32


def test_dumps_is_compact_utf8():
    assert dumps({"a": [1.5, "é"]}) == '{"a":[1.5,"é"]}'.encode()


def test_dumps_refuses_non_finite_numbers():
    with pytest.raises(ValueError):
        dumps({"a": float("nan")})
