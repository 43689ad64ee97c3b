"""The Open Inference Protocol (KServe V2 REST), framework-free, split as MLServer splits it.

- `types.py`: the protocol's JSON shapes (pydantic models) and names;
- `codec.py`: request bytes -> tensors -> the same `list[Patient]` as `POST /predict/batch`, and
  predictions -> response bytes (JSON, or the binary tensor extension);
- `dataplane.py`: what each endpoint does, called by both services' thin routes (`v2.py`).

V2 is a second way in, never a second model path: the codec calls the one `Predictor`. What the
routes document in OpenAPI lives with the REST tables, in `shared/contract/openapi.py`.
"""
