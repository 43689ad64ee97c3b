"""The test suite's machinery: clients of both services (in-process and live), live servers
started as `make run-*` starts them, and throwaway databases. Fixtures live in the root
conftest.py; tests import helpers from here, never from conftest (pytest advises against it)."""

SERVICES = ("fastapi", "flask")
MODES = ("inprocess", "live")
