"""Friendly pages for what went wrong: not found, a bad link, DynamoDB unavailable."""
import functools
import logging

from django.shortcuts import render

from messaging.errors import MessagesUnavailable

logger = logging.getLogger(__name__)


def problem_page(request, status: int, title: str, explanation: str):
    # No unread total in the header: when DynamoDB is the problem, asking it again would only add its deadline.
    return render(request, "pages/problem.html", {"title": title, "explanation": explanation,
                                                  "hide_unread_total": True}, status=status)


def not_found_page(request, explanation: str = "There is nothing here, or it is not yours to see."):
    return problem_page(request, 404, "Not found", explanation)


def bad_link_page(request, explanation: str):
    return problem_page(request, 400, "This link is not valid", explanation)


def store_unavailable_as_page(view):
    """Answer 503 with a page saying to try again, instead of a server error, when DynamoDB is down."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except MessagesUnavailable as error:
            logger.warning("messages store unavailable for %s: %s", request.path, error)
            response = problem_page(
                request, 503, "Messages are unavailable right now",
                "We could not reach the message store. Please try again in a moment. If you were sending a message, "
                "go back and press Send again: it will not be sent twice.",
            )
            response["Retry-After"] = str(error.retry_after)
            return response

    return wrapper
