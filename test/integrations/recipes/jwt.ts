import { createHash, createPublicKey } from 'node:crypto';
import {
  GetPublicKeyCommand,
  SignCommand,
  type KMSClient,
  type SigningAlgorithmSpec,
} from '@aws-sdk/client-kms';
import { base64url, importSPKI, type CryptoKey, type JWTPayload } from 'jose';
import { ecdsaDerToRaw } from './ecdsa';

// JWS algorithm → KMS signing algorithm. ES256 and PS256 are sent as a SHA-256 digest, so a
// token of any size fits KMS's 4096-byte message limit; Ed25519 has no digest form in KMS
// (ED25519_PH_SHA_512 is a different signature), so EdDSA sends the signing input itself.
export type JwsAlgorithm = 'ES256' | 'PS256' | 'EdDSA';
const ALGORITHMS: Record<
  JwsAlgorithm,
  { kms: SigningAlgorithmSpec; digest?: 'sha256'; ecdsaSize?: number }
> = {
  ES256: { kms: 'ECDSA_SHA_256', digest: 'sha256', ecdsaSize: 32 },
  PS256: { kms: 'RSASSA_PSS_SHA_256', digest: 'sha256' },
  EdDSA: { kms: 'ED25519_SHA_512' },
};

/** A signed JWT whose signature comes from KMS `Sign`. */
export async function signJwt(
  kms: KMSClient,
  keyId: string,
  alg: JwsAlgorithm,
  claims: JWTPayload,
  kid?: string,
): Promise<string> {
  const encode = (part: object) => base64url.encode(JSON.stringify(part));
  const signingInput = `${encode({ alg, typ: 'JWT', ...(kid ? { kid } : {}) })}.${encode(claims)}`;
  const entry = ALGORITHMS[alg];
  const bytes = Buffer.from(signingInput);
  const { Signature } = await kms.send(
    new SignCommand({
      KeyId: keyId,
      SigningAlgorithm: entry.kms,
      Message: entry.digest ? createHash(entry.digest).update(bytes).digest() : bytes,
      MessageType: entry.digest ? 'DIGEST' : 'RAW',
    }),
  );
  const signature = Signature as Uint8Array;
  const jws = entry.ecdsaSize ? ecdsaDerToRaw(signature, entry.ecdsaSize) : signature;
  return `${signingInput}.${base64url.encode(jws)}`;
}

/** The key a verifier needs, from GetPublicKey: pass it to jose's jwtVerify. */
export async function verificationKey(
  kms: KMSClient,
  keyId: string,
  alg: JwsAlgorithm,
): Promise<CryptoKey> {
  const { PublicKey } = await kms.send(new GetPublicKeyCommand({ KeyId: keyId }));
  const spki = Buffer.from(PublicKey as Uint8Array);
  const pem = createPublicKey({ key: spki, format: 'der', type: 'spki' }).export({
    format: 'pem',
    type: 'spki',
  });
  return importSPKI(pem as string, alg);
}
