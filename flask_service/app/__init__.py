"""The app layer, the lesson: the factory (`main.py`), the routes and what they depend on.

`flask_service.app:create_app` is the factory every server of this project calls. The server
layer that hardens it (deadlines, limits, the launcher) is in `flask_service/server/`.
"""

from flask_service.app.main import create_app

__all__ = ["create_app"]
