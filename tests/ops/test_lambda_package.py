"""The stream Lambda ships without Django: the README's package, imported and run on its own."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
RECORDED = Path(__file__).parent / "events" / "stream_mode_batch.json"

RUN_HANDLER = """
import json, sys
import messaging.stream
from messaging.stream import lambda_handler
event = json.load(open(sys.argv[1]))["handler_writes"]
result = lambda_handler(event, None)
print(json.dumps({"result": result, "from": messaging.stream.__file__,
                  "django": sorted(m for m in sys.modules if m.split(".")[0] == "django")}))
"""


def test_the_packaged_handler_runs_without_django(tmp_path):
    # The package the README's Deploying section builds: messaging/__init__.py, stream.py, store/.
    package = tmp_path / "stream-lambda" / "messaging"
    package.mkdir(parents=True)
    shutil.copy(PROJECT_DIR / "messaging" / "__init__.py", package)
    shutil.copy(PROJECT_DIR / "messaging" / "stream.py", package)
    shutil.copytree(PROJECT_DIR / "messaging" / "store", package / "store",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO", "PYTHONPATH"))}
    env.update(DDB_MESSAGE_TABLE="cruddur-messages", AWS_DEFAULT_REGION="us-east-1")

    completed = subprocess.run(
        [sys.executable, "-c", RUN_HANDLER, str(RECORDED)], cwd=package.parent, env=env,
        capture_output=True, text=True, timeout=60,
    )

    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    assert output == {"result": {"batchItemFailures": []}, "from": str(package / "stream.py"), "django": []}
