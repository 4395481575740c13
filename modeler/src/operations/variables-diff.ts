/**
 * The variable edit as the operator typed it: what to send (`set`, `remove`) and the lines of the
 * diff preview, from the saved variables and the edited JSON. DOM-free (tested in Node).
 */
export interface VariableEdit {
  set: Record<string, unknown>;
  remove: string[];
  lines: { kind: 'set' | 'removed'; name: string; from: string; to: string }[];
}

export function variableEdit(before: Record<string, unknown>, editedJson: string): VariableEdit {
  const parsed: unknown = JSON.parse(editedJson);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object { "name": value, … }');
  const after = parsed as Record<string, unknown>;
  const edit: VariableEdit = { set: {}, remove: [], lines: [] };
  for (const [name, value] of Object.entries(after)) {
    if (name in before && JSON.stringify(before[name]) === JSON.stringify(value)) continue;
    edit.set[name] = value;
    edit.lines.push({ kind: 'set', name, from: name in before ? JSON.stringify(before[name]) : '∅', to: JSON.stringify(value) });
  }
  for (const name of Object.keys(before)) {
    if (name in after) continue;
    edit.remove.push(name);
    edit.lines.push({ kind: 'removed', name, from: JSON.stringify(before[name]), to: '' });
  }
  return edit;
}

/** `old = new` per line → mapping; throws naming the first bad line (1-based). */
export function parseMapping(text: string): Record<string, string> {
  const mapping: Record<string, string> = {};
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    if (!line) return;
    const match = /^([^=\s]+)\s*=\s*([^=\s]+)$/.exec(line);
    if (!match) throw new MappingLineError(index + 1);
    const [, from = '', to = ''] = match;
    mapping[from] = to;
  });
  return mapping;
}

export class MappingLineError extends Error {
  constructor(readonly line: number) {
    super(`mapping line ${line}`);
  }
}
