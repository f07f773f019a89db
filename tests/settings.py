"""The settings the suite runs with: the project's own, plus what the suite needs on any database.

`.ci/run` sets DATABASE_URL (Postgres), and a DATABASE_URL makes a configuration a deployment: one that
must have its own SECRET_KEY and name its front end. The suite serves the test client plain HTTP as the
embedded default does, so DEBUG is on. Set in the environment, not only here, so that the servers and
commands the tests start get the same; anything already set wins.
"""
import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("FRONTEND_URL", "http://localhost:3000")
os.environ.setdefault("BACKEND_URL", "http://localhost:8000")

from cruddur.settings import *  # noqa: F403
