// What this token can really do. At start-up, each algorithm whose mechanism the token lists is
// proved with a known-answer check on a throwaway session key: sign a fixed message and verify
// the result independently in node:crypto (or noble for Ed25519ph, which node cannot check).
// Only proved algorithms are served and advertised; SoftHSM, for one, silently returns a pure
// Ed25519 signature when asked for Ed25519ph, and this check is what catches it.

import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import type { TokenApi } from '../pkcs11/token-api';
import { KEY_SPEC_TABLE, KEY_SPECS, type KeySpec } from './key-specs';
import { keyShape, nodePublicKey, spkiDer } from './public-key';
import type { PublicKeyMaterial } from './public-key';
import {
  SIGNING_ALGORITHM_TABLE,
  type SigningAlgorithm,
  type SigningAlgorithmEntry,
} from './signing-algorithms';

export type Capability = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface Capabilities {
  algorithm(name: SigningAlgorithm): Capability;
  keySpec(name: KeySpec): Capability;
}

const PROBE_MESSAGE = Buffer.from('QKMS known-answer check');

/** The message the probe hands to the gateway path: DIGEST-only algorithms get the prehash. */
function probeInput(entry: SigningAlgorithmEntry): Buffer {
  if (entry.messageTypes.includes('RAW')) return entry.tokenInput(PROBE_MESSAGE, 'RAW');
  return entry.tokenInput(createHash('sha512').update(PROBE_MESSAGE).digest(), 'DIGEST');
}

/** Key specs whose probe key stands for the whole family (RSA key size does not change mechanisms). */
const PROBE_SPECS: readonly KeySpec[] = KEY_SPECS.filter(
  (s) =>
    KEY_SPEC_TABLE[s].generation.kind !== 'unavailable' && s !== 'RSA_3072' && s !== 'RSA_4096',
);

export async function probeCapabilities(
  token: TokenApi,
  mechanisms: readonly number[],
): Promise<Capabilities> {
  const algorithms = new Map<SigningAlgorithm, Capability>();
  const specs = new Map<KeySpec, Capability>();
  for (const spec of PROBE_SPECS) {
    const gen = KEY_SPEC_TABLE[spec].generation;
    if (gen.kind === 'unavailable') continue;
    const idHex = randomBytes(16).toString('hex');
    const label = `qkms-probe-${spec}`;
    let key: KeyObject;
    let material: PublicKeyMaterial;
    try {
      const info = await token.generateKeyPair(gen, idHex, label, false);
      material = info.publicKey;
      key = nodePublicKey(spkiDer(material));
    } catch (err) {
      specs.set(spec, {
        ok: false,
        reason: `the token cannot generate ${spec} keys (${String(err)})`,
      });
      continue;
    }
    specs.set(spec, { ok: true });
    try {
      for (const name of KEY_SPEC_TABLE[spec].signingAlgorithms) {
        if (algorithms.get(name)?.ok) continue;
        algorithms.set(
          name,
          await proveAlgorithm(token, mechanisms, { idHex }, name, key, material),
        );
      }
    } finally {
      await token.destroyKeyPair({ idHex }).catch(() => undefined);
    }
  }
  // The larger RSA sizes use the same mechanisms as the probed RSA_2048 key.
  const rsa = specs.get('RSA_2048') ?? { ok: false, reason: 'RSA was not probed' };
  specs.set('RSA_3072', rsa);
  specs.set('RSA_4096', rsa);
  return {
    algorithm: (name) =>
      algorithms.get(name) ?? unavailableReason(SIGNING_ALGORITHM_TABLE[name].mechanism),
    keySpec: (name) => specs.get(name) ?? unavailableReason(KEY_SPEC_TABLE[name].generation),
  };
}

function unavailableReason(source: object): Capability {
  const needs =
    'unavailable' in source
      ? String(source.unavailable)
      : 'capability' in source
        ? String(source.capability)
        : 'a capability this token lacks';
  return { ok: false, reason: `this algorithm needs ${needs}` };
}

async function proveAlgorithm(
  token: TokenApi,
  mechanisms: readonly number[],
  locator: { idHex: string },
  name: SigningAlgorithm,
  key: KeyObject,
  material: PublicKeyMaterial,
): Promise<Capability> {
  const entry = SIGNING_ALGORITHM_TABLE[name];
  const mechanism = entry.mechanism;
  if ('unavailable' in mechanism)
    return { ok: false, reason: `this algorithm needs ${mechanism.unavailable}` };
  const hex = `0x${mechanism.mechanism.toString(16)}`;
  if (!mechanisms.includes(mechanism.mechanism)) {
    return { ok: false, reason: `the token does not offer mechanism ${hex}` };
  }
  try {
    const raw = Buffer.from(await token.sign(locator, mechanism, probeInput(entry)));
    const wire = entry.encodeSignature(raw, keyShape(material));
    if (entry.verifyRaw(PROBE_MESSAGE, key, wire)) return { ok: true };
    return {
      ok: false,
      reason: `the token's mechanism ${hex} failed the known-answer check for ${name}`,
    };
  } catch (err) {
    return {
      ok: false,
      reason: `the token's mechanism ${hex} failed for ${name} (${String(err)})`,
    };
  }
}
