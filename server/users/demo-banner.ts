import type { DemoLogin } from './demo-organisation.js';

/** The plain-text block main.ts prints when it created the demo organisation. */
export function demoBanner(logins: DemoLogin[], generatedPassword: string | null): string {
  const width = Math.max(...logins.map((login) => login.username.length));
  const lines = logins.map((login) => `  ${login.username.padEnd(width)}  ${login.role}${login.departments.length ? ` (${login.departments.join(', ')})` : ''}`);
  const password = generatedPassword ? `Password of every demo user (generated, shown once): ${generatedPassword}` : 'Password of every demo user: the value of BATON_DEMO_PASSWORD';
  return ['', '=== Baton demo organisation ===', password, 'Users:', ...lines, 'Set BATON_DEMO=off to start without demo users.', '', ''].join('\n');
}
