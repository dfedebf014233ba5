// Writes records to the token the way readers in other processes can rely on. Only ever called
// with the host lock held. A change gets a number, one above every generation and revision the
// store holds, and is bracketed by two generation records, the first marked "writing": a reader
// that sees "writing" knows a change is under way (or that its writer died, when nobody holds
// the lock) and looks again, so it never settles on half a change. Every record the change
// writes carries the change's number as its revision, so two changes never write the same
// revision of a record, even when one of them failed in a way its writer could not see.
// A record is replaced by creating the new revision before destroying the old one; once the new
// object exists the change is durable, so a failure to destroy the old one is not a failure of
// the change (the leftover is removed by a later write).

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
    const change =
      Math.max(this.records.generation().value?.generation ?? 0, this.records.maxRevision()) + 1;
    await this.generation(change, true);
    try {
      for (const w of writes) await this.one(w, change);
      await this.destroy(alsoDestroy);
    } finally {
      // Even after a failure: readers must not wait for a writer that has given up. If this
      // write fails too, the mark stays "writing" with the lock free, which readers take as an
      // abandoned change (they look again) and maintenance closes; the change itself is made.
      await this.generation(change + 1, false).catch(() => undefined);
    }
    return change + 1;
  }

  /** Closes a change its writer left half-announced (it died between the two generation writes). */
  async finish(): Promise<number> {
    return this.write([]);
  }

  private async one(w: RecordWrite, revision: number): Promise<void> {
    switch (w.kind) {
      case 'putKey':
        await this.replace(keyLabel(w.record.keyId), encodeKey(w.record, revision));
        return;
      case 'putAlias':
        await this.replace(aliasLabel(w.alias.name), encodeAlias(w.alias.name, w.alias, revision));
        return;
      case 'removeAlias': {
        const label = aliasLabel(w.name);
        if (w.tombstone) await this.replace(label, encodeAlias(w.name, null, revision));
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

  /** Writes the new revision, then destroys every older object of the label. */
  private async replace(label: string, value: Uint8Array): Promise<void> {
    const older = this.records.handlesOf(label);
    const handle = await this.token.createData(METADATA_APPLICATION, label, value);
    this.records.add({ handle, label, value });
    await this.destroy(older);
  }

  /**
   * Destroys objects whose removal IS the change, oldest revision first: if the token fails
   * half-way, the newest revision is still there and the error tells the truth.
   */
  private async remove(handles: readonly string[]): Promise<void> {
    await this.token.destroyData(handles);
    this.records.remove(handles);
  }

  /** Destroys what a change leaves behind; failures are kept and retried with a later write. */
  private async destroy(handles: readonly string[]): Promise<void> {
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

  /** Drops leftovers a search no longer found (gone, or named by an earlier login's handle). */
  pruneLeftovers(): void {
    this.leftovers = this.leftovers.filter((h) => this.records.knows(h));
  }

  private async generation(generation: number, writing: boolean): Promise<void> {
    await this.replace(
      GENERATION_LABEL,
      encodeGeneration({
        generation,
        writing,
        host: hostname(),
        pid: process.pid,
        time: this.now(),
      }),
    );
  }
}
