"""Run one spec-kitty-cli 3.2.x command in-process with only its hosted-sync bookkeeping cut
out, for tests/it/discovery32.rs (the differential oracle of the 3.2 tracker commands).

  discovery32.py <spec-kitty arguments...>      e.g. discovery32.py tracker list-tickets --provider linear

Run with the venv made by scripts/interop-venv.sh, in the project directory, with
SPEC_KITTY_HOME (a session written by driver.py), SPEC_KITTY_SAAS_URL (the contract mock) and
SPEC_KITTY_ENABLE_SAAS_SYNC=1 set.

What is replaced (reference/upstream-3.2-tracker.md §1.2 step 5, §6, §8.2), and nothing else:
- the per-project consent / egress verdict (`_current_tracker_egress_verdict`): permitted;
- the logical-operation store around each request (`_request_with_retry`: project store,
  admission, replay of recorded operations): each call goes straight to 3.2.7's own
  `_request` (auth header, X-Team-Slug from the session, the URL, params and JSON body exactly
  as the command built them). A write without a caller key gets the Idempotency-Key 3.2.7 would
  derive (`logical-operation:write:` + SHA-256; its value is not compared), a 202 is polled
  once per second until `completed`/`failed`, and an error answer is raised as 3.2.7's
  `SaaSTrackerClientError` with the envelope's code.
Everything that decides what is sent -- the commands, their readiness gates, routing, the
identity block, the candidate rules -- is 3.2.7's own code.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time

from specify_cli.tracker.saas_client import SaaSTrackerClient, SaaSTrackerClientError


class _Permitted:
    refused = False
    message = ""


def _request_with_retry(self, method, path, *, json=None, headers=None, params=None, poll_async=True):
    headers = dict(headers or {})
    write = path in {self._BIND_ORIGIN_PATH, self._BIND_CONFIRM_PATH, self._PUSH_PATH, self._RUN_PATH}
    if write and "Idempotency-Key" not in headers:
        digest = hashlib.sha256(repr((method, path, json)).encode()).hexdigest()  # noqa: TID251
        headers["Idempotency-Key"] = f"logical-operation:write:{digest}"
    response = self._request(method, path, json=json, headers=headers or None, params=params)
    if response.status_code == 202 and write and poll_async:
        operation_id = response.json()["operation_id"]
        for _ in range(30):
            time.sleep(0.05)
            polled = self._request("GET", self._OPERATIONS_PATH.format(operation_id=operation_id))
            body = polled.json()
            if body.get("status") == "completed":
                result = body.get("result") or body
                return _Answer(200, result)
            if body.get("status") == "failed":
                error = body.get("error") or {}
                raise SaaSTrackerClientError(error.get("message", "Operation failed"), error_code=error.get("code"))
        raise SaaSTrackerClientError("operation did not finish")
    if response.status_code >= 400:
        try:
            envelope = response.json()
        except ValueError:
            envelope = {}
        code = envelope.get("error_code") or envelope.get("code")
        raise SaaSTrackerClientError(
            envelope.get("message") or f"HTTP {response.status_code}",
            error_code=code,
            status_code=response.status_code,
            details={"error_category": code} if code else None,
        )
    return response


class _Answer:
    def __init__(self, status_code, body):
        self.status_code = status_code
        self._body = body

    def json(self):
        return self._body


SaaSTrackerClient._request_with_retry = _request_with_retry
SaaSTrackerClient._current_tracker_egress_verdict = lambda self: _Permitted()

if __name__ == "__main__":
    from specify_cli import main

    sys.argv = ["spec-kitty", *sys.argv[1:]]
    sys.exit(main())
