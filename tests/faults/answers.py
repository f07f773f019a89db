"""What an answer must look like while DynamoDB is unavailable: 503 with Retry-After, in time."""
import logging

from tests.support.app_client import Timed

logger = logging.getLogger(__name__)

UNAVAILABLE_PAGE_TITLE = "Messages are unavailable right now"


def assert_unavailable_json(answer: Timed, bound: float, what: str) -> None:
    response = answer.response
    assert response.status_code == 503, (what, response.status_code, response.text[:500])
    assert response.headers["Content-Type"] == "application/json", what
    assert response.json()["detail"], what
    assert int(response.headers["Retry-After"]) >= 1, what
    assert answer.seconds < bound, (what, answer.seconds, bound)
    logger.info("%s: 503 in %.2f s (bound %.1f s)", what, answer.seconds, bound)


def assert_unavailable_page(answer: Timed, bound: float, what: str) -> None:
    response = answer.response
    assert response.status_code == 503, (what, response.status_code, response.text[:500])
    assert response.headers["Content-Type"].startswith("text/html"), what
    assert UNAVAILABLE_PAGE_TITLE in response.text, what
    assert int(response.headers["Retry-After"]) >= 1, what
    assert answer.seconds < bound, (what, answer.seconds, bound)
