"""A stand-in DynamoDB on 127.0.0.1 that refuses every call as throttled and counts the calls.

botocore.stub.Stubber answers before botocore's retry handler runs, so it cannot show retries; a real HTTP
endpoint answering what DynamoDB answers (HTTP 400, the JSON error body) goes through all of botocore.
"""
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ThrottlingDynamoDB:
    def __init__(self):
        self.error_code = "ProvisionedThroughputExceededException"
        self._operations: list[str] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "ThrottlingDynamoDB":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(10)

    def take_operations(self) -> list[str]:
        """The operations called since the last take (one entry per HTTP request, so per attempt)."""
        with self._lock:
            taken, self._operations = self._operations, []
        return taken

    def _record(self, operation: str) -> str:
        with self._lock:
            self._operations.append(operation)
            return self.error_code

    def _handler_class(self):
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as DynamoDB

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                # X-Amz-Target: DynamoDB_20120810.<Operation>
                code = stub._record(self.headers.get("X-Amz-Target", "").rpartition(".")[2])
                body = json.dumps({"__type": f"com.amazonaws.dynamodb.v20120810#{code}",
                                   "message": "Rate of requests exceeds the allowed throughput."}).encode()
                self.send_response(400)
                self.send_header("Content-Type", "application/x-amz-json-1.0")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass  # the test counts the calls; no per-request lines on stderr

        return Handler
