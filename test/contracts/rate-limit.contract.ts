import { expect } from 'chai';

import { type CloseStore, type OpenSibling, type OpenStore, useFreshStore } from './harness.js';

const RULE = { max: 3, windowMs: 60_000, blockMs: 300_000 };
const T = 1_772_438_400_000;

/** Sign-in and intake counters and the shared secrets: state every node must see alike. */
export function rateLimitContract(open: OpenStore, close: CloseStore, openSibling: OpenSibling): void {
  describe('RateLimitStore and SecretStore contract', () => {
    const store = useFreshStore(open, close);

    it('blocks a key once its window holds the maximum, until the block ends', async () => {
      // given a key with two attempts in its window
      const limits = store().rateLimits;
      expect(await limits.hit('login:ada|10.0.0.1', T, RULE)).to.equal(0);
      expect(await limits.hit('login:ada|10.0.0.1', T + 1000, RULE)).to.equal(0);
      expect(await limits.blockedUntil('login:ada|10.0.0.1')).to.equal(0);
      // when the third attempt comes within the window
      const blocked = await limits.hit('login:ada|10.0.0.1', T + 2000, RULE);
      // then the key is blocked for blockMs from that attempt, and other keys are not
      expect(blocked).to.equal(T + 2000 + RULE.blockMs);
      expect(await limits.blockedUntil('login:ada|10.0.0.1')).to.equal(blocked);
      expect(await limits.blockedUntil('login:bob|10.0.0.1')).to.equal(0);
    });

    it('starts a new window once the last one ended, and forgets a cleared key', async () => {
      // given two attempts, then a pause longer than the window
      const limits = store().rateLimits;
      await limits.hit('intake:10.0.0.2', T, RULE);
      await limits.hit('intake:10.0.0.2', T + 1, RULE);
      // when two more come after the window ended
      expect(await limits.hit('intake:10.0.0.2', T + RULE.windowMs + 1, RULE)).to.equal(0);
      expect(await limits.hit('intake:10.0.0.2', T + RULE.windowMs + 2, RULE)).to.equal(0);
      // then they count in a new window (not blocked), and clearing forgets the key
      await limits.hit('login:cleared', T, RULE);
      await limits.hit('login:cleared', T, RULE);
      await limits.clear('login:cleared');
      expect(await limits.hit('login:cleared', T, RULE)).to.equal(0);
    });

    it('counts attempts from two nodes at once as one count, never losing one', async () => {
      // given a second node on the same database
      const other = await openSibling(store());
      try {
        // when 10 attempts arrive at once, spread over both nodes, with a limit of 10
        const rule = { max: 10, windowMs: 60_000, blockMs: 1000 };
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store()).rateLimits.hit('login:flood', T, rule)));
        // then exactly the tenth blocked the key
        expect(results.filter((until) => until > 0)).to.have.length(1);
        expect(await store().rateLimits.blockedUntil('login:flood')).to.equal(T + 1000);
      } finally {
        await other.close();
      }
    });

    it('prunes keys whose window and block both ended', async () => {
      // given a key whose window ended and a blocked key
      const limits = store().rateLimits;
      await limits.hit('login:old', T, RULE);
      for (let i = 0; i < 3; i += 1) await limits.hit('login:blocked', T, RULE);
      // when pruned after the window but inside the block
      const removed = await limits.prune(T + RULE.windowMs + 1);
      // then only the ended one went
      expect(removed).to.equal(1);
      expect(await limits.blockedUntil('login:blocked')).to.equal(T + RULE.blockMs);
    });

    it('creates a shared secret once: every later ask, on any node, reads the first', async () => {
      // given a second node
      const other = await openSibling(store());
      try {
        // when both ask for the same secret, each with its own generator
        const [a, b] = await Promise.all([store().secrets.getOrCreate('intake-stamp', () => 'from-a'), other.secrets.getOrCreate('intake-stamp', () => 'from-b')]);
        // then both got the same value, and it stays
        expect(a).to.equal(b);
        expect(await store().secrets.getOrCreate('intake-stamp', () => 'later')).to.equal(a);
        expect(await store().secrets.getOrCreate('other', () => 'x')).to.equal('x');
      } finally {
        await other.close();
      }
    });
  });
}
