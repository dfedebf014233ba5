// Writes records to the token the way readers in other processes can rely on. Only ever called
// with the host lock held. A change is bracketed by two generation records, the first marked
// "writing": a reader that sees "writing" knows a change is under way (or that its writer
// died, when nobody holds the lock) and looks again, so it never settles on half a change.
// Each record is replaced by creating the new revision before destroying the old one; once the
// new object exists the change is durable, so a failure to destroy the old one is not a
// failure of the change (the leftover is removed by the next write of that record).

import { hostname } from 'node:os';
import type { TokenApi } from '../../../pkcs11/token-api';
import type { RecordWrite } from '../change-plan';
import type { RecordSet } from './record-set';
import {
  GENERATION_LABEL,
  METADATA_APPLICATION,
  aliasLabel,
  encodeAlias,
  encodeGeneration,
  encodeKey,
  keyLabel,
} from './records';

export class RecordWriter {
  /** Handles whose destruction failed; retried with the next write. */
  private leftovers: string[] = [];

  constructor(
    private readonly token: TokenApi,
    private readonly records: RecordSet,
    private readonly now: () => number,
  ) {}

  /** Runs `writes` (and destroys `alsoDestroy`) as one announced change; returns its generation. */
  async write(
    writes: readonly RecordWrite[],
    alsoDestroy: readonly string[] = [],
  ): Promise<number> {
    await this.generation(true);
    try {
      for (const w of writes) await this.one(w);
      await this.destroy(alsoDestroy);
    } finally {
      // Even after a failure: readers must not wait for a writer that has given up. If this
      // write fails too, the mark stays "writing" with the lock free, which readers take as an
      // abandoned change (they look again) and maintenance closes; the change itself is made.
      await this.generation(false).catch(() => undefined);
    }
    return this.records.generation().value?.generation ?? 0;
  }

  /** Closes a change its writer left half-announced (it died between the two generation writes). */
  async finish(): Promise<number> {
    await this.generation(false);
    return this.records.generation().value?.generation ?? 0;
  }

  private async one(w: RecordWrite): Promise<void> {
    switch (w.kind) {
      case 'putKey': {
        const label = keyLabel(w.record.keyId);
        const revision = this.nextRevision(label);
        await this.replace(label, encodeKey(w.record, revision));
        return;
      }
      case 'putAlias': {
        const label = aliasLabel(w.alias.name);
        await this.replace(label, encodeAlias(w.alias.name, w.alias, this.nextRevision(label)));
        return;
      }
      case 'removeAlias': {
        const label = aliasLabel(w.name);
        if (w.tombstone)
          await this.replace(label, encodeAlias(w.name, null, this.nextRevision(label)));
        else await this.remove(this.records.handlesOldestFirst(label));
        return;
      }
      case 'removeKey': {
        const legacy = this.records
          .objectsOf('legacy')
          .filter((o) => o.object.record.keyId === w.keyId)
          .map((o) => o.handle);
        await this.remove([...legacy, ...this.records.handlesOldestFirst(keyLabel(w.keyId))]);
        return;
      }
    }
  }

  private nextRevision(label: string): number {
    return this.records.revisionOf(label) + 1;
  }

  /** Writes the new revision, then destroys every older object of the label. */
  async replace(label: string, value: Uint8Array): Promise<string> {
    const older = this.records.handlesOf(label);
    const handle = await this.token.createData(METADATA_APPLICATION, label, value);
    this.records.add({ handle, label, value });
    await this.destroy(older);
    return handle;
  }

  /**
   * Destroys objects whose removal IS the change, oldest revision first: if the token fails
   * half-way, the newest revision is still there and the error tells the truth.
   */
  private async remove(handles: readonly string[]): Promise<void> {
    await this.token.destroyData(handles);
    this.records.remove(handles);
  }

  /** Forgets leftovers: after a re-login their handles name nothing. */
  forgetLeftovers(): void {
    this.leftovers = [];
  }

  /** Destroys objects, oldest knowledge first; failures are kept for the next write. */
  async destroy(handles: readonly string[]): Promise<void> {
    const all = [...this.leftovers, ...handles];
    if (all.length === 0) return;
    try {
      await this.token.destroyData(all);
      this.records.remove(all);
      this.leftovers = [];
    } catch {
      this.leftovers = all;
    }
  }

  private async generation(writing: boolean): Promise<void> {
    const current = this.records.generation().value;
    await this.replace(
      GENERATION_LABEL,
      encodeGeneration({
        generation: (current?.generation ?? 0) + 1,
        writing,
        host: hostname(),
        pid: process.pid,
        time: this.now(),
      }),
    );
  }
}
