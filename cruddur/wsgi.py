import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cruddur.settings")
application = get_wsgi_application()

# Build the DynamoDB client (botocore's service model, the connection pool) while the worker
# starts, so no request pays for it. Building connects to nothing.
from messaging import ddb  # noqa: E402

ddb.get_store()
