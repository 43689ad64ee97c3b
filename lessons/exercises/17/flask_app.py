"""Exercise 17: the Flask twin. TODO: port GET /feature from fastapi_app.py (see README.md)."""

from flask import Flask, jsonify, request  # noqa: F401 (you will use them)
from pydantic import ValidationError  # noqa: F401 (you will use it)
from schemas import FeatureQuery  # noqa: F401 (you will use it)

from shared.contract.errors import validation_error_body  # noqa: F401 you will use it
from shared.core.model import Predictor


def create_app(predictor: Predictor) -> Flask:
    app = Flask(__name__)
    features = {feature.name: feature for feature in predictor.card.features}  # noqa: F841

    # TODO: GET /feature?name=bmi, answering exactly what the FastAPI twin answers, 422s included.

    return app
