// Key objects QKMS made but no key record names: left by a crash of an older version, or by
// an interrupted creation whose intent was lost. An object counts as QKMS's when its CKA_LABEL
// is a key id and its CKA_ID that id's 16 bytes (templates.ts); keys adopted from the config
// file or recorded in the store are never orphans, nor keys whose creation is in progress. A
// rotation's key material is marked the same way with its material id (key-materials.ts): it is
// claimed by the key whose record lists it, and an orphan (reported by its material id) if none does.
//
// The order of the reads matters: the objects are listed first and the store read afterwards,
// so a key whose objects the listing saw either has its intent (or, once committed, its
// record) in the later read, or is truly abandoned.

import type { KeyObjectInfo, TokenApi } from '../pkcs11/token-api';
import { keyObjects } from './key-materials';
import { keyIdBytesHex } from './key-reference';
import type { MetadataStore } from './store/metadata-store';
import { MetadataView, type ConfigKeys } from './store/metadata-view';
import { isKeyId } from './store/record-validation';

export interface Orphan {
  readonly keyId: string;
  readonly objects: readonly KeyObjectInfo['kind'][];
}

export interface OrphanReport {
  readonly orphans: Orphan[];
  /**
   * Key objects with neither CKA_ID nor CKA_LABEL: SoftHSM leaves such an object when killed
   * inside C_GenerateKey (it writes the object, then its template). Nobody can tell whose they
   * are, so they are only counted.
   */
  readonly unlabelled: number;
}

export async function findOrphans(
  token: TokenApi,
  metadata: MetadataStore,
  config: ConfigKeys,
): Promise<OrphanReport> {
  const objects = await token.listKeyObjects();
  const inProgress = await metadata.creationsInProgress();
  const view = new MetadataView(metadata.state(), config);
  const claimedIds = new Set<string>();
  const claimedLabels = new Set<string>();
  for (const keyId of view.keyIds()) {
    const record = view.key(keyId);
    for (const locator of record ? keyObjects(record) : []) {
      if (locator.idHex) claimedIds.add(locator.idHex);
      if (locator.label) claimedLabels.add(locator.label);
    }
  }
  const orphans = new Map<string, KeyObjectInfo['kind'][]>();
  for (const object of objects) {
    const marked = isKeyId(object.label) && object.idHex === keyIdBytesHex(object.label);
    if (!marked || inProgress.has(object.label)) continue;
    if (claimedIds.has(object.idHex) || claimedLabels.has(object.label)) continue;
    orphans.set(object.label, [...(orphans.get(object.label) ?? []), object.kind]);
  }
  return {
    orphans: [...orphans].map(([keyId, kinds]) => ({ keyId, objects: kinds.sort() })),
    unlabelled: objects.filter((o) => o.idHex === '' && o.label === '').length,
  };
}
