// Keys adopted through the config file: made by HSM administrators, mapped onto KMS key ids by
// label or CKA_ID. Their key spec is read off the token once at start-up (one search per
// adopted key); their description, state and aliases come from the config entry until an API
// change stores a record for them (metadata-view.ts).

import { KEY_SPEC_TABLE, keySpecForCurve, type KeySpec } from '../crypto/key-specs';
import { keyShape, type PublicKeyMaterial } from '../crypto/public-key';
import type { AdoptedKeyConfig } from '../config/schema';
import type { TokenApi } from '../pkcs11/token-api';
import type { AliasRecord, KeyMetadataRecord } from './key-record';
import type { ConfigKeys } from './store/metadata-view';

/** The key spec of a key found in the token, if KMS has a name for it (HMAC keys need a record). */
export function inferKeySpec(material: PublicKeyMaterial | null): KeySpec | undefined {
  if (!material) return undefined;
  if (material.kind === 'rsa') {
    const bits = keyShape(material).sizeBytes * 8;
    return (['RSA_2048', 'RSA_3072', 'RSA_4096'] as const).find((s) => {
      const gen = KEY_SPEC_TABLE[s].generation;
      return gen.kind === 'rsa' && gen.bits === bits;
    });
  }
  return keySpecForCurve(material.curveOidDer);
}

/** The metadata of a key adopted from the token (config file or `qkms keys import`). */
export function adoptedMetadata(
  keyId: string,
  keySpec: KeySpec,
  locator: KeyMetadataRecord['locator'],
  options: { description: string; enabled: boolean },
  creationDate = 0,
): KeyMetadataRecord {
  return {
    keyId,
    keySpec,
    // Adopted keys sign (or MAC): the token does not say what else an administrator meant.
    keyUsage: KEY_SPEC_TABLE[keySpec].keyUsages[0] as KeyMetadataRecord['keyUsage'],
    description: options.description,
    state: options.enabled ? 'Enabled' : 'Disabled',
    creationDate,
    origin: 'EXTERNAL',
    tags: [],
    locator,
  };
}

/** Reads what the token says about each adopted key; a key it cannot find is a problem, not fatal. */
export async function loadConfigKeys(
  token: TokenApi,
  adopted: readonly AdoptedKeyConfig[],
): Promise<{ config: ConfigKeys; problems: string[] }> {
  const keys = new Map<string, KeyMetadataRecord>();
  const aliases = new Map<string, AliasRecord>();
  const problems: string[] = [];
  for (const entry of adopted) {
    const locator = {
      ...(entry.idHex ? { idHex: entry.idHex } : {}),
      ...(entry.label ? { label: entry.label } : {}),
    };
    const info = await token.findKey(locator);
    if (!info) {
      problems.push(
        `adopted key ${entry.keyId}: no key with ${JSON.stringify(locator)} in the token`,
      );
      continue;
    }
    const keySpec = inferKeySpec(info.publicKey);
    if (!keySpec) {
      problems.push(`adopted key ${entry.keyId}: its key type has no KMS key spec QKMS can infer`);
      continue;
    }
    keys.set(entry.keyId, adoptedMetadata(entry.keyId, keySpec, locator, entry));
    for (const name of entry.aliases)
      aliases.set(name, { name, keyId: entry.keyId, creationDate: 0, lastUpdatedDate: 0 });
  }
  return { config: { keys, aliases }, problems };
}
