"""`python -m fastapi_service.server`: see launcher.py."""

from fastapi_service.server.launcher import main

main()
