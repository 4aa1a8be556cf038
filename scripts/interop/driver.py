"""Drive spec-kitty-cli 3.2.x's own session classes, for tests/it/session32.rs (the interop oracle).

Run with the venv made by scripts/interop-venv.sh and SPEC_KITTY_HOME set; the store is
<SPEC_KITTY_HOME>/auth, exactly where the real CLI keeps it.

  driver.py write            stdin: a session as StoredSession.to_dict() gives it; stores it
                             (INTEROP_HOSTNAME set: as if made on a host of that name)
  driver.py write-many       stdin: [{"auth_dir", "session"}, ...]; stores each (one start-up)
  driver.py hold-lock SECS   holds refresh.lock (MachineFileLock) for SECS seconds; prints
                             "held" once it has it
  driver.py read             prints the stored session (to_dict) as JSON, or null
  driver.py refresh          forces TokenManager's own refresh transaction (SPEC_KITTY_SAAS_URL
                             names the server); prints {"network_call": bool, "outcome": ...}
  driver.py token            TokenManager.get_access_token(): refreshes only when the stored access
                             token is (nearly) expired, as every 3.2.7 command does; prints
                             {"outcome": "ok"}
  driver.py revoke           RevokeFlow().revoke(stored session), what `auth logout` sends;
                             prints {"outcome": ...}
  driver.py vector           prints a fixed crypto vector made through FileFallbackStorage
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import socket
import sys
import tempfile
from pathlib import Path

from specify_cli.auth.secure_storage import file_fallback
from specify_cli.auth.secure_storage.file_fallback import FileFallbackStorage
from specify_cli.auth.session import StoredSession


def storage() -> FileFallbackStorage:
    return FileFallbackStorage()  # resolves <SPEC_KITTY_HOME>/auth like the CLI does


def cmd_write() -> None:
    if os.environ.get("INTEROP_HOSTNAME"):
        host = os.environ["INTEROP_HOSTNAME"]
        socket.gethostname = lambda: host  # what _derive_key reads
    storage().write(StoredSession.from_dict(json.load(sys.stdin)))


def cmd_write_many() -> None:
    for entry in json.load(sys.stdin):
        store = FileFallbackStorage(base_dir=Path(entry["auth_dir"]))
        store.write(StoredSession.from_dict(entry["session"]))


def cmd_hold_lock() -> None:
    from specify_cli.auth.token_manager import _refresh_lock_path
    from specify_cli.core.file_lock import MachineFileLock

    async def hold() -> None:
        async with MachineFileLock(_refresh_lock_path()):
            print("held", flush=True)
            await asyncio.sleep(float(sys.argv[2]))

    asyncio.run(hold())


def cmd_read() -> None:
    session = storage().read()
    print(json.dumps(None if session is None else session.to_dict()))


def cmd_refresh() -> None:
    from kernel.clock import now_utc, timedelta
    from specify_cli.auth.errors import RefreshTokenExpiredError, SessionInvalidError
    from specify_cli.auth.refresh_transaction import RefreshLockTimeoutError
    from specify_cli.auth.token_manager import TokenManager

    tm = TokenManager(storage())
    tm.load_from_storage_sync()
    session = tm.get_current_session()
    if session is None:
        print(json.dumps({"outcome": "no_session"}))
        return
    # What tracker/saas_client.py does on a 401: mark the token stale, then refresh.
    session.access_token_expires_at = now_utc() - timedelta(seconds=60)
    try:
        network = asyncio.run(tm.refresh_if_needed())
        print(json.dumps({"outcome": "ok", "network_call": network}))
    except (RefreshTokenExpiredError, SessionInvalidError) as exc:
        print(json.dumps({"outcome": "rejected", "error": type(exc).__name__}))
    except RefreshLockTimeoutError as exc:
        print(json.dumps({"outcome": "lock_timeout", "error": str(exc)}))


def cmd_token() -> None:
    from specify_cli.auth.token_manager import TokenManager

    tm = TokenManager(storage())
    asyncio.run(tm.get_access_token())
    print(json.dumps({"outcome": "ok"}))


def cmd_revoke() -> None:
    from specify_cli.auth.flows.revoke import RevokeFlow

    outcome = asyncio.run(RevokeFlow().revoke(storage().read()))
    print(json.dumps({"outcome": outcome.value}))


def cmd_vector() -> None:
    """A fixed salt / nonce / host identity / plaintext, written by the package's own write()."""
    salt = bytes(range(16))
    nonce = bytes(range(100, 112))
    host, uid = "vector-host", 1000
    socket.gethostname = lambda: host  # what _derive_key reads
    file_fallback._get_uid = lambda: uid
    real_token_bytes = secrets.token_bytes
    secrets.token_bytes = lambda n: nonce if n == 12 else real_token_bytes(n)
    session = StoredSession.from_dict(json.loads(sys.stdin.read()))
    with tempfile.TemporaryDirectory() as tmp:
        store = FileFallbackStorage(base_dir=Path(tmp))
        (Path(tmp) / "session.salt").write_bytes(salt)
        os.chmod(Path(tmp) / "session.salt", 0o600)
        store.write(session)
        blob = json.loads((Path(tmp) / "session.json").read_text())
        key = store._derive_key(salt)
        assert store.read() == session
    print(
        json.dumps(
            {
                "made_by": "spec-kitty-cli 3.2.7 FileFallbackStorage.write (scripts/interop/driver.py vector)",
                "identity": f"{host}:{uid}",
                "salt_hex": salt.hex(),
                "key_hex": key.hex(),
                "plaintext": session.to_json(),
                "session_json": blob,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    {"write": cmd_write, "write-many": cmd_write_many, "hold-lock": cmd_hold_lock, "read": cmd_read, "refresh": cmd_refresh, "token": cmd_token, "revoke": cmd_revoke, "vector": cmd_vector}[sys.argv[1]]()
