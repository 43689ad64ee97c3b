"""The domain: settings, schemas, the model, training, the prediction store and the domain's
errors. It imports nothing from `shared.contract` and knows nothing of HTTP."""
