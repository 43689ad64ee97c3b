"""The API docs page, served by both services from files kept once in `shared/`.

Swagger UI's assets are vendored in `shared/contract/static/swagger-ui/` so `/docs` renders with no
network (FastAPI's default page loads them from a CDN and stays blank offline).
"""

from pathlib import Path

from shared.contract.openapi import API_TITLE

STATIC_DIR = Path(__file__).parent / "static"
_TEMPLATE = (Path(__file__).parent / "templates" / "swagger-ui.html").read_text()


def swagger_ui_html(prefix: str = "", title: str = API_TITLE) -> str:
    """`prefix`: the route prefix the service is mounted under (Ray Serve's, a proxy's), which
    every URL on the page must start with; empty when the service is served at the root."""
    return _TEMPLATE.format(title=title, prefix=prefix, openapi_url=f"{prefix}/openapi.json")


def playground_html(prefix: str) -> str:
    """The playground page for a service under `prefix`: its URLs are relative, so a <base>
    set to the prefix makes them follow it."""
    page = (STATIC_DIR / "playground" / "index.html").read_text()
    return page.replace("<head>", f'<head>\n  <base href="{prefix}/">', 1)
