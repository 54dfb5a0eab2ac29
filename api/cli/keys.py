"""`parcours keys rotate`: re-wrap every subject key under a new key-encryption key.

Run it on a schedule (the README says how often) and after every erasure on PostgreSQL: once
the old KEK is destroyed, whatever residue of destroyed subject keys the database still holds
(dead tuples, WAL, backups) is wrapped under a key that no longer exists.
"""

from collections import Counter
from collections.abc import Callable

import typer

from api.bootstrap import Parcours, keyring
from api.cli.app import app, err, opened, out
from api.keyring_files import DIRECTORY, add_key, destroy_previous
from domain.ledger.chain.snapshots import reseal_snapshots
from domain.privacy.vault import Vault

keys_app = typer.Typer(help="Key-encryption keys.")
app.add_typer(keys_app, name="keys")


@keys_app.command("rotate")
def rotate() -> None:
    """New KEK (development keyring) or the configured one (production); re-wrap; destroy.

    With the development keyring, stop the servers first (they hold the keyring in memory);
    in production, restart every process with the new PARCOURS_MASTER_KEY before rotating.
    """
    with opened() as parcours:
        settings = parcours.settings
        if settings.master_key is None:
            add_key(settings.data_dir / DIRECTORY)
            _rewrap(parcours)
            _require_none_left(parcours)
            destroyed = destroy_previous(settings.data_dir, keyring(settings))
            out.print(f"destroyed the previous key-encryption key(s): {', '.join(destroyed)}")
            return
        _rewrap(parcours)
        _require_none_left(parcours)
        if settings.previous_master_keys:
            out.print(
                "now remove PARCOURS_PREVIOUS_MASTER_KEYS from the configuration and destroy "
                f"those keys ({', '.join(settings.previous_master_keys)}) in the secret store"
            )


def _require_none_left(parcours: Parcours) -> None:
    """No key is still wrapped under a previous KEK once the re-wrap is done, or the previous
    KEKs are kept: a server still running wraps new keys under the KEK it loaded, and those
    were lost with it. Keys under a KEK this instance does not hold are reported, not waited
    for: no one here can open them, whatever is destroyed."""
    ring = keyring(parcours.settings)
    left = Counter(kek for _, kek, _ in parcours.key_store.wrapped_by_others(ring.current.kek_id))
    unknown = _listed(left, lambda kek: kek not in ring.previous)
    if unknown:
        err.print(f"[yellow]warning[/yellow]: key(s) no key-encryption key here opens: {unknown}")
    held = _listed(left, lambda kek: kek in ring.previous)
    if held:
        err.print(
            "[red]error[/red]: key(s) still wrapped under a previous key-encryption key"
            f" ({held}), written meanwhile by a running server: nothing was destroyed; stop"
            " every server and run `parcours keys rotate` again"
        )
        raise typer.Exit(1)


def _listed(counts: Counter[str], chosen: Callable[[str], bool]) -> str:
    """ "3 under kek-a, 1 under kek-b" for the KEKs chosen; empty if none."""
    return ", ".join(f"{n} under {kek}" for kek, n in sorted(counts.items()) if chosen(kek))


def _rewrap(parcours: Parcours) -> None:
    """A vault over the updated keyring re-wraps every key not under the current KEK, and
    seals again every snapshot sealed under another (`snapshot_seal.py`): once the previous KEK
    is destroyed, those would verify no more, and every case would be folded from its events
    at its next load until its next snapshot."""

    vault = Vault(parcours.key_store, keyring(parcours.settings), cache_seconds=0)
    moved = vault.rotate()
    current = keyring(parcours.settings).current.kek_id
    out.print(f"re-wrapped {moved} subject key(s) under {current}")
    snapshots = parcours.ledger.snapshots
    if snapshots is not None:
        resealed = reseal_snapshots(snapshots.recorder, vault.snapshot_seal())
        out.print(f"sealed {resealed} snapshot(s) again under {current}")
