# Signs through QKMS with boto3 and checks the signature locally with the public key.
import boto3
import pytest
from botocore.exceptions import ClientError
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec


@pytest.fixture
def kms():
    return boto3.client(
        "kms",
        endpoint_url="http://127.0.0.1:8080",
        region_name="us-east-1",
        aws_access_key_id="QKMSTESTACCESSKEY1",
        aws_secret_access_key="test-secret-for-local-tests",
    )


def test_signature_verifies_with_the_public_key(kms):
    message = b"order 42: pay 10 EUR"
    signature = kms.sign(
        KeyId="alias/app",
        Message=message,
        MessageType="RAW",
        SigningAlgorithm="ECDSA_SHA_256",
    )["Signature"]
    public_key = serialization.load_der_public_key(
        kms.get_public_key(KeyId="alias/app")["PublicKey"]
    )

    public_key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
    with pytest.raises(InvalidSignature):
        public_key.verify(
            signature, b"order 42: pay 1000 EUR", ec.ECDSA(hashes.SHA256())
        )


def test_a_wrong_secret_is_refused():
    other = boto3.client(
        "kms",
        endpoint_url="http://127.0.0.1:8080",
        region_name="us-east-1",
        aws_access_key_id="QKMSTESTACCESSKEY1",
        aws_secret_access_key="not-the-secret-of-this-key",
    )
    with pytest.raises(ClientError) as refused:
        other.sign(KeyId="alias/app", Message=b"x", SigningAlgorithm="ECDSA_SHA_256")
    assert refused.value.response["Error"]["Code"] == "InvalidSignatureException"
