"""Exercise 17, solved: GET /feature ported from the FastAPI twin."""

from flask import Flask, jsonify, request
from pydantic import ValidationError
from schemas import FeatureQuery

from shared.contract.errors import validation_error_body
from shared.core.model import Predictor


def create_app(predictor: Predictor) -> Flask:
    app = Flask(__name__)
    features = {feature.name: feature for feature in predictor.card.features}

    @app.get("/feature")
    def feature():
        """One feature of the model: its description and its training range."""
        try:
            # FastAPI validates the query for us; in Flask we hand the query string to pydantic.
            query = FeatureQuery.model_validate(request.args.to_dict())
        except ValidationError as error:
            return jsonify(validation_error_body(error.errors(), ("query",))), 422
        return jsonify(features[query.name].model_dump(exclude={"name"}))

    return app
