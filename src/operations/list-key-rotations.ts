// ListKeyRotations: a SYMMETRIC_DEFAULT key's completed rotations, oldest first, paged like the
// other listings. With IncludeKeyMaterial ALL_KEY_MATERIAL the key's first material leads the
// list (without RotationDate and RotationType, as AWS lists it). KeyMaterialId is the SHA-256
// of the material's 16 id bytes (material-id.ts); KeyMaterialState says which one encrypts.

import { KEY_LOOKUP, PAGING } from './error-tables';
import { KEY_ID, MARKER } from './input-schema';
import type { KeyMaterial } from '../keys/key-record';
import { keyMaterialId } from './material-id';
import { defineOperation } from './operation';
import { pageFields, paginate } from './paging';
import { ROTATION_ERRORS } from './rotation-errors';
import { rotatingKey } from './rotation-key';

const INCLUDE = ['ALL_KEY_MATERIAL', 'ROTATIONS_ONLY'] as const;

export const listKeyRotations = defineOperation({
  name: 'ListKeyRotations',
  input: {
    KeyId: KEY_ID,
    IncludeKeyMaterial: { kind: 'string', enum: INCLUDE },
    Limit: { kind: 'integer', min: 1, max: 1000 },
    Marker: MARKER,
  },
  errors: [...KEY_LOOKUP, ...ROTATION_ERRORS.unsupported, ...PAGING],
  async handle(input, ctx) {
    const key = rotatingKey(input.KeyId, ctx);
    const all = key.record.materials ?? [];
    const newest = all[all.length - 1];
    // Materials only ever get appended, so a position names one for good: the paging key.
    const listed = all
      .map((m, i) => ({ m, position: String(i).padStart(6, '0') }))
      .filter(({ m }) => m.origin !== 'CREATE' || input.IncludeKeyMaterial === 'ALL_KEY_MATERIAL');
    const scope = {
      codec: ctx.catalog.markers,
      operation: 'ListKeyRotations',
      owner: `${key.record.keyId}/${input.IncludeKeyMaterial ?? 'ROTATIONS_ONLY'}`,
    };
    const page = paginate(listed, (e) => e.position, scope, input.Limit ?? 100, input.Marker);
    const entry = (m: KeyMaterial) => ({
      KeyId: key.record.keyId,
      KeyMaterialId: keyMaterialId(m.materialId),
      KeyMaterialState: m === newest ? 'CURRENT' : 'NON_CURRENT',
      ...(m.origin === 'CREATE' ? {} : { RotationDate: m.created, RotationType: m.origin }),
    });
    return { Rotations: page.items.map(({ m }) => entry(m)), ...pageFields(page) };
  },
});
