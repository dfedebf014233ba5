// @peculiar/x509 resolves its algorithms through tsyringe, which needs a Reflect polyfill
// loaded before the library itself.
import 'reflect-metadata';
import { createHash, webcrypto } from 'node:crypto';
import {
  GetPublicKeyCommand,
  SignCommand,
  type KMSClient,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import * as x509 from '@peculiar/x509';
import { ecdsaDerToRaw } from './ecdsa';

// How a KMS key spec looks to WebCrypto, with the hash that signs for it, and the matching KMS
// algorithm. RSA keys sign PKCS#1 v1.5 with SHA-256, what certificates most often carry. Where
// KMS takes a digest, only the digest is sent, so no certificate is too big for KMS's 4096-byte
// message limit; Ed25519 has no digest form and sends the whole to-be-signed structure.
type Signing = {
  webcrypto: webcrypto.EcKeyImportParams | webcrypto.RsaHashedImportParams | webcrypto.Algorithm;
  kms: SigningAlgorithmSpec;
  digest?: 'sha256' | 'sha384';
  ecdsaSize?: number;
};
const RSA: Signing = {
  webcrypto: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
  kms: 'RSASSA_PKCS1_V1_5_SHA_256',
  digest: 'sha256',
};
const KEY_SPECS: Record<string, Signing> = {
  ECC_NIST_P256: {
    webcrypto: { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' },
    kms: 'ECDSA_SHA_256',
    digest: 'sha256',
    ecdsaSize: 32,
  },
  ECC_NIST_P384: {
    webcrypto: { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' },
    kms: 'ECDSA_SHA_384',
    digest: 'sha384',
    ecdsaSize: 48,
  },
  RSA_2048: RSA,
  RSA_3072: RSA,
  RSA_4096: RSA,
  ECC_NIST_EDWARDS25519: { webcrypto: { name: 'Ed25519' }, kms: 'ED25519_SHA_512' },
};

/**
 * The key pair and WebCrypto object to give @peculiar/x509 for a KMS key. The public key is
 * the real one from GetPublicKey; the private key is only a handle, since the key never leaves
 * the HSM, and this WebCrypto's sign() sends whatever is signed with that handle to KMS Sign.
 * Every other call goes to Node's WebCrypto.
 */
export async function kmsKeyPair(kms: KMSClient, keyId: string) {
  const { PublicKey, KeySpec } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  const spec = KEY_SPECS[KeySpec ?? ''];
  if (!spec) throw new Error(`no X.509 signing set up here for ${KeySpec} keys`);
  const publicKey = await webcrypto.subtle.importKey(
    'spki',
    PublicKey as Uint8Array,
    spec.webcrypto,
    true,
    ['verify'],
  );
  const privateKey = Object.freeze({
    type: 'private',
    extractable: false,
    algorithm: publicKey.algorithm,
    usages: ['sign'],
  }) as webcrypto.CryptoKey;

  const sign = async (
    algorithm: webcrypto.AlgorithmIdentifier,
    key: webcrypto.CryptoKey,
    data: ArrayBuffer | ArrayBufferView,
  ) => {
    if (key !== privateKey) return webcrypto.subtle.sign(algorithm, key, data);
    const bytes = ArrayBuffer.isView(data)
      ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      : new Uint8Array(data);
    const { Signature } = await kms.send(
      new SignCommand({
        KeyId: keyId,
        SigningAlgorithm: spec.kms,
        Message: spec.digest ? createHash(spec.digest).update(bytes).digest() : bytes,
        MessageType: spec.digest ? 'DIGEST' : 'RAW',
      }),
    );
    const signature = Signature as Uint8Array;
    // WebCrypto returns ECDSA signatures raw (r‖s), and @peculiar/x509 expects them so.
    return spec.ecdsaSize ? ecdsaDerToRaw(signature, spec.ecdsaSize) : signature;
  };
  const subtle = new Proxy(webcrypto.subtle, {
    get: (target, name) => {
      if (name === 'sign') return sign;
      const value: unknown = Reflect.get(target, name);
      // Node's WebCrypto methods must be called on Node's own object.
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const crypto = {
    subtle,
    getRandomValues: webcrypto.getRandomValues.bind(webcrypto),
    randomUUID: webcrypto.randomUUID.bind(webcrypto),
  } as webcrypto.Crypto;
  return { keys: { publicKey, privateKey }, crypto, signingAlgorithm: spec.webcrypto };
}

/** A PKCS#10 certificate signing request (PEM) for the KMS key, signed by it. */
export async function certificateRequest(kms: KMSClient, keyId: string, subject: string) {
  const { keys, crypto, signingAlgorithm } = await kmsKeyPair(kms, keyId);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create(
    {
      name: subject,
      keys,
      signingAlgorithm,
      extensions: [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)],
    },
    crypto,
  );
  return csr.toString('pem');
}

/** A self-signed CA certificate (PEM) for the KMS key, valid for `days` days. */
export async function selfSignedCertificate(
  kms: KMSClient,
  keyId: string,
  subject: string,
  days = 365,
) {
  const { keys, crypto, signingAlgorithm } = await kmsKeyPair(kms, keyId);
  // A minute back, so a verifier whose clock is slightly behind still accepts it.
  const notBefore = new Date(Date.now() - 60_000);
  const certificate = await x509.X509CertificateGenerator.createSelfSigned(
    {
      name: subject,
      notBefore,
      notAfter: new Date(notBefore.getTime() + days * 86_400_000),
      keys,
      signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign |
            x509.KeyUsageFlags.cRLSign |
            x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return certificate.toString('pem');
}
