/**
 * Splits text into literal parts and `${...}` parts. Only finds the boundaries; the bodies are
 * translated by juel-to-feel.
 */

export type TemplatePart =
  | { kind: 'text'; text: string }
  /** `start` is the index of the first character of `body` in the whole text. */
  | { kind: 'juel'; body: string; start: number };

/** A `${` without its `}`; `index` points at the `$`. */
export class TemplateError extends Error {
  readonly index: number;

  constructor(reason: string, index: number) {
    super(reason);
    this.name = 'TemplateError';
    this.index = index;
  }
}

/** Index of the `}` closing the part whose body starts at `from`, skipping quoted text. */
function closingBrace(text: string, from: number): number {
  let quote: string | null = null;
  for (let i = from; i < text.length; i++) {
    const ch = text.charAt(i);
    if (quote !== null) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
    } else if (ch === '}') {
      return i;
    }
  }
  return -1;
}

/**
 * `\${` stands for a literal `${`, as in JUEL. `#{…}` (JUEL's deferred form, which Camunda 7
 * evaluates exactly like `${…}`) is the same here, everywhere.
 */
export function splitTemplate(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('\\${', i) || text.startsWith('\\#{', i)) {
      literal += text.slice(i + 1, i + 3);
      i += 3;
      continue;
    }
    if (text.startsWith('${', i) || text.startsWith('#{', i)) {
      const end = closingBrace(text, i + 2);
      if (end < 0) {
        throw new TemplateError(`the "${text.slice(i, i + 2)}" at character ${i + 1} is never closed with "}"`, i);
      }
      if (literal !== '') parts.push({ kind: 'text', text: literal });
      literal = '';
      parts.push({ kind: 'juel', body: text.slice(i + 2, end), start: i + 2 });
      i = end + 1;
      continue;
    }
    literal += text.charAt(i);
    i++;
  }
  if (literal !== '') parts.push({ kind: 'text', text: literal });
  return parts;
}

/** True when the text holds at least one unescaped `${` or `#{`. */
export function hasTemplatePart(text: string): boolean {
  return /(^|[^\\])[$#]\{/.test(text);
}
