"""Both services on a Ray Serve cluster (docs/deployment.md, "Ray Serve")."""
