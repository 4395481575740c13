/** Value of one cookie of a Cookie header, or null; enough for Baton's one session cookie. */
export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index < 0 || part.slice(0, index).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      return null;
    }
  }
  return null;
}

export const SESSION_COOKIE = 'baton_session';
export const CSRF_HEADER = 'x-csrf-token';
