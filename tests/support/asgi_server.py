"""The project's ASGI application under uvicorn in a thread of the test process, on the test database and
table: pytest-django's live server speaks WSGI, which cannot hold an event stream open."""
import threading
import time

import uvicorn

from messaging.devtools.dynamodb_local import free_port


class ThreadedUvicorn:
    def __init__(self):
        from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        from cruddur.asgi import application

        self.port = free_port()
        # Static files as pytest-django's live server serves them (the tests run with DEBUG off).
        config = uvicorn.Config(ASGIStaticFilesHandler(application), host="127.0.0.1", port=self.port,
                                log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 15) -> None:
        self.thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "uvicorn did not start"
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(15)
