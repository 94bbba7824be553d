"""KMS (TrentService) through boto3 and the AWS CLI against a real server: every operation
Tarn implements, and the error codes AWS documents for misuse."""
import base64
import json
import uuid

import pytest
from botocore.exceptions import ClientError

from conftest import make_client


@pytest.fixture(scope="module")
def kms(server):
    return make_client("kms", server.endpoint)


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def test_create_describe_list(kms):
    key = kms.create_key(Description="retail prod data")["KeyMetadata"]
    assert key["KeyState"] == "Enabled" and key["Enabled"] is True
    assert key["KeySpec"] == "SYMMETRIC_DEFAULT" and key["KeyUsage"] == "ENCRYPT_DECRYPT"
    assert key["Arn"] == f"arn:aws:kms:us-east-1:000000000000:key/{key['KeyId']}"
    described = kms.describe_key(KeyId=key["Arn"])["KeyMetadata"]
    assert described["Description"] == "retail prod data"
    listed = [k["KeyId"] for page in kms.get_paginator("list_keys").paginate(PaginationConfig={"PageSize": 2}) for k in page["Keys"]]
    assert key["KeyId"] in listed and len(listed) == len(set(listed))


def test_encrypt_decrypt_with_context_and_errors(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    ctx = {"zone": "raw", "app": "retail"}
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"card-number", EncryptionContext=ctx)["CiphertextBlob"]
    out = kms.decrypt(CiphertextBlob=blob, EncryptionContext=dict(reversed(list(ctx.items()))))
    assert out["Plaintext"] == b"card-number" and out["KeyId"].endswith(key_id)
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext={"zone": "raw"})
    assert error_code(e) == "InvalidCiphertextException"
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob[:-1] + bytes([blob[-1] ^ 1]), EncryptionContext=ctx)
    assert error_code(e) == "InvalidCiphertextException"
    other = kms.create_key()["KeyMetadata"]["KeyId"]
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx, KeyId=other)
    assert error_code(e) == "IncorrectKeyException"
    with pytest.raises(ClientError) as e:
        kms.encrypt(KeyId=str(uuid.uuid4()), Plaintext=b"x")
    assert error_code(e) == "NotFoundException"
    with pytest.raises(ClientError) as e:
        kms.encrypt(KeyId=key_id, Plaintext=b"x" * 4097)
    assert error_code(e) == "ValidationException"


def test_data_keys_and_reencrypt(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    dk = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"k": "v"})
    assert len(dk["Plaintext"]) == 32
    assert kms.decrypt(CiphertextBlob=dk["CiphertextBlob"], EncryptionContext={"k": "v"})["Plaintext"] == dk["Plaintext"]
    assert len(kms.generate_data_key(KeyId=key_id, NumberOfBytes=64)["Plaintext"]) == 64
    assert len(kms.generate_data_key(KeyId=key_id, KeySpec="AES_128")["Plaintext"]) == 16
    without = kms.generate_data_key_without_plaintext(KeyId=key_id, KeySpec="AES_256")
    assert "Plaintext" not in without
    with pytest.raises(ClientError) as e:
        kms.generate_data_key(KeyId=key_id)
    assert error_code(e) == "ValidationException"
    dest = kms.create_key()["KeyMetadata"]["KeyId"]
    moved = kms.re_encrypt(CiphertextBlob=dk["CiphertextBlob"], SourceEncryptionContext={"k": "v"}, DestinationKeyId=dest)
    assert moved["KeyId"].endswith(dest) and moved["SourceKeyId"].endswith(key_id)
    assert kms.decrypt(CiphertextBlob=moved["CiphertextBlob"])["Plaintext"] == dk["Plaintext"]
    assert len(kms.generate_random(NumberOfBytes=24)["Plaintext"]) == 24


def test_enable_disable_and_deletion_window(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    blob = kms.encrypt(KeyId=key_id, Plaintext=b"x")["CiphertextBlob"]
    kms.disable_key(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob)
    assert error_code(e) == "DisabledException"
    kms.enable_key(KeyId=key_id)
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"x"
    for bad in (6, 31):
        with pytest.raises(ClientError) as e:
            kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=bad)
        assert error_code(e) == "ValidationException"
    scheduled = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    assert scheduled["KeyState"] == "PendingDeletion" and scheduled["PendingWindowInDays"] == 7
    with pytest.raises(ClientError) as e:
        kms.decrypt(CiphertextBlob=blob)
    assert error_code(e) == "KMSInvalidStateException"
    with pytest.raises(ClientError) as e:
        kms.enable_key(KeyId=key_id)
    assert error_code(e) == "KMSInvalidStateException"
    kms.cancel_key_deletion(KeyId=key_id)
    assert kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled"


def test_rotation(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    old = kms.encrypt(KeyId=key_id, Plaintext=b"before")["CiphertextBlob"]
    assert kms.get_key_rotation_status(KeyId=key_id)["KeyRotationEnabled"] is False
    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=90)
    status = kms.get_key_rotation_status(KeyId=key_id)
    assert status["KeyRotationEnabled"] is True and status["RotationPeriodInDays"] == 90 and "NextRotationDate" in status
    kms.rotate_key_on_demand(KeyId=key_id)
    new = kms.encrypt(KeyId=key_id, Plaintext=b"after")["CiphertextBlob"]
    assert old != new
    assert kms.decrypt(CiphertextBlob=old)["Plaintext"] == b"before"
    assert kms.decrypt(CiphertextBlob=new)["Plaintext"] == b"after"
    rotations = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    assert [r["RotationType"] for r in rotations] == ["ON_DEMAND"]


def test_aliases(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    name = f"alias/test-{uuid.uuid4().hex[:8]}"
    kms.create_alias(AliasName=name, TargetKeyId=key_id)
    with pytest.raises(ClientError) as e:
        kms.create_alias(AliasName=name, TargetKeyId=key_id)
    assert error_code(e) == "AlreadyExistsException"
    with pytest.raises(ClientError) as e:
        kms.create_alias(AliasName="no-prefix", TargetKeyId=key_id)
    assert error_code(e) in ("InvalidAliasNameException", "ValidationException")
    blob = kms.encrypt(KeyId=name, Plaintext=b"via alias")["CiphertextBlob"]
    assert kms.decrypt(CiphertextBlob=blob)["Plaintext"] == b"via alias"
    aliases = kms.list_aliases(KeyId=key_id)["Aliases"]
    assert [a["AliasName"] for a in aliases] == [name] and aliases[0]["TargetKeyId"] == key_id
    kms.delete_alias(AliasName=name)
    with pytest.raises(ClientError) as e:
        kms.describe_key(KeyId=name)
    assert error_code(e) == "NotFoundException"


def test_key_policy_round_trip_and_validation(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    policy = json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])
    assert policy["Statement"][0]["Principal"]["AWS"] == "arn:aws:iam::000000000000:root"
    assert kms.list_key_policies(KeyId=key_id)["PolicyNames"] == ["default"]
    policy["Statement"].append({"Sid": "Nobody", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::000000000000:user/nobody"},
                                "Action": "kms:Decrypt", "Resource": "*"})
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(policy))
    assert json.loads(kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"])["Statement"][1]["Sid"] == "Nobody"
    with pytest.raises(ClientError) as e:
        kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy="{not json")
    assert error_code(e) == "MalformedPolicyDocumentException"
    with pytest.raises(ClientError) as e:
        kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps({"Statement": [{"Effect": "Allow", "Action": "kms:*", "Resource": "*"}]}))
    assert error_code(e) == "MalformedPolicyDocumentException"


def test_grants(kms):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    grantee = "arn:aws:iam::000000000000:user/grantee"
    grant = kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Decrypt", "GenerateDataKey"],
                             Constraints={"EncryptionContextSubset": {"dept": "sales"}}, Name="sales-readers")
    grants = kms.list_grants(KeyId=key_id)["Grants"]
    assert [g["GrantId"] for g in grants] == [grant["GrantId"]]
    assert grants[0]["Constraints"]["EncryptionContextSubset"] == {"dept": "sales"}
    assert sorted(grants[0]["Operations"]) == ["Decrypt", "GenerateDataKey"]
    with pytest.raises(ClientError) as e:
        kms.create_grant(KeyId=key_id, GranteePrincipal=grantee, Operations=["Sign"])
    assert error_code(e) == "ValidationException"
    kms.retire_grant(KeyId=key_id, GrantId=grant["GrantId"])
    assert kms.list_grants(KeyId=key_id)["Grants"] == []
    with pytest.raises(ClientError) as e:
        kms.retire_grant(GrantToken="not-a-token")
    assert error_code(e) == "InvalidGrantTokenException"


def test_unsupported_key_specs(kms):
    with pytest.raises(ClientError) as e:
        kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")
    assert error_code(e) == "UnsupportedOperationException"


def test_aws_cli_kms_round_trip(aws, tmp_path):
    created = aws("kms", "create-key", "--description", "cli key")
    assert created.returncode == 0, created.stderr
    key_id = json.loads(created.stdout)["KeyMetadata"]["KeyId"]
    plain = tmp_path / "plain.txt"
    plain.write_bytes(b"hello from the cli")
    enc = aws("kms", "encrypt", "--key-id", key_id, "--plaintext", f"fileb://{plain}", "--encryption-context", "purpose=test",
              "--output", "text", "--query", "CiphertextBlob")
    assert enc.returncode == 0, enc.stderr
    blob = tmp_path / "blob.bin"
    blob.write_bytes(base64.b64decode(enc.stdout.strip()))
    dec = aws("kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}", "--encryption-context", "purpose=test",
              "--output", "text", "--query", "Plaintext")
    assert dec.returncode == 0, dec.stderr
    assert base64.b64decode(dec.stdout.strip()) == b"hello from the cli"
    bad = aws("kms", "decrypt", "--ciphertext-blob", f"fileb://{blob}")
    assert bad.returncode != 0 and b"InvalidCiphertextException" in bad.stderr


def test_audit_log_records_uses(kms, server):
    key_id = kms.create_key()["KeyMetadata"]["KeyId"]
    kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext={"audit": "yes"})
    with open(f"{server.data_dir}/keys/audit/kms.jsonl") as f:
        events = [json.loads(line) for line in f]
    mine = [e for e in events if e.get("key", "").endswith(key_id)]
    assert [e["operation"] for e in mine] == ["CreateKey", "GenerateDataKey"]
    assert mine[1]["context"] == {"audit": "yes"} and mine[1]["principal"] == "arn:aws:iam::000000000000:root"
    assert all(e["decision"] == "allowed" for e in mine)
