// What this token can really do. At start-up, each algorithm whose mechanism the token lists is
// proved with a known-answer check on a throwaway session key: sign a fixed message and verify
// the result independently in node:crypto (or noble for Ed25519ph, which node cannot check).
// Only proved algorithms are served and advertised; SoftHSM, for one, silently returns a pure
// Ed25519 signature when asked for Ed25519ph, and this check is what catches it. HMAC keys are
// not extractable, so an HMAC is proved by the token's own C_Verify accepting it and refusing a
// corrupted one. The encryption side is proved in encryption-probe.ts the same way: RSA-OAEP and
// ECDH against node:crypto, AES-GCM by its own round trip and its refusals.

import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import type { KeyInfo, TokenApi } from '../pkcs11/token-api';
import type { MechanismSpec } from '../pkcs11/mechanism-spec';
import type { EncryptionAlgorithm } from './encryption-algorithms';
import {
  proveEncryption,
  proveKeyAgreement,
  proveRandom,
  type EncryptionCapability,
} from './encryption-probe';
import type { KeyAgreementAlgorithm } from './key-agreement-algorithms';
import { KEY_SPEC_TABLE, KEY_SPECS, type KeySpec } from './key-specs';
import { MAC_ALGORITHM_TABLE, type MacAlgorithm } from './mac-algorithms';
import { keyShape, nodePublicKey, spkiDer, type PublicKeyMaterial } from './public-key';
import {
  SIGNING_ALGORITHM_TABLE,
  type SigningAlgorithm,
  type SigningAlgorithmEntry,
} from './signing-algorithms';

export type Capability = { readonly ok: true } | { readonly ok: false; readonly reason: string };
export type { EncryptionCapability } from './encryption-probe';

export interface Capabilities {
  algorithm(name: SigningAlgorithm): Capability;
  mac(name: MacAlgorithm): Capability;
  keySpec(name: KeySpec): Capability;
  encryption(name: EncryptionAlgorithm): EncryptionCapability;
  keyAgreement(name: KeyAgreementAlgorithm, spec: KeySpec): Capability;
  /** C_GenerateRandom (GenerateRandom, data keys). */
  random(): Capability;
}

const PROBE_MESSAGE = Buffer.from('QKMS known-answer check');

/** The message the probe hands to the gateway path: DIGEST-only algorithms get the prehash. */
function probeInput(entry: SigningAlgorithmEntry): Buffer {
  if (entry.messageTypes.includes('RAW')) return entry.tokenInput(PROBE_MESSAGE, 'RAW');
  return entry.tokenInput(createHash('sha512').update(PROBE_MESSAGE).digest(), 'DIGEST');
}

/** Key specs whose probe key stands for the whole family (key size does not change mechanisms). */
const PROBE_SPECS: readonly KeySpec[] = KEY_SPECS.filter(
  (s) =>
    KEY_SPEC_TABLE[s].generation.kind !== 'unavailable' && !['RSA_3072', 'RSA_4096'].includes(s),
);

const hex = (mechanism: number): string => `0x${mechanism.toString(16)}`;

export async function probeCapabilities(
  token: TokenApi,
  mechanisms: readonly number[],
): Promise<Capabilities> {
  const proved = new Map<string, Capability>();
  const specs = new Map<KeySpec, Capability>();
  for (const spec of PROBE_SPECS) {
    const entry = KEY_SPEC_TABLE[spec];
    const gen = entry.generation;
    if (gen.kind === 'unavailable') continue;
    const idHex = randomBytes(16).toString('hex');
    const label = `qkms-probe-${spec}`;
    if (gen.kind === 'aes') continue; // proved with its mechanism in encryption-probe.ts
    let info: KeyInfo;
    try {
      info =
        gen.kind === 'secret'
          ? await token.generateSecretKey(gen.bytes, idHex, label, false)
          : await token.generateKeyPair(gen, idHex, label, false);
    } catch (err) {
      specs.set(spec, {
        ok: false,
        reason: `the token cannot generate ${spec} keys (${String(err)})`,
      });
      continue;
    }
    specs.set(spec, { ok: true });
    try {
      for (const name of entry.signingAlgorithms) {
        if (!proved.get(name)?.ok) {
          proved.set(name, await proveSigning(token, mechanisms, { idHex }, name, info.publicKey));
        }
      }
      for (const name of entry.macAlgorithms) {
        proved.set(name, await proveMac(token, mechanisms, { idHex }, name));
      }
    } finally {
      await token.destroyKey({ idHex }).catch(() => undefined);
    }
  }
  // The larger RSA sizes use the same mechanisms as the probed RSA_2048 key.
  const rsa = specs.get('RSA_2048') ?? { ok: false, reason: 'RSA was not probed' };
  specs.set('RSA_3072', rsa);
  specs.set('RSA_4096', rsa);
  const encryption = await proveEncryption(token, mechanisms, specs.get('RSA_2048')?.ok === true);
  const agreement = await proveKeyAgreement(
    token,
    mechanisms,
    (spec) => specs.get(spec)?.ok === true,
  );
  const random = await proveRandom(token);
  const symmetric = encryption('SYMMETRIC_DEFAULT');
  specs.set(
    'SYMMETRIC_DEFAULT',
    symmetric.ok ? { ok: true } : { ok: false, reason: symmetric.reason },
  );
  const notProved = (why: string): Capability => ({
    ok: false,
    reason: `this algorithm needs ${why}`,
  });
  return {
    algorithm: (name) => {
      const mechanism = SIGNING_ALGORITHM_TABLE[name].mechanism;
      if ('unavailable' in mechanism) return notProved(mechanism.unavailable);
      return proved.get(name) ?? notProved('a key type this token cannot generate');
    },
    mac: (name) => proved.get(name) ?? notProved('HMAC keys, which this token cannot generate'),
    keySpec: (name) => {
      const gen = KEY_SPEC_TABLE[name].generation;
      if (gen.kind === 'unavailable') return notProved(gen.capability);
      return specs.get(name) ?? notProved(`${name} keys`);
    },
    encryption,
    keyAgreement: agreement,
    random: () => random,
  };
}

function offered(mechanisms: readonly number[], mechanism: MechanismSpec): Capability | null {
  return mechanisms.includes(mechanism.mechanism)
    ? null
    : { ok: false, reason: `the token does not offer mechanism ${hex(mechanism.mechanism)}` };
}

async function proveSigning(
  token: TokenApi,
  mechanisms: readonly number[],
  locator: { idHex: string },
  name: SigningAlgorithm,
  material: PublicKeyMaterial | null,
): Promise<Capability> {
  const entry = SIGNING_ALGORITHM_TABLE[name];
  const mechanism = entry.mechanism;
  if ('unavailable' in mechanism)
    return { ok: false, reason: `this algorithm needs ${mechanism.unavailable}` };
  if (!material) return { ok: false, reason: 'the probe key has no public key' };
  const missing = offered(mechanisms, mechanism);
  if (missing) return missing;
  const key: KeyObject = nodePublicKey(spkiDer(material));
  try {
    const raw = Buffer.from(await token.sign(locator, mechanism, probeInput(entry)));
    const wire = entry.encodeSignature(raw, keyShape(material));
    if (entry.verifyRaw(PROBE_MESSAGE, key, wire)) return { ok: true };
    return {
      ok: false,
      reason: `the token's mechanism ${hex(mechanism.mechanism)} failed the known-answer check for ${name}`,
    };
  } catch (err) {
    return {
      ok: false,
      reason: `the token's mechanism ${hex(mechanism.mechanism)} failed for ${name} (${String(err)})`,
    };
  }
}

async function proveMac(
  token: TokenApi,
  mechanisms: readonly number[],
  locator: { idHex: string },
  name: MacAlgorithm,
): Promise<Capability> {
  const { mechanism } = MAC_ALGORITHM_TABLE[name];
  const missing = offered(mechanisms, mechanism);
  if (missing) return missing;
  try {
    const mac = Buffer.from(await token.sign(locator, mechanism, PROBE_MESSAGE));
    const corrupted = Buffer.from(mac);
    corrupted[0] = (corrupted[0] as number) ^ 1;
    const good = await token.verify(locator, mechanism, PROBE_MESSAGE, mac);
    const bad = await token.verify(locator, mechanism, PROBE_MESSAGE, corrupted);
    if (good && !bad) return { ok: true };
    return {
      ok: false,
      reason: `the token's mechanism ${hex(mechanism.mechanism)} failed the check for ${name}`,
    };
  } catch (err) {
    return {
      ok: false,
      reason: `the token's mechanism ${hex(mechanism.mechanism)} failed for ${name} (${String(err)})`,
    };
  }
}
