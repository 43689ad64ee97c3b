"""`python -m flask_service.server`: see launcher.py."""

from flask_service.server.launcher import main

# Guarded: a worker started by multiprocessing's "spawn" imports this module again, and must
# not start a second server.
if __name__ == "__main__":
    main()
