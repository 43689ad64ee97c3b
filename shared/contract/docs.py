"""The API docs page, served by both services from files kept once in `shared/`.

Swagger UI's assets are vendored in `shared/contract/static/swagger-ui/` so `/docs` renders with no
network (FastAPI's default page loads them from a CDN and stays blank offline).
"""

from pathlib import Path

from shared.contract.openapi import API_TITLE

STATIC_DIR = Path(__file__).parent / "static"
_TEMPLATE = (Path(__file__).parent / "templates" / "swagger-ui.html").read_text()


def swagger_ui_html(openapi_url: str = "/openapi.json", title: str = API_TITLE) -> str:
    return _TEMPLATE.format(title=title, openapi_url=openapi_url)
