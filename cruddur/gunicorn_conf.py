"""gunicorn's settings for this app, as deployed: `gunicorn -c cruddur/gunicorn_conf.py cruddur.wsgi`.

Threaded workers (gthread): a request waiting on a hanging DynamoDB holds one thread, at most for its
DynamoDB deadline (~3 s, see the README), while the other threads keep answering the health check and
logins. With sync workers, four such requests took both workers and the health check waited 29.6 s.
Capacity: workers (WEB_CONCURRENCY, gunicorn's own variable) x GUNICORN_THREADS requests at once.
"""
import os

worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
