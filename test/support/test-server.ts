import { removeDir, startTestBaton, type TestBaton } from './harness.js';
import { listen, type Http } from './http.js';

export interface TestServer {
  readonly baton: TestBaton;
  readonly http: Http;
}

/**
 * A fresh Baton listening on loopback (live inbox attached) for every test of the enclosing
 * describe, closed and removed after it, with the `deploy` diagrams deployed. Getters, because
 * both exist only once the hook ran.
 */
export function useTestServer(options: { deploy?: string[] } = {}): TestServer {
  let baton: TestBaton | undefined;
  let http: Http | undefined;
  beforeEach(async () => {
    baton = await startTestBaton();
    http = await listen(baton);
    for (const xml of options.deploy ?? []) await baton.definitions.deploy(xml);
  });
  afterEach(async () => {
    await http?.close();
    await baton?.close();
    if (baton) removeDir(baton.dir);
    baton = undefined;
    http = undefined;
  });
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('no test server: use the accessors inside a test or hook');
    return value;
  };
  return {
    get baton() {
      return need(baton);
    },
    get http() {
      return need(http);
    },
  };
}
