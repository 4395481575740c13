import { expect } from 'chai';

import { InvalidInputError } from '../../server/errors.js';
import { socketError } from '../../server/http/error-handler.js';
import { silentLogger } from '../support/harness.js';

describe('socketError', () => {
  it('answers a socket command with the same body as REST, issues included', () => {
    const issues = [{ elementId: null, message: 'amount: must be a number' }];
    expect(socketError(new InvalidInputError('Invalid form data', issues), silentLogger, {})).to.deep.equal({
      error: { code: 'INVALID_INPUT', message: 'Invalid form data', issues },
    });
  });
});
