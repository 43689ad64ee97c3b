"""`python -m shared.preflight`: load the model as the services will, before a server starts.

A model that cannot be served must stop the start with one line that names the problem and the fix.
Inside the servers it cannot: uvicorn prints the start-up hook's traceback once per worker (and with
--workers its parent then exits 0), gunicorn prints each worker's traceback and exits 3. So the run
targets call this first; the services still refuse a bad artifact themselves (defence in depth).
"""

import sys

from shared.errors import ModelLoadError
from shared.model import Predictor
from shared.settings import Settings


def main(argv: list[str]) -> int:
    """`--print-sha256`: print the verified artifact's SHA-256 on stdout, for the launcher to
    pass to every worker as MODEL_SHA256 (see `shared.model.check_pinned`)."""
    settings = Settings()
    try:
        predictor = Predictor.load(settings.model_path, settings.card_path, settings.model_sha256)
    except ModelLoadError as error:
        print(f"cannot start: {error}", file=sys.stderr)
        return 1
    if "--print-sha256" in argv:
        print(predictor.card.sha256)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
