// Special Errors: the exceptions an operation declares (src/operations), one row per exception
// with every case in which it is answered, and the HTTP status the code answers it with.

import { KMS_ERROR_STATUS, type KmsErrorName } from '../../errors/kms-error';
import type { ErrorTable } from '../../operations/error-tables';
import { cell, table } from './mdx';

export interface ErrorRow {
  readonly name: KmsErrorName;
  readonly status: number;
  readonly when: readonly string[];
}

/** One row per exception, in the order first declared; the same case is listed once. */
export function errorRows(declared: ErrorTable): ErrorRow[] {
  const rows = new Map<KmsErrorName, string[]>();
  for (const { name, when } of declared) {
    const cases = rows.get(name) ?? [];
    if (!cases.includes(when)) cases.push(when);
    rows.set(name, cases);
  }
  return [...rows].map(([name, when]) => ({ name, status: KMS_ERROR_STATUS[name], when }));
}

export function errorTable(declared: ErrorTable): string {
  return table(
    ['Exception', 'HTTP status', 'When'],
    errorRows(declared).map((row) => [
      `\`${row.name}\``,
      String(row.status),
      row.when.map(cell).join('<br />'),
    ]),
  );
}
