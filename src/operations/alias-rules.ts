// AWS's rules for alias names, shared by CreateAlias, UpdateAlias and DeleteAlias.

import { KmsError } from '../errors/kms-error';
import { aliasArn } from '../keys/arns';
import type { KeyEntry } from '../keys/key-record';
import { KEY_LOOKUP, type ErrorTable } from './error-tables';
import type { OperationContext } from './operation';

/** The wire layer checks the pattern (AWS's model has it); the rules below are KMS's own. */
export const ALIAS_NAME = {
  kind: 'string',
  required: true,
  min: 1,
  max: 256,
  pattern: '^[a-zA-Z0-9:/_-]+$',
} as const;

export function assertValidAliasName(name: string): void {
  if (!name.startsWith('alias/')) {
    throw new KmsError(
      'ValidationException',
      'Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html',
    );
  }
  if (name === 'alias/') {
    throw new KmsError(
      'ValidationException',
      `1 validation error detected: Value '${name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$`,
    );
  }
  if (name.startsWith('alias/aws/')) {
    throw new KmsError(
      'ValidationException',
      `Alias names beginning with alias/aws/ are reserved for AWS managed keys: ${name}.`,
    );
  }
  // Names from the wire were checked against ALIAS_NAME already; these checks are for names that
  // never went through it (the command line, QKMS_DEV_KEYS, the config file's catalog).
  if (name.length > ALIAS_NAME.max) {
    throw new KmsError(
      'ValidationException',
      `1 validation error detected: Value '${name}' at 'aliasName' failed to satisfy constraint: Member must have length less than or equal to ${ALIAS_NAME.max}`,
    );
  }
  if (!new RegExp(ALIAS_NAME.pattern).test(name)) {
    throw new KmsError(
      'ValidationException',
      `1 validation error detected: Value '${name}' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ${ALIAS_NAME.pattern}`,
    );
  }
}

/** The key an alias may point at: named by key id or key ARN (not by an alias), not pending deletion. */
export function aliasTarget(targetKeyId: string, ctx: OperationContext): KeyEntry {
  if (targetKeyId.startsWith('alias/') || targetKeyId.includes(':alias/')) {
    throw new KmsError(
      'ValidationException',
      `TargetKeyId must be a key id or key ARN, not an alias: ${targetKeyId}.`,
    );
  }
  const key = ctx.catalog.resolve(targetKeyId);
  if (key.record.state === 'PendingDeletion') {
    throw new KmsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
  }
  return key;
}

/** The one key that holds `name`, or NotFoundException. */
export function aliasOwner(name: string, ctx: OperationContext): KeyEntry {
  const owner = ctx.catalog.aliasTarget(name);
  if (!owner) {
    throw new KmsError('NotFoundException', `Alias '${aliasArn(ctx.scope, name)}' is not found.`);
  }
  return owner;
}

/** What assertValidAliasName refuses. */
export const ALIAS_NAME_ERRORS: ErrorTable = [
  {
    name: 'ValidationException',
    when: '`AliasName` does not start with `alias/`, is `alias/` alone, or begins with the reserved `alias/aws/`.',
  },
];

/** What aliasTarget refuses (the key an alias is to point at). */
export const ALIAS_TARGET_ERRORS: ErrorTable = [
  {
    name: 'ValidationException',
    when: '`TargetKeyId` is an alias: it takes a key id or key ARN.',
  },
  {
    name: 'NotFoundException',
    when: '`TargetKeyId` names no key, or an ARN of another partition, Region or account.',
  },
  { name: 'KMSInvalidStateException', when: 'The target key is pending deletion.' },
  ...KEY_LOOKUP.filter((e) => e.name === 'KeyUnavailableException'),
];

/** What aliasOwner refuses. */
export const ALIAS_OWNER_ERRORS: ErrorTable = [
  { name: 'NotFoundException', when: 'No alias has this name.' },
];
