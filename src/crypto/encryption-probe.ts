// Start-up proofs for the encryption side of the token, in the manner of capabilities.ts: each
// mechanism is run once on throwaway session keys and its answer checked before anything is
// served with it.
// - RSAES_OAEP: node:crypto encrypts to the token's public key; the token must give the
//   plaintext back, with its own OAEP (CKM_RSA_PKCS_OAEP) where it has that hash, else with raw
//   RSA (CKM_RSA_X_509) and the gateway's OAEP decoding. SoftHSM 2.6.1 does OAEP with SHA-1 only
//   (CKR_ARGUMENTS_BAD for SHA-256, seen here), so SHA-256 takes the second path there. The
//   encrypting direction of the chosen path is proved too: its ciphertext, modulus-sized, must
//   decrypt through the path just proved.
// - ECDH: the token's shared secret must equal node:crypto's with a peer key made here.
// - AES-GCM: the key cannot leave the token, so, like HMAC, it is proved by its own behaviour:
//   the ciphertext is plaintext-sized plus a 16-byte tag and differs from the plaintext, it
//   decrypts back, and a flipped tag bit or other additional data is refused.

import { constants, createECDH, publicEncrypt, randomBytes } from 'node:crypto';
import { CKM } from '../pkcs11/constants';
import type { KeyLocator, TokenApi } from '../pkcs11/token-api';
import type { Capability } from './capabilities';
import {
  ENCRYPTION_ALGORITHM_TABLE,
  GCM_IV_BYTES,
  GCM_TAG_BITS,
  gcmMechanism,
  type EncryptionAlgorithm,
  type RsaOaepEntry,
} from './encryption-algorithms';
import type { KeyAgreementAlgorithm } from './key-agreement-algorithms';
import { KEY_SPEC_TABLE, KEY_SPECS, type KeySpec } from './key-specs';
import { keyShape, nodePublicKey, spkiDer } from './public-key';
import { modulusSized, oaepDecode, oaepEncode } from './rsa-oaep';

/** Where RSAES_OAEP runs: in the token, or raw RSA in the token with OAEP in the gateway. */
export type OaepPath = 'token' | 'gateway';

export type EncryptionCapability =
  { readonly ok: true; readonly oaep?: OaepPath } | { readonly ok: false; readonly reason: string };

const PLAINTEXT = Buffer.from('QKMS encryption known-answer check');
const hex = (mechanism: number): string => `0x${mechanism.toString(16)}`;
const failed = (reason: string) => ({ ok: false, reason }) as const;
const probeId = (): string => randomBytes(16).toString('hex');

/** node:crypto's names for the curves KMS agrees keys on. */
const NODE_CURVE: Readonly<Record<string, string>> = {
  '06082a8648ce3d030107': 'prime256v1',
  '06052b81040022': 'secp384r1',
  '06052b81040023': 'secp521r1',
};

async function withProbeKey<T>(
  token: TokenApi,
  make: (idHex: string) => Promise<unknown>,
  use: (locator: KeyLocator) => Promise<T>,
): Promise<T> {
  const idHex = probeId();
  await make(idHex);
  try {
    return await use({ idHex });
  } finally {
    await token.destroyKey({ idHex }).catch(() => undefined);
  }
}

async function proveAesGcm(token: TokenApi, mechanisms: readonly number[]): Promise<Capability> {
  if (!mechanisms.includes(CKM.AES_GCM))
    return failed(`the token does not offer mechanism ${hex(CKM.AES_GCM)} (AES-GCM)`);
  try {
    return await withProbeKey(
      token,
      (idHex) => token.generateSecretKey(32, idHex, 'qkms-probe-SYMMETRIC_DEFAULT', false, 'aes'),
      async (locator) => {
        const iv = randomBytes(GCM_IV_BYTES);
        const aad = Buffer.from('QKMS probe context');
        const sealed = Buffer.from(await token.encrypt(locator, gcmMechanism(iv, aad), PLAINTEXT));
        const tagBytes = GCM_TAG_BITS / 8;
        if (
          sealed.length !== PLAINTEXT.length + tagBytes ||
          sealed.subarray(0, PLAINTEXT.length).equals(PLAINTEXT)
        )
          return failed('the token returned an AES-GCM ciphertext of the wrong shape');
        const opened = await token.decrypt(locator, gcmMechanism(iv, aad), sealed);
        const tampered = Buffer.from(sealed);
        tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
        const forged = await token.decrypt(locator, gcmMechanism(iv, aad), tampered);
        const otherAad = await token.decrypt(
          locator,
          gcmMechanism(iv, Buffer.from('another context')),
          sealed,
        );
        if (!opened || !Buffer.from(opened).equals(PLAINTEXT))
          return failed('the token did not decrypt its own AES-GCM ciphertext');
        if (forged !== null || otherAad !== null)
          return failed('the token accepted an AES-GCM ciphertext that is not authentic');
        return { ok: true };
      },
    );
  } catch (err) {
    return failed(`AES-GCM failed in the token (${String(err)})`);
  }
}

async function proveOaep(
  token: TokenApi,
  mechanisms: readonly number[],
  locator: KeyLocator,
  entry: RsaOaepEntry,
  spki: Buffer,
  modulusBytes: number,
): Promise<EncryptionCapability> {
  const ciphertext = publicEncrypt(
    { key: nodePublicKey(spki), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: entry.hash },
    PLAINTEXT,
  );
  const reasons: string[] = [];
  const open = {
    token: async (c: Buffer) => {
      const out = await token.decrypt(locator, entry.tokenOaep, c);
      return out ? Buffer.from(out) : null;
    },
    gateway: async (c: Buffer) => {
      const raw = await token.decrypt(locator, entry.rawRsa, c);
      return raw
        ? oaepDecode(modulusSized(Buffer.from(raw), modulusBytes), modulusBytes, entry.hash)
        : null;
    },
  };
  const seal = {
    token: async () => Buffer.from(await token.encrypt(locator, entry.tokenOaep, PLAINTEXT)),
    gateway: async () =>
      Buffer.from(
        await token.encrypt(locator, entry.rawRsa, oaepEncode(PLAINTEXT, modulusBytes, entry.hash)),
      ),
  };
  const paths: [OaepPath, number][] = [
    ['token', entry.tokenOaep.mechanism],
    ['gateway', entry.rawRsa.mechanism],
  ];
  for (const [path, mechanism] of paths) {
    if (!mechanisms.includes(mechanism)) continue;
    const name = path === 'token' ? `mechanism ${hex(mechanism)}` : `raw RSA (${hex(mechanism)})`;
    try {
      const out = await open[path](ciphertext);
      if (!out?.equals(PLAINTEXT)) {
        reasons.push(`${name} gave a wrong plaintext`);
        continue;
      }
      const sealed = await seal[path]();
      const back = sealed.length === modulusBytes ? await open[path](sealed) : null;
      if (back?.equals(PLAINTEXT)) return { ok: true, oaep: path };
      reasons.push(`${name} made a ciphertext that does not decrypt`);
    } catch (err) {
      reasons.push(`${name} failed (${String(err)})`);
    }
  }
  if (reasons.length === 0) reasons.push('the token offers neither RSA-OAEP nor raw RSA');
  return failed(`${entry.name} failed the known-answer check: ${reasons.join('; ')}`);
}

/** Proves SYMMETRIC_DEFAULT and the RSAES_OAEP algorithms; `rsa`: RSA_2048 keys can be made. */
export async function proveEncryption(
  token: TokenApi,
  mechanisms: readonly number[],
  rsa: boolean,
): Promise<(name: EncryptionAlgorithm) => EncryptionCapability> {
  const proved = new Map<EncryptionAlgorithm, EncryptionCapability>();
  proved.set('SYMMETRIC_DEFAULT', await proveAesGcm(token, mechanisms));
  const oaep = Object.values(ENCRYPTION_ALGORITHM_TABLE).filter(
    (e): e is RsaOaepEntry => e.kind === 'rsa-oaep',
  );
  const generation = KEY_SPEC_TABLE.RSA_2048.generation;
  if (rsa && generation.kind === 'rsa') {
    try {
      await withProbeKey(
        token,
        (idHex) =>
          token.generateKeyPair(
            { ...generation, usage: 'decrypt' },
            idHex,
            'qkms-probe-oaep',
            false,
          ),
        async (locator) => {
          const info = await token.findKey(locator);
          if (!info?.publicKey) throw new Error('the probe key has no public key');
          const spki = spkiDer(info.publicKey);
          const k = keyShape(info.publicKey).sizeBytes;
          for (const entry of oaep)
            proved.set(entry.name, await proveOaep(token, mechanisms, locator, entry, spki, k));
        },
      );
    } catch (err) {
      for (const entry of oaep)
        proved.set(entry.name, failed(`RSA decryption keys failed in the token (${String(err)})`));
    }
  }
  return (name) => proved.get(name) ?? failed('RSA keys, which this token cannot generate');
}

/** Proves ECDH on each curve KMS agrees keys on; `canGenerate`: keys of the spec can be made. */
export async function proveKeyAgreement(
  token: TokenApi,
  mechanisms: readonly number[],
  canGenerate: (spec: KeySpec) => boolean,
): Promise<(name: KeyAgreementAlgorithm, spec: KeySpec) => Capability> {
  const proved = new Map<KeySpec, Capability>();
  for (const spec of KEY_SPECS) {
    const entry = KEY_SPEC_TABLE[spec];
    const gen = entry.generation;
    const bytes = entry.sharedSecretBytes;
    if (!entry.keyUsages.includes('KEY_AGREEMENT') || gen.kind !== 'ec' || !bytes) continue;
    const curve = NODE_CURVE[gen.curveOidDer];
    if (!curve || !canGenerate(spec)) {
      proved.set(spec, failed(`${spec} keys, which this token cannot generate`));
      continue;
    }
    if (!mechanisms.includes(CKM.ECDH1_DERIVE)) {
      proved.set(spec, failed(`the token does not offer mechanism ${hex(CKM.ECDH1_DERIVE)}`));
      continue;
    }
    try {
      const ok = await withProbeKey(
        token,
        (idHex) =>
          token.generateKeyPair(
            { ...gen, usage: 'derive' },
            idHex,
            `qkms-probe-ecdh-${spec}`,
            false,
          ),
        async (locator) => {
          const info = await token.findKey(locator);
          if (info?.publicKey?.kind !== 'ec') throw new Error('the probe key has no EC public key');
          const peer = createECDH(curve);
          peer.generateKeys();
          const secret = await token.deriveSharedSecret(locator, peer.getPublicKey(), bytes);
          return Buffer.from(secret).equals(peer.computeSecret(Buffer.from(info.publicKey.point)));
        },
      );
      proved.set(spec, ok ? { ok: true } : failed(`ECDH on ${spec} failed the known-answer check`));
    } catch (err) {
      proved.set(spec, failed(`ECDH on ${spec} failed in the token (${String(err)})`));
    }
  }
  return (_name, spec) =>
    proved.get(spec) ?? failed(`${spec} keys do not agree keys (KMS: ECC_NIST_* only)`);
}

/** C_GenerateRandom gives the bytes asked for, and two draws differ. */
export async function proveRandom(token: TokenApi): Promise<Capability> {
  try {
    const a = Buffer.from(await token.generateRandom(32));
    const b = Buffer.from(await token.generateRandom(32));
    if (a.length === 32 && b.length === 32 && !a.equals(b)) return { ok: true };
    return failed("the token's random number generator gave repeated or short output");
  } catch (err) {
    return failed(`C_GenerateRandom failed (${String(err)})`);
  }
}
