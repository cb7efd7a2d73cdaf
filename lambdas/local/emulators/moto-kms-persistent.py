"""
moto's server with its symmetric KMS keys kept in a file, so that a restart can decrypt what the
keys it had before encrypted. moto keeps everything in memory and has no persistence of its own:
its recorder (/moto-api/recorder/...) replays requests, and a replayed CreateKey makes new random
key material (os.urandom), which cannot open the old ciphertexts; moto 5.2 has no
ImportKeyMaterial either. So this launcher restores each saved key (id, ARN, material, metadata)
into moto's KMS backend before the server starts, and saves the file again after every
CreateKey. Only what makes a key usable is kept: later state changes (DisableKey, a scheduled
deletion, aliases, grants, tags) live in memory only, and asymmetric and HMAC keys are not kept.

The file holds key material: it is written with mode 0600, atomically, in the local stack's
state directory (itself 0700), as the local key provider's master key file is.

Usage: python3 moto-kms-persistent.py KEYS_FILE [moto.server options, e.g. -H 127.0.0.1 -p 5000]
"""

import base64
import json
import os
import sys
import threading

from moto.kms.models import KmsBackend, kms_backends

FILE_VERSION = 1


def main() -> None:
    if len(sys.argv) < 2:
        raise SystemExit("usage: moto-kms-persistent.py KEYS_FILE [moto.server options]")
    keys_file = sys.argv[1]
    server_args = sys.argv[2:]
    lock = threading.Lock()
    kept: list = []  # (account id, region, key) of every symmetric key, restored or created

    def save() -> None:
        records = []
        for account_id, region, key in kept:
            records.append(
                {
                    "accountId": account_id,
                    "region": region,
                    "id": key.id,
                    "arn": key.arn,
                    "description": key.description,
                    "keyUsage": key.key_usage,
                    "keySpec": key.key_spec,
                    "policy": key.policy,
                    "creationDate": key.creation_date,
                    "material": base64.b64encode(key.key_material).decode("ascii"),
                }
            )
        temporary = f"{keys_file}.{os.getpid()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            json.dump({"version": FILE_VERSION, "keys": records}, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, keys_file)

    original_create_key = KmsBackend.create_key

    def restore() -> None:
        if not os.path.exists(keys_file):
            return
        with open(keys_file, encoding="utf-8") as source:
            saved = json.load(source)
        if saved.get("version") != FILE_VERSION:
            raise SystemExit(f"{keys_file} is not a moto KMS keys file of version {FILE_VERSION}")
        for record in saved["keys"]:
            backend = kms_backends[record["accountId"]][record["region"]]
            key = original_create_key(
                backend,
                policy=record["policy"],
                key_usage=record["keyUsage"],
                key_spec=record["keySpec"],
                description=record["description"],
                tags=None,
            )
            # moto made a new id and material: put the saved ones in their place.
            del backend.keys[key.id]
            key.id = record["id"]
            key.arn = record["arn"]
            key.creation_date = record["creationDate"]
            key.key_material = base64.b64decode(record["material"])
            backend.keys[key.id] = key
            kept.append((record["accountId"], record["region"], key))

    def create_key(self, *args, **kwargs):
        key = original_create_key(self, *args, **kwargs)
        if key.key_spec == "SYMMETRIC_DEFAULT":
            with lock:
                kept.append((self.account_id, self.region_name, key))
                save()
        return key

    restore()
    KmsBackend.create_key = create_key

    from moto.server import main as moto_main

    moto_main(server_args)


if __name__ == "__main__":
    main()
