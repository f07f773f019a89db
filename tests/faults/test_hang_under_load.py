"""DynamoDB Local hanging (SIGSTOP) while readers wait on it: the app as deployed (gunicorn's threaded workers,
the default client limits) answers the health check and a login while the readers are still waiting, and every
stuck reader gets its 503 within the DynamoDB deadline the README states. The attack run measured 29.6 s for
the health check with four readers stuck on sync workers, and 15-30 s for the readers.

A gthread worker accepts a connection even when all its threads are busy, and the readers' connections may all
be on one worker; so the test holds one thread fewer than a worker has, and the guarantee it checks is the one
the deployment gives: a worker with a free thread answers at once whatever the others wait on."""
import logging
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from bench.harness import PASSWORD, gunicorn
from cruddur import gunicorn_conf
from tests.faults.answers import assert_unavailable_json
from tests.faults.limits import DEFAULT_LIMITS, HANG_DEADLINE_SECONDS
from tests.faults.servers import App, app_env
from tests.support.app_client import TIMEOUT, Api, Timed, all_worker_pids, timed

pytestmark = pytest.mark.ddb_local
logger = logging.getLogger(__name__)

WORKERS = 2
STUCK_READERS = gunicorn_conf.threads - 1  # 7 on the defaults: more than the attack run's four, all at once


@pytest.fixture
def deployed_app(ddb, users_dir, table_client):
    """gunicorn with the deployed settings (cruddur/gunicorn_conf.py) and no DDB_* variables: the defaults."""
    with gunicorn(app_env(ddb.endpoint_url, users_dir), workers=WORKERS) as (process, base_url):
        app = App(process, base_url, DEFAULT_LIMITS, workers=WORKERS)
        all_worker_pids(process.pid, WORKERS)
        yield app


def test_a_hanging_dynamodb_leaves_the_health_check_and_login_answering(ddb, deployed_app):
    readers = [Api(deployed_app.base_url, "andrewbrown") for _ in range(STUCK_READERS)]
    group = readers[0].send({"message": "before the hang", "handle": "bayko"}).response.json()["message_group_uuid"]
    for reader in readers:  # each reader's connection is warm, as a busy client's would be
        assert reader.get(f"/api/messages/{group}").response.status_code == 200

    ddb.freeze()
    with ThreadPoolExecutor(STUCK_READERS) as pool:
        stuck = [pool.submit(reader.get, f"/api/messages/{group}") for reader in readers]
        time.sleep(0.3)  # every reader is now waiting on DynamoDB
        assert not any(future.done() for future in stuck), "the readers should be waiting on DynamoDB"

        health = timed(requests.get, f"{deployed_app.base_url}/api/health-check")
        login = timed(requests.post, f"{deployed_app.base_url}/api/auth/token",
                      json={"username": "bayko", "password": PASSWORD})
        answers: list[Timed] = [future.result(TIMEOUT) for future in stuck]

    logger.info("health check %.3f s, login %.3f s, readers %s s", health.seconds, login.seconds,
                [round(answer.seconds, 2) for answer in answers])
    first_reader_answer = min(answer.finished_at for answer in answers)
    assert health.response.status_code == 200 and health.response.json() == {"success": True, "ver": 1}
    assert health.finished_at < first_reader_answer, "the health check waited for the stuck readers"
    assert login.response.status_code == 200 and login.response.json()["access_token"]
    assert login.finished_at < first_reader_answer, "the login waited for the stuck readers"
    for answer in answers:
        assert_unavailable_json(answer, HANG_DEADLINE_SECONDS, "GET /api/messages/<uuid>, DynamoDB hanging")

    ddb.thaw()
    assert readers[0].get(f"/api/messages/{group}").response.status_code == 200
