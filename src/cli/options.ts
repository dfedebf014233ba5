// Options several commands share, and the parsers that check option values while the command
// line is read: a bad value is a usage error naming its flag (exit 2) before anything is opened,
// not a failure deep inside a token call.

import { InvalidArgumentError, Option } from 'commander';
import { assertValidAliasName } from '../operations/alias-rules';

export const configOption = (): Option =>
  new Option(
    '--config <file>',
    'YAML config file (docs/configuration.md); default: the file named by QKMS_CONFIG, else QKMS_* variables alone',
  );

/** `qkms dev`'s token, for commands that administer it beside (or without) `qkms dev`. */
export const dataDirOption = (): Option =>
  new Option(
    '--data-dir <dir>',
    'use the SoftHSM token, PIN and metadata lock of a `qkms dev` data directory (e.g. .qkms-dev) instead of a config file',
  ).conflicts('config');

export function parsePort(value: string): number {
  const port = /^\d{1,5}$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535))
    throw new InvalidArgumentError('Expected a TCP port number from 0 to 65535.');
  return port;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Key ids are compared as lower-case UUIDs everywhere (config keys, ARNs): store them so. */
export function parseKeyId(value: string): string {
  if (!UUID.test(value))
    throw new InvalidArgumentError('Expected a UUID such as 7f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9.');
  return value.toLowerCase();
}

/** CKA_ID as hex bytes, written as the config file's `keys[].id` is. */
export function parseHexId(value: string): string {
  if (!/^([0-9a-fA-F]{2})+$/.test(value))
    throw new InvalidArgumentError('Expected CKA_ID as hex bytes, such as 0a1b2c3d.');
  return value.toLowerCase();
}

/** The API's own alias rules, so the command line refuses what CreateAlias would. */
export function parseAliasName(value: string): string {
  try {
    assertValidAliasName(value);
  } catch (err) {
    throw new InvalidArgumentError(err instanceof Error ? err.message : String(err));
  }
  return value;
}
