"""WSGI entry point: ``flask --app wsgi …`` and ``gunicorn wsgi:app``.

The configuration is chosen by ``CONSULT_CONFIG`` (development, testing or production).
"""
from consult import create_app

app = create_app()
