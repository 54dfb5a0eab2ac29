"""Study secrets: one random key per evaluation study, kept in the instance's key store.

Why the key store, and why not a vault subject key: the key store is where Parcours keeps every
secret that must never sit in clear beside the data (its own SQLite file with `secure_delete`,
or a PostgreSQL table), always wrapped by the key-encryption key. A study secret is stored
exactly like a subject key — under the subject `uuid5(STUDY_NAMESPACE, "study:" + name)`,
wrapped with the same AES-GCM scheme — so `parcours keys rotate` re-wraps it with the others and
retiring a study is deleting one key. The vault cannot serve here: it seals with random nonces
and, by design, never hands out a key, while a pseudonym needs a keyed, deterministic function
(HMAC). So this module unwraps the study secret itself, and only ever returns the HMAC
`Pseudonymiser` built from it: the secret is never written to an export, a log or a table.
"""

import re
from uuid import UUID, uuid5

from domain.network.study import STUDY_NAMESPACE
from domain.privacy import cipher
from domain.privacy.keyring import Keyring
from domain.privacy.keystore import KeyStore
from projections.exports.errors import ExportError
from projections.exports.pseudonyms import Pseudonymiser

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
NAME_RULE = "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"


class StudyError(ExportError):
    """A study request that cannot be honoured (the input at fault is the study's name)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message, "study")


def study_subject(name: str) -> UUID:
    """The key store's subject for a study: derived from the name, never a young person's id
    (those are random version-4 UUIDs, these are version 5)."""
    return uuid5(STUDY_NAMESPACE, f"study:{checked_name(name)}")


def checked_name(name: str) -> str:
    if not NAME.fullmatch(name):
        raise StudyError("INVALID_STUDY_NAME", f"a study name is {NAME_RULE}")
    return name


class StudySecrets:
    def __init__(self, store: KeyStore, keyring: Keyring) -> None:
        self._store = store
        self._keyring = keyring

    @staticmethod
    def checked(name: str) -> str:
        return checked_name(name)

    def exists(self, name: str) -> bool:
        return self._store.get(study_subject(name)) is not None

    def create(self, name: str) -> None:
        """Creates the study's secret; refuses a name already in use (its pseudonyms would
        otherwise change under the evaluators' feet)."""
        subject = study_subject(name)
        if self._store.get(subject) is not None:
            raise StudyError("STUDY_EXISTS", f"a study named {name!r} already exists")
        current = self._keyring.current
        wrapped = cipher.wrap(current.key, subject, cipher.new_key())
        self._store.put(subject, current.kek_id, wrapped)

    def pseudonymiser(self, name: str) -> Pseudonymiser:
        """The study's keyed pseudonyms; an unknown (or retired) study is refused."""
        subject = study_subject(name)
        stored = self._store.get(subject)
        if stored is None:
            msg = f"no study named {name!r}: create it with `parcours export study create`"
            raise StudyError("UNKNOWN_STUDY", msg)
        kek_id, wrapped = stored
        return Pseudonymiser(cipher.unwrap(self._keyring.named(kek_id).key, subject, wrapped))

    def retire(self, name: str) -> bool:
        """Destroys the secret: the study's pseudonyms can never be computed again."""
        return self._store.delete(study_subject(name))
