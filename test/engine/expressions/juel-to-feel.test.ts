import { expect } from 'chai';
import { JuelError, juelToFeel } from '../../../server/engine/expressions/juel-to-feel.js';

/** Runs the translator and returns the JuelError it throws, failing the test if it does not. */
function rejection(body: string): JuelError {
  try {
    juelToFeel(body);
  } catch (err) {
    if (err instanceof JuelError) return err;
    throw err;
  }
  expect.fail(`"${body}" was translated but should have been rejected`);
}

describe('juelToFeel', () => {
  describe('paths and literals', () => {
    const cases: Array<[string, string]> = [
      ['a', 'a'],
      ['order.customer.name', 'order.customer.name'],
      ['  spaced  ', 'spaced'],
      ['a.empty', 'a.empty'],
      ['42', '42'],
      ['1.5', '1.5'],
      ['.5', '0.5'],
      ['1.', '1'],
      ['1e3', '1000'],
      ['true', 'true'],
      ['false', 'false'],
      ['null', 'null'],
      ["'single'", '"single"'],
      ['"double"', '"double"'],
    ];
    for (const [body, feel] of cases) {
      it(`translates ${body.trim()} to ${feel}`, () => {
        // given a JUEL body
        // when it is translated
        const result = juelToFeel(body);
        // then it is the expected FEEL
        expect(result).to.equal(feel);
      });
    }
  });

  describe('string escapes', () => {
    it('decodes JUEL escapes and re-escapes for FEEL', () => {
      // given quotes and backslashes escaped the JUEL way
      const body = String.raw`'it\'s a \"quote\" and a \\ backslash'`;
      // when it is translated
      const feel = juelToFeel(body);
      // then FEEL gets the same text with FEEL escapes
      expect(feel).to.equal(String.raw`"it's a \"quote\" and a \\ backslash"`);
    });

    it('keeps the other quote unescaped inside a string', () => {
      // given a single-quoted string holding double quotes and vice versa
      // when they are translated
      // then the double quote is escaped for FEEL, the single quote is not
      expect(juelToFeel(`'say "hi"'`)).to.equal(String.raw`"say \"hi\""`);
      expect(juelToFeel(`"it's"`)).to.equal(`"it's"`);
    });

    it('keeps a backslash before any other character, as JUEL does', () => {
      // given a Windows-like path
      const body = String.raw`'C:\temp'`;
      // when it is translated
      // then the backslash survives, escaped for FEEL
      expect(juelToFeel(body)).to.equal(String.raw`"C:\\temp"`);
    });

    it('escapes a raw newline so FEEL can read the string', () => {
      // given a string literal spanning two lines
      // when it is translated
      // then the newline is written as \n
      expect(juelToFeel("'a\nb'")).to.equal(String.raw`"a\nb"`);
    });
  });

  describe('operators', () => {
    const cases: Array<[string, string]> = [
      ['a == b', '(a = b)'],
      ['a eq b', '(a = b)'],
      ['a != b', '(a != b)'],
      ['a ne b', '(a != b)'],
      ['a < b', '(a < b)'],
      ['a lt b', '(a < b)'],
      ['a <= b', '(a <= b)'],
      ['a le b', '(a <= b)'],
      ['a > b', '(a > b)'],
      ['a gt b', '(a > b)'],
      ['a >= b', '(a >= b)'],
      ['a ge b', '(a >= b)'],
      ['a && b', '(a and b)'],
      ['a and b', '(a and b)'],
      ['a || b', '(a or b)'],
      ['a or b', '(a or b)'],
      ['!a', 'not(a)'],
      ['not a', 'not(a)'],
      ['-a', '(-a)'],
      ['- -1', '(-(-1))'],
      ['a + b', '(a + b)'],
      ['a - b', '(a - b)'],
      ['a * b', '(a * b)'],
      ['a / b', '(a / b)'],
      ['a div b', '(a / b)'],
      ['a ? b : c', '(if a then b else c)'],
      ['(a)', '(a)'],
      ['empty a', '((a = null) = true or (a = "") = true or (a = []) = true or (a = {}) = true)'],
    ];
    for (const [body, feel] of cases) {
      it(`translates ${body} to ${feel}`, () => {
        // given a JUEL body using one operator
        // when it is translated
        const result = juelToFeel(body);
        // then every operation is parenthesised FEEL
        expect(result).to.equal(feel);
      });
    }
  });

  describe('precedence', () => {
    const cases: Array<[string, string]> = [
      ['a || b && c', '(a or (b and c))'],
      ['a && b || c', '((a and b) or c)'],
      ['a == b && c != d', '((a = b) and (c != d))'],
      ['a < b == c > d', '((a < b) = (c > d))'],
      ['1 + 2 * 3', '(1 + (2 * 3))'],
      ['(1 + 2) * 3', '(((1 + 2)) * 3)'],
      ['a - b - c', '((a - b) - c)'],
      ['!a && b', '(not(a) and b)'],
      ['!(a && b)', 'not(((a and b)))'],
      ['empty a.b || c', '(((a.b = null) = true or (a.b = "") = true or (a.b = []) = true or (a.b = {}) = true) or c)'],
      ['a ? b : c ? d : e', '(if a then b else (if c then d else e))'],
      ['-a * b', '((-a) * b)'],
    ];
    for (const [body, feel] of cases) {
      it(`reads ${body} as ${feel}`, () => {
        // given operators of different precedence
        // when they are translated
        const result = juelToFeel(body);
        // then the parentheses follow JUEL precedence
        expect(result).to.equal(feel);
      });
    }
  });

  describe('rejections', () => {
    const cases: Array<[string, RegExp, number]> = [
      ['', /empty/, 0],
      ['   ', /empty/, 0],
      ['a.foo()', /calling "a\.foo\(\.\.\.\)" is not supported/, 5],
      ['process.exit()', /calling "process\.exit\(\.\.\.\)"/, 12],
      ['a[0]', /brackets/, 1],
      ["a['b']", /brackets/, 1],
      ['execution.getVariable("x")', /"execution" is a Camunda 7 engine object/, 0],
      ['task.name', /"task" is a Camunda 7 engine object/, 0],
      ['this.constructor', /"this" is a Camunda 7 engine object/, 0],
      ['a.constructor', /"constructor" is not allowed/, 2],
      ['a.__proto__', /"__proto__" is not allowed/, 2],
      ['a.prototype', /"prototype" is not allowed/, 2],
      ['constructor', /"constructor" is not allowed/, 0],
      ['a; b', /several statements/, 1],
      ['a = 1', /assignment with "=" is not supported/, 2],
      ['a += 1', /"\+="/, 2],
      ['x -> x', /lambda/, 2],
      ['a % 2', /remainder operator "%"/, 2],
      ['a mod 2', /remainder operator "mod"/, 2],
      ['a instanceof b', /instanceof/, 2],
      ['$a', /"\$" is not supported in names/, 0],
      ['a.b$', /"\$" is not supported in names/, 2],
      ["'open", /never closed/, 0],
      ['(a', /"\(" is never closed/, 0],
      ['a)', /unexpected "\)"/, 1],
      ['a ? b', /missing its ":"/, 5],
      ['a b', /unexpected "b"/, 2],
      ['a ==', /a value is missing after "=="/, 4],
      ['a &&', /a value is missing after "&&"/, 4],
      ['!', /a value is missing after "!"/, 1],
      ['a.', /a name is missing after "a\."/, 2],
      ['a.1', /unexpected "\.1"/, 1],
      ['1abc', /"1a" is not a valid number or name/, 0],
      ['1e999', /out of the supported range/, 0],
      ['a # b', /unexpected character "#"/, 2],
      ['`a`', /unexpected character "`"/, 0],
      ['{a}', /braces/, 0],
      ['f(a, b)', /calling "f\(\.\.\.\)"/, 1],
      ['for', /"for" cannot be used as a name here/, 0],
      ['a.if', /"if" cannot be used as a name here/, 2],
      ['of', /"of" cannot be used as a name here/, 0],
      ["'bell\u0007'", /control character/, 0],
    ];
    for (const [body, message, index] of cases) {
      it(`rejects ${JSON.stringify(body)}`, () => {
        // given a body outside the supported subset
        // when it is translated
        const error = rejection(body);
        // then the error names the offending part and where it is
        expect(error.message).to.match(message);
        expect(error.index).to.equal(index);
      });
    }

    it('accepts FEEL keywords that are harmless after a dot', () => {
      // given a path whose last segment is "of" (only special in "instance of")
      // when it is translated
      // then it stays a path
      expect(juelToFeel('a.of')).to.equal('a.of');
    });
  });
});
