"""Drive spec-kitty-cli 3.2.x's own tracker config code, for tests/tracker32.rs (the interop
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


if __name__ == "__main__":
    {"persist-binding": cmd_persist_binding, "read": cmd_read}[sys.argv[1]](Path(sys.argv[2]))
