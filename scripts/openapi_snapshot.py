"""Write the OpenAPI snapshot both services' documents must equal, word for word.

    make openapi-snapshot        (or: .venv/bin/python -m scripts.openapi_snapshot)

tests/contract/test_openapi.py compares each service's /openapi.json with the committed file, so
any change to the contract shows up as a diff of this file in review. Run this after a change
that is meant to alter the document; it refuses to write while the two services disagree.
"""

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from shared.core.settings import PROJECT_ROOT, Settings

SNAPSHOT = PROJECT_ROOT / "tests" / "contract" / "openapi.snapshot.json"


def served_documents(settings: Settings) -> dict[str, dict[str, Any]]:
    """Each service's document, from an app built without a model (the document needs none)."""
    from fastapi.testclient import TestClient

    from fastapi_service.app import create_app as create_fastapi_app
    from flask_service.app import create_app as create_flask_app

    with TestClient(create_fastapi_app(settings, load_model=False)) as client:
        fastapi_document = client.get("/openapi.json").json()
    flask_app = create_flask_app(settings, load_model=False)
    flask_document = flask_app.test_client().get("/openapi.json").get_json()
    flask_app.extensions["store_engine"].dispose()
    return {"fastapi": fastapi_document, "flask": flask_document}


def rendered(document: dict[str, Any]) -> str:
    """The snapshot's text: sorted keys and one value per line, so a review diff is small, and
    `1` and `1.0` stay different (a client generator sees the difference)."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{Path(folder) / 'snapshot.db'}")
        documents = served_documents(settings)
    fastapi_text, flask_text = (rendered(document) for document in documents.values())
    if fastapi_text != flask_text:
        print("the two services' documents differ: make them agree first", file=sys.stderr)
        return 1
    SNAPSHOT.write_text(fastapi_text)
    print(f"wrote {SNAPSHOT.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
