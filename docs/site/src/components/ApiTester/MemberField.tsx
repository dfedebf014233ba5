// One input member's control: a select for enums and booleans, a text area with a base64/UTF-8
// switch for blobs, one line per item for lists and tags, a text field otherwise.

import type { ReactNode } from 'react';
import Inline from '../shared/Inline';
import type { FieldValue, Member } from './members';

interface Props {
  readonly member: Member;
  readonly value: FieldValue;
  readonly hint?: string;
  readonly onChange: (value: FieldValue) => void;
}

function limits(member: Member): string {
  const parts: string[] = [];
  if (member.min !== undefined || member.max !== undefined) {
    const unit = member.kind === 'blob' ? 'bytes' : member.kind === 'integer' ? '' : 'characters';
    parts.push(`${member.min ?? 0}–${member.max ?? '…'} ${unit}`.trim());
  }
  if (member.maxItems !== undefined) parts.push(`at most ${member.maxItems} items`);
  if (member.kind === 'stringList') parts.push('one item per line');
  if (member.kind === 'tagList') parts.push('one key=value per line');
  if (member.pattern) parts.push(`pattern ${member.pattern}`);
  return parts.join('; ');
}

export default function MemberField({ member, value, hint, onChange }: Props): ReactNode {
  const id = `qkms-member-${member.name}`;
  const set = (text: string) => onChange({ ...value, text });
  const choices = member.kind === 'boolean' ? ['true', 'false'] : member.enum;
  const control = choices ? (
    <select id={id} value={value.text} onChange={(e) => set(e.target.value)}>
      <option value="">(not set)</option>
      {choices.map((choice) => (
        <option key={choice} value={choice}>
          {choice}
        </option>
      ))}
    </select>
  ) : member.kind === 'blob' || member.kind === 'stringList' || member.kind === 'tagList' ? (
    <textarea
      id={id}
      rows={member.kind === 'blob' ? 3 : 2}
      value={value.text}
      placeholder={hint}
      spellCheck={false}
      onChange={(e) => set(e.target.value)}
    />
  ) : (
    <input
      id={id}
      type="text"
      inputMode={member.kind === 'integer' ? 'numeric' : undefined}
      value={value.text}
      placeholder={hint}
      spellCheck={false}
      autoComplete="off"
      onChange={(e) => set(e.target.value)}
    />
  );
  return (
    <div>
      <label htmlFor={id}>
        {member.name}
        {member.required ? ' (required)' : ''}
        <span className="qkms-hint">
          <Inline text={member.doc} />
          {limits(member) ? ` (${limits(member)})` : ''}
        </span>
      </label>
      {control}
      {member.kind === 'blob' && (
        <span className="qkms-encoding" role="radiogroup" aria-label={`${member.name} encoding`}>
          {(['utf8', 'base64'] as const).map((encoding) => (
            <label key={encoding}>
              <input
                type="radio"
                name={`${id}-encoding`}
                checked={value.encoding === encoding}
                onChange={() => onChange({ ...value, encoding })}
              />{' '}
              {encoding === 'utf8' ? 'UTF-8 text' : 'base64'}
            </label>
          ))}
        </span>
      )}
    </div>
  );
}
