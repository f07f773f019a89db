from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def ddb_command():
    """Run `manage.py ddb ...` and return what it printed."""

    def run(*args):
        out = StringIO()
        call_command("ddb", *args, stdout=out)
        return out.getvalue()

    return run
