"""`python -m shared.core.preflight`: what must happen once before a server starts its workers.

1. Load the model as the services will. A model that cannot be served must stop the start with
   one line that names the problem and the fix. Inside the servers it cannot: each worker would
   print the start-up hook's traceback, once per restart. The services still refuse a bad artifact
   themselves (defence in depth).
2. Pin the artifact it verified: MODEL_SHA256 in the environment the workers inherit, so a
   worker (re)started after the artifact was replaced refuses it instead of serving another model
   under the same version (`shared.core.model.check_pinned`). A pin set by the operator is kept.
3. Migrate the predictions store to the newest schema, once, not in every worker or request. A
   database that is down now does not stop the start: the store answers 503 until it is back and
   migrated (this runs again at the next start). It runs in a process of its own, so that the
   database driver is never imported by the process that starts the workers (see
   `migrate_in_a_process_of_its_own`).

Both launchers (`python -m fastapi_service.server`, `python -m flask_service.server`) call it;
`make dev-*` too.
"""

import multiprocessing
import os
import sys

from sqlalchemy.exc import OperationalError

from shared.core.errors import ModelLoadError
from shared.core.model import Predictor
from shared.core.settings import Settings
from shared.core.store import migrate


def main() -> int:
    settings = Settings()
    try:
        predictor = Predictor.load(settings.model_path, settings.card_path, settings.model_sha256)
    except ModelLoadError as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 1
    os.environ["MODEL_SHA256"] = predictor.card.sha256  # the workers inherit it
    migrate_in_a_process_of_its_own(settings.database_url)
    return 0


def migrate_in_a_process_of_its_own(url: str) -> None:
    """A gevent worker (Flask's) makes blocking calls cooperative when it starts, by patching the
    standard library; a module imported before that keeps the blocking calls. psycopg picks its
    wait at import, so had the launcher imported it here, before the workers forked, one slow
    PostgreSQL connection would freeze a whole worker. The workers import it themselves."""
    child = multiprocessing.get_context("spawn").Process(target=migrate_or_say_why, args=(url,))
    child.start()
    child.join()


def migrate_or_say_why(url: str) -> None:
    try:
        migrate(url)
    except OperationalError as error:
        print(f"prediction store unavailable, not migrated: {error.orig or error}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
