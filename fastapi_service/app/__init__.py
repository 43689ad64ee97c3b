"""The app layer, the lesson: the factory (`main.py`), the routes and what they depend on.

`fastapi_service.app:create_app` is the factory every server of this project calls. The server
layer that hardens it (deadlines, limits, the launcher) is in `fastapi_service/server/`.
"""

from fastapi_service.app.main import create_app

__all__ = ["create_app"]
