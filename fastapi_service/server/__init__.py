"""The server layer, the armour: what makes the app of `fastapi_service/app/` fit to face the
internet. The launcher (`python -m fastapi_service.server`), the request deadline, the middleware
(request ids, access log, metrics, limits, CORS) and the thread-pool check of large bodies.
Lesson 13 walks through it."""
