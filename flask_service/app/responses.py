"""JSON answers rendered by the core's one encoder, so both services emit the same bytes."""

import json

from flask import Response
from flask.json.provider import JSONProvider

from shared.contract.web import dumps


class ContractJSONProvider(JSONProvider):
    """Flask's JSON (`jsonify`, a route's returned dict) through the core's encoder."""

    def dumps(self, obj: object, **kwargs: object) -> str:
        return dumps(obj).decode()

    def loads(self, s: str | bytes, **kwargs: object) -> object:
        return json.loads(s)


def json_response(content: object, status_code: int) -> Response:
    return Response(dumps(content), status=status_code, mimetype="application/json")
