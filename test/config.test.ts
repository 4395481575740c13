import { expect } from 'chai';

import { loadConfig } from '../server/config.js';
import { InvalidInputError } from '../server/errors.js';

describe('config: the demo password', () => {
  it('is refused over 72 bytes, as sign-in would refuse it', () => {
    // 36 two-byte characters: 72 bytes is fine, one more character is not.
    expect(loadConfig({ BATON_DEMO_PASSWORD: 'é'.repeat(36) }).demo.password).to.equal('é'.repeat(36));
    expect(() => loadConfig({ BATON_DEMO_PASSWORD: 'é'.repeat(37) }))
      .to.throw(InvalidInputError)
      .with.property('message')
      .that.matches(/BATON_DEMO_PASSWORD: at most 72 bytes/);
  });

  it('is refused under 10 characters, and blank means none', () => {
    expect(() => loadConfig({ BATON_DEMO_PASSWORD: 'short' })).to.throw(/BATON_DEMO_PASSWORD: at least 10 characters/);
    expect(loadConfig({ BATON_DEMO_PASSWORD: '   ' }).demo.password).to.equal(null);
  });
});
