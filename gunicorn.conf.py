"""gunicorn settings for production: ``gunicorn -c gunicorn.conf.py wsgi:app``.

Environment: ``PORT`` (8000), ``BIND`` (``127.0.0.1:$PORT``: put a reverse proxy in front),
``WEB_CONCURRENCY`` (workers; default 2 × cores + 1), ``GUNICORN_THREADS`` (threads per worker, 2),
``GUNICORN_TIMEOUT`` (seconds, 60). Analyses and large exports run on RQ workers
(``flask --app wsgi consult worker``), never in a web request.
"""
import multiprocessing
import os

bind = os.environ.get("BIND", f"127.0.0.1:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
worker_class = "gthread"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
max_requests = 2000  # recycle workers now and then (memory)
max_requests_jitter = 200
accesslog = "-"
errorlog = "-"
# one line per request; with LOG_FORMAT=json the app's own logs are JSON too
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%({x-request-id}o)s"'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
