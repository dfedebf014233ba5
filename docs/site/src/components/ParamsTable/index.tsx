// A parameters table of the API reference: request headers, request body members, or response
// elements. Rows come from the generator (types, constraints from the input schemas).

import type { ReactNode } from 'react';
import Inline from '../shared/Inline';

export interface ParamRow {
  readonly name: string;
  readonly type: string;
  readonly required?: boolean;
  readonly constraints: readonly string[];
  readonly doc: string;
  readonly depth?: number;
}

interface Props {
  readonly kind: 'headers' | 'request' | 'response';
  readonly rows: readonly ParamRow[];
}

export default function ParamsTable({ kind, rows }: Props): ReactNode {
  const showRequired = kind !== 'response';
  return (
    <table className="qkms-params">
      <thead>
        <tr>
          <th>{kind === 'headers' ? 'Header' : kind === 'request' ? 'Member' : 'Element'}</th>
          <th>Type</th>
          {showRequired && <th>Required</th>}
          <th>Description</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.name} id={`${kind}-${row.name}`}>
            <td className={row.depth ? 'qkms-nested' : undefined}>
              <code>{row.name}</code>
            </td>
            <td>{row.type}</td>
            {showRequired && <td>{row.required ? 'Yes' : 'No'}</td>}
            <td>
              <Inline text={row.doc} />
              {row.constraints.length > 0 && (
                <ul>
                  {row.constraints.map((c) => (
                    <li key={c}>
                      <Inline text={c} />
                    </li>
                  ))}
                </ul>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
