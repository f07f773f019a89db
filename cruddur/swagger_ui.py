"""The hash of the one inline <style> in drf-spectacular's Swagger UI page, for the Content-Security-Policy.

Read from the installed template, so an upgrade that changes the style keeps the policy right; the browser
test (tests/browser/test_content_security_policy.py) fails if the page ever needs anything else inline."""
import base64
import hashlib
import importlib.util
import re
from pathlib import Path


def inline_style_hash() -> str:
    package = Path(importlib.util.find_spec("drf_spectacular").origin).parent
    template = (package / "templates" / "drf_spectacular" / "swagger_ui.html").read_text()
    style = re.search(r"<style>(.*?)</style>", template, re.S).group(1)
    return "sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
