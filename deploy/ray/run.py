"""`make run-ray`: both services on a local Ray Serve cluster, on loopback, until Ctrl-C.

    python -m deploy.ray.run --port 8000 --nodes 2

The services read their settings from the environment, as under `make run-*` (MODEL_PATH,
DATABASE_URL, API_KEY, ...): every replica gets this process's values.
"""

import argparse
import os
import signal
import time

from deploy.ray.cluster import LoopbackCluster, deploy, serve_config
from shared.core.settings import Settings

# The settings the services read (shared/settings.py), passed on to every replica when set here.
PASSED_ON = [name.upper() for name in Settings.model_fields]


def stop_on_signal(number: int, frame: object) -> None:
    raise KeyboardInterrupt  # SIGTERM stops the cluster as Ctrl-C does


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--nodes", type=int, default=2)
    options = parser.parse_args()
    env = {name: os.environ[name] for name in PASSED_ON if name in os.environ}
    started = time.monotonic()
    cluster = LoopbackCluster(nodes=options.nodes, http_port=options.port).start()
    try:
        config = serve_config(env)
        config["http_options"]["port"] = options.port
        deploy(config)
        print(f"Ready in {time.monotonic() - started:.0f} s on {options.nodes} nodes:", flush=True)
        for application in config["applications"]:
            print(f"  {cluster.base_url}{application['route_prefix']}/health", flush=True)
        signal.signal(signal.SIGTERM, stop_on_signal)
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
