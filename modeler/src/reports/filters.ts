/**
 * The report's filters live in the URL (`?process=…&from=…`), so a view can be shared and
 * bookmarked; the form shows them and writes them back.
 */
export interface Filters {
  process: string;
  /** Empty: all versions (the newest is drawn). */
  version: string;
  from: string;
  to: string;
  bucket: 'day' | 'week';
  month: string;
  department: string;
  a: string;
  b: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const day = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

/** The default view: last month, as a head of service wants it on the 1st. */
export function defaults(now: Date): Filters {
  const firstOfThis = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const firstOfLast = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return {
    process: '',
    version: '',
    from: day(firstOfLast),
    to: day(firstOfThis),
    bucket: 'day',
    month: `${firstOfLast.getUTCFullYear()}-${pad(firstOfLast.getUTCMonth() + 1)}`,
    department: '',
    a: '',
    b: '',
  };
}

export function fromUrl(search: string, now: Date): Filters {
  const params = new URLSearchParams(search);
  const base = defaults(now);
  const pick = (key: keyof Filters, valid: RegExp) => {
    const value = params.get(key);
    return value !== null && valid.test(value) ? value : base[key];
  };
  return {
    process: pick('process', /^.{1,200}$/),
    version: pick('version', /^\d{1,6}$/),
    from: pick('from', /^\d{4}-\d{2}-\d{2}$/),
    to: pick('to', /^\d{4}-\d{2}-\d{2}$/),
    bucket: params.get('bucket') === 'week' ? 'week' : 'day',
    month: pick('month', /^\d{4}-\d{2}$/),
    department: pick('department', /^.{1,200}$/),
    a: pick('a', /^\d{1,6}$/),
    b: pick('b', /^\d{1,6}$/),
  };
}

export function toQuery(filters: Filters): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value) params.set(key, value);
  return params.toString();
}
