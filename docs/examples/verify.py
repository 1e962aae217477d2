"""Webhook receiver that verifies Standard Webhooks signatures with the Python standard library.

Run: WEBHOOK_SECRET=whsec_... PORT=8080 python3 verify.py
"""
import base64
import hashlib
import hmac
import json
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The HMAC key is the base64-decoded part of the secret after "whsec_".
KEY = base64.b64decode(os.environ["WEBHOOK_SECRET"].removeprefix("whsec_"))
PORT = int(os.environ.get("PORT", "8080"))
TOLERANCE_SECONDS = 5 * 60


def verify(headers, raw_body):
    msg_id = headers.get("webhook-id")
    timestamp = headers.get("webhook-timestamp")
    signatures = headers.get("webhook-signature")
    if not msg_id or not timestamp or not signatures:
        return False
    if not (timestamp.isascii() and timestamp.isdigit()):
        return False
    # Reject replays: the timestamp is signed, so it cannot be changed without breaking the HMAC.
    if abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    signed = f"{msg_id}.{timestamp}.".encode() + raw_body
    expected = base64.b64encode(hmac.new(KEY, signed, hashlib.sha256).digest())
    # Space-separated "v1,<base64>" entries: two while a rotated secret is in its grace period.
    for entry in signatures.split(" "):
        version, _, signature = entry.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode(), expected):
            return True
    return False


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        raw_body = self.rfile.read(length)  # the exact bytes that were signed
        verified = verify(self.headers, raw_body)
        event = json.loads(raw_body) if verified else None
        print(json.dumps({"verified": verified, "type": event and event.get("type")},
                         separators=(",", ":")), flush=True)
        # Answer 2xx first; do the real work (de-duplicated on event["id"]) asynchronously.
        self.send_response(204 if verified else 400)
        self.end_headers()

    def log_message(self, format, *args):
        pass  # keep stdout for the one JSON line per request


server = ThreadingHTTPServer(("", PORT), Handler)
print(f"listening on {PORT}", file=sys.stderr, flush=True)
server.serve_forever()
