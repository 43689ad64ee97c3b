"""The Flask adapter: app factory, blueprint, extensions, error handlers, request hooks."""
