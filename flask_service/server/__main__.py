"""`python -m flask_service.server`: see launcher.py."""

from flask_service.server.launcher import main

main()
