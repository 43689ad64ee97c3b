"""The FastAPI service as `make run-fastapi` serves it, but predicting with scikit-learn's own
`predict`, as the peers (MLServer, BentoML, ...) do, instead of the pipeline's arithmetic
(shared/core/model.py): measures what the arithmetic is worth, and compares the service with the
peers on the very same model call."""

from fastapi_service.app import create_app
from shared.core.model import Predictor
from shared.core.settings import Settings

settings = Settings()
predictor = Predictor.load(settings.model_path, settings.card_path, arithmetic=False)
app = create_app(settings, predictor)
