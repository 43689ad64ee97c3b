"""The API docs page, served by both services from files kept once in `shared/`.

Swagger UI's assets are vendored in `shared/static/swagger-ui/` so `/docs` renders with no network
(FastAPI's default page loads them from a CDN and stays blank offline).
"""

from pathlib import Path

STATIC_DIR = Path(__file__).parent / "static"
_TEMPLATE = (Path(__file__).parent / "templates" / "swagger-ui.html").read_text()

API_TITLE = "Diabetes progression model"
API_DESCRIPTION = (
    "Predicts disease progression one year after baseline from ten measurements "
    "(scikit-learn's diabetes data). The same contract is served by a FastAPI and a Flask service."
)


def swagger_ui_html(openapi_url: str = "/openapi.json", title: str = API_TITLE) -> str:
    return _TEMPLATE.format(title=title, openapi_url=openapi_url)
