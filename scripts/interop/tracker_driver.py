"""Drive spec-kitty-cli 3.2.x's own tracker config code, for tests/it/tracker32.rs (the interop
oracle of the `tracker:` block).

Run with the venv made by scripts/interop-venv.sh.

  tracker_driver.py persist-binding ROOT   stdin: {provider, binding_ref, display_label?,
                                            provider_context?, project_slug?}; writes them
                                            exactly as 3.2.7's SaaS bind does after
                                            bind-confirm / bind-validate
                                            (SaaSTrackerService._persist_binding), carrying
                                            what the project's config already records
  tracker_driver.py read ROOT              prints the block as 3.2.7 reads it
                                            (load_tracker_config) as JSON
  tracker_driver.py service ROOT           stdin: {"answer": {...}, "error": null |
                                            {code, message}}; runs 3.2.7's SaaSTrackerService
                                            status, map_list, sync_pull, sync_push, sync_run on
                                            the project's binding with the HTTP layer replaced
                                            by a recorder that gives every call `answer` (or
                                            raises the error envelope's SaaSTrackerClientError);
                                            prints {"requests": [{method, path, params, json}],
                                            "results": {op: pending_binding_upgrade | error}}
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from specify_cli.tracker.config import EGRESS_ABSENT, load_tracker_config
from specify_cli.tracker.saas_service import SaaSTrackerService


def cmd_persist_binding(root: Path) -> None:
    b = json.load(sys.stdin)
    # No client: _persist_binding only writes the config.
    service = SaaSTrackerService(root, load_tracker_config(root), client=object())
    service._persist_binding(
        b["provider"],
        b["binding_ref"],
        b.get("display_label"),
        b.get("provider_context"),
        b.get("project_slug"),
    )


def cmd_read(root: Path) -> None:
    c = load_tracker_config(root)
    print(
        json.dumps(
            {
                "provider": c.provider,
                "binding_ref": c.binding_ref,
                "project_slug": c.project_slug,
                "display_label": c.display_label,
                "provider_context": c.provider_context,
                "workspace": c.workspace,
                "ownership_mode": c.ownership_mode,
                "field_owners": c.ownership_field_owners,
                "egress": None if c.egress is EGRESS_ABSENT else str(c.egress),
                "egress_absent": c.egress is EGRESS_ABSENT,
                "is_configured": c.is_configured,
            },
            default=str,
        )
    )


def cmd_service(root: Path) -> None:
    from specify_cli.tracker.saas_client import SaaSTrackerClient, SaaSTrackerClientError

    spec = json.load(sys.stdin)
    requests: list[dict] = []

    class Answer:
        def json(self) -> dict:
            return dict(spec["answer"])

    def record(method, path, *, json=None, params=None, headers=None, **_kw):
        requests.append({"method": method, "path": path, "params": params, "json": json})
        if spec.get("error"):
            raise SaaSTrackerClientError(spec["error"]["message"], error_code=spec["error"]["code"], status_code=404)
        return Answer()

    client = SaaSTrackerClient(project_root=root)
    client._request_with_retry = record  # the one HTTP seam every operation goes through
    service = SaaSTrackerService(root, load_tracker_config(root), client=client)
    results = {}
    calls = {
        "status": lambda: service.status()["pending_binding_upgrade"],
        "map_list": lambda: service.map_list().pending_binding_upgrade,
        "sync_pull": lambda: service.sync_pull(limit=100)["pending_binding_upgrade"],
        "sync_push": lambda: service.sync_push(items=[{"ref": "LIN-1", "action": "update"}])["pending_binding_upgrade"],
        "sync_run": lambda: service.sync_run(limit=100)["pending_binding_upgrade"],
    }
    for name, call in calls.items():
        try:
            results[name] = {"pending_binding_upgrade": call()}
        except Exception as exc:  # the stale-binding error and its text
            results[name] = {"error": str(exc), "type": type(exc).__name__}
    print(json.dumps({"requests": requests, "results": results}))


if __name__ == "__main__":
    {"persist-binding": cmd_persist_binding, "read": cmd_read, "service": cmd_service}[sys.argv[1]](Path(sys.argv[2]))
