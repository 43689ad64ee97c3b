"""One client interface over both services, in-process or over real HTTP.

A contract test gets a `Client` and cannot tell which service or mode it talks to: the base class
holds the interface, each subclass adapts one way of sending a request.
"""

from typing import Any

import httpx2
import requests
from fastapi.testclient import TestClient

from shared.core.settings import Settings


def create_app(service: str, settings: Settings, **options: Any) -> Any:
    """The service's own factory: `create_app(settings, predictor=..., load_model=...)`."""
    if service == "fastapi":
        from fastapi_service.app import create_app as factory
    else:
        from flask_service.app import create_app as factory
    return factory(settings, **options)


class Client:
    """What a test calls: `get`, `post`, `put`, `delete`, all through `request`."""

    service: str

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        raise NotImplementedError

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Any:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Any:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)

    def close(self) -> None:
        raise NotImplementedError


class FastAPIClient(Client):
    """In-process, through FastAPI's TestClient, which also runs the app's lifespan."""

    service = "fastapi"

    def __init__(self, app: Any) -> None:
        self.app = app
        self._client = TestClient(app, raise_server_exceptions=False)
        self._client.__enter__()  # runs the lifespan: the model loads here

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._client.request(method, path, **kwargs)

    def close(self) -> None:
        self._client.__exit__(None, None, None)  # the lifespan's shutdown disposes the engine


class FlaskClient(Client):
    """In-process, through an httpx WSGI transport (the same response API as TestClient's)."""

    service = "flask"

    def __init__(self, app: Any) -> None:
        self.app = app
        transport = httpx2.WSGITransport(app=app)
        self._client = httpx2.Client(transport=transport, base_url="http://testserver")

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        return self._client.request(method, path, **kwargs)

    def close(self) -> None:
        self._client.close()
        # Flask has no shutdown hook: close the database connections create_app opened.
        self.app.extensions["store_engine"].dispose()


IN_PROCESS_CLIENTS: dict[str, type[FastAPIClient | FlaskClient]] = {
    "fastapi": FastAPIClient,
    "flask": FlaskClient,
}


def in_process_client(service: str, app: Any) -> FastAPIClient | FlaskClient:
    return IN_PROCESS_CLIENTS[service](app)


class LiveClient(Client):
    """Over real HTTP with `requests`, against a server on `base_url`."""

    def __init__(self, service: str, base_url: str) -> None:
        self.service = service
        self.base_url = base_url
        self._session = requests.Session()

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        if "content" in kwargs:  # httpx's name for a raw body; requests calls it `data`
            kwargs["data"] = kwargs.pop("content")
        kwargs.setdefault("timeout", 30)
        return self._session.request(method, self.base_url + path, **kwargs)

    def close(self) -> None:
        self._session.close()
