"""The two services as Ray Serve deployments, built in each replica from their own factories.

`serve.ingress` takes a builder function and calls it when a replica starts, so each replica
builds its app as `make run-*` does in each worker: the model loads there, never in the driver.
Nothing here defines a route: every route is the service's own.
"""

from typing import Any

from ray import serve


def build_fastapi() -> Any:
    """FastAPI's own factory; Ray runs its lifespan (model, batcher, store) in the replica."""
    from fastapi_service.app import create_app

    return create_app()


def build_flask() -> Any:
    """Flask's own factory behind a2wsgi: Ray serves ASGI apps, Flask is a WSGI app. a2wsgi runs
    each request in a thread pool, as a threaded WSGI server would."""
    from a2wsgi import WSGIMiddleware

    from flask_service.app import create_app

    return WSGIMiddleware(create_app())


@serve.deployment(name="fastapi")
@serve.ingress(build_fastapi)
class FastAPIService:
    pass


@serve.deployment(name="flask")
@serve.ingress(build_flask)
class FlaskService:
    pass


# What `import_path` names in serve.yaml; options (replicas, autoscaling) come from the config.
fastapi_app = FastAPIService.bind()
flask_app = FlaskService.bind()
