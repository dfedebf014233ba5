// Access key id → secret → principal, from a YAML/JSON document (a file, typically a mounted
// Kubernetes Secret, or the QKMS_CREDENTIALS variable). Several live keys per principal let
// secrets rotate without downtime; reload() swaps in a new document atomically and keeps the
// old one if the new one is invalid, so a half-written file never locks everybody out.

import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { Secret } from '../config/secret';
import type { Credential } from './sigv4-verifier';

/** What an access key id may be: what AWS's look like, long enough not to be guessed. */
export const ACCESS_KEY_ID_PATTERN = /^[A-Z0-9]{16,128}$/;
const PRINCIPAL = /^[a-zA-Z0-9_.@:/-]{1,128}$/;

export class CredentialsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid credentials: ${problems.join('; ')}`);
  }
}

type Entry = { readonly principal: string; readonly secret: Secret };

/** Parses a credentials document; error messages name keys and principals, never secrets. */
export function parseCredentials(text: string): Map<string, Entry> {
  const problems: string[] = [];
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch {
    throw new CredentialsError(['the credentials document is not valid YAML or JSON']);
  }
  const principals = (doc as { principals?: unknown } | null)?.principals;
  if (typeof principals !== 'object' || principals === null || Array.isArray(principals)) {
    throw new CredentialsError(['the credentials document needs a "principals" mapping']);
  }
  const entries = new Map<string, Entry>();
  for (const [principal, keys] of Object.entries(principals)) {
    if (!PRINCIPAL.test(principal)) problems.push(`principal name "${principal}" is not allowed`);
    if (!Array.isArray(keys) || keys.length === 0) {
      problems.push(`principal ${principal} needs a list of access keys`);
      continue;
    }
    keys.forEach((key: unknown, i) => {
      const { accessKeyId, secretAccessKey } = (key ?? {}) as Record<string, unknown>;
      const at = `${principal}[${i}]`;
      if (typeof accessKeyId !== 'string' || !ACCESS_KEY_ID_PATTERN.test(accessKeyId)) {
        problems.push(`${at}.accessKeyId must be 16–128 upper-case letters and digits`);
        return;
      }
      if (typeof secretAccessKey !== 'string' || secretAccessKey.length < 16) {
        problems.push(`${at} (${accessKeyId}): secretAccessKey must be at least 16 characters`);
        return;
      }
      if (entries.has(accessKeyId)) problems.push(`access key ${accessKeyId} appears twice`);
      entries.set(accessKeyId, { principal, secret: new Secret(secretAccessKey) });
    });
  }
  if (problems.length > 0) throw new CredentialsError(problems);
  return entries;
}

export class CredentialStore {
  private entries: Map<string, Entry>;
  private watched: string | null = null;

  /** @param read returns the current document (re-read on every reload) */
  constructor(private readonly read: () => string) {
    this.entries = parseCredentials(read());
  }

  static fromFile(path: string): CredentialStore {
    const store = new CredentialStore(() => readFileSync(path, 'utf8'));
    store.watched = path;
    return store;
  }

  lookup(accessKeyId: string): Credential | undefined {
    const entry = this.entries.get(accessKeyId);
    return entry && { principal: entry.principal, secretAccessKey: entry.secret.reveal() };
  }

  get size(): number {
    return this.entries.size;
  }

  /** Re-reads the document; on any problem the current credentials stay in force. */
  reload(): { ok: true; keys: number } | { ok: false; problems: readonly string[] } {
    try {
      this.entries = parseCredentials(this.read());
      return { ok: true, keys: this.entries.size };
    } catch (err) {
      return {
        ok: false,
        problems: err instanceof CredentialsError ? err.problems : [String((err as Error).message)],
      };
    }
  }

  /** Reloads when the file changes (polled: works for Kubernetes Secret symlink swaps too). */
  watch(
    onReload: (result: ReturnType<CredentialStore['reload']>) => void,
    intervalMs = 1000,
  ): void {
    if (!this.watched) return;
    watchFile(this.watched, { interval: intervalMs, persistent: false }, () =>
      onReload(this.reload()),
    );
  }

  unwatch(): void {
    if (this.watched) unwatchFile(this.watched);
  }
}
