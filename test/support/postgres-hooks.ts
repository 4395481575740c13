import { stopTestPostgres } from './postgres.js';

/**
 * Mocha root hooks (loaded through .mocharc `require`): the embedded PostgreSQL the tests start
 * on first use is stopped once the whole run is over, so no server outlives the run.
 */
export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopTestPostgres();
  },
};
