"""The server layer, the armour: what makes the app of `flask_service/app/` fit to face the
internet. The launcher (`python -m flask_service.server`), the request deadline, the request
hooks (request ids, access log, metrics, limits, CORS) and gunicorn's own answers and hooks.
Lesson 13 walks through it."""
