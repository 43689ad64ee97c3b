"""Baselines the services are measured against: the seed's naive apps and bare ASGI/WSGI floors."""
