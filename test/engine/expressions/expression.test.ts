import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { ExpressionError } from '../../../server/errors.js';
import { BoundedCache } from '../../../server/engine/expressions/cache.js';
import { checkCondition, checkExpression, evaluateCondition, evaluateExpression, isExpression } from '../../../server/engine/expressions/expression.js';

type Variables = Record<string, unknown>;

const variables: Variables = {
  yes: true,
  no: false,
  n: 5,
  zero: 0,
  name: 'Ada',
  blank: '',
  none: null,
  list: [],
  obj: {},
  priority: 'high',
  order: { total: 150, items: [{ sku: 'A-1', qty: 2 }], customer: { name: 'Lin', vip: true } },
};

/** Runs `action` and returns the ExpressionError it throws, failing the test if it does not. */
function expressionError(action: () => unknown): ExpressionError {
  try {
    action();
  } catch (err) {
    if (err instanceof ExpressionError) return err;
    throw err;
  }
  expect.fail('expected an ExpressionError');
}

describe('evaluateExpression', () => {
  describe('FEEL (= prefix)', () => {
    it('evaluates nested paths against the variables', () => {
      // given an order with a total above 100
      // when a FEEL comparison on the nested total is evaluated
      const result = evaluateExpression('=order.total > 100', variables);
      // then it is true
      expect(result).to.equal(true);
    });

    it('reads list items (FEEL lists start at 1)', () => {
      // given an order with one item
      // when the first item's sku is read
      const result = evaluateExpression('=order.items[1].sku', variables);
      // then it is that item's sku
      expect(result).to.equal('A-1');
    });

    it('returns a duration string from if-then-else', () => {
      // given a high and a low priority
      const text = '=if priority = "high" then "PT4H" else "PT20H"';
      // when the due duration is evaluated for each
      const high = evaluateExpression(text, { priority: 'high' });
      const low = evaluateExpression(text, { priority: 'low' });
      // then each gets its duration text
      expect(high).to.equal('PT4H');
      expect(low).to.equal('PT20H');
    });

    it('keeps the type of the result', () => {
      // given FEEL giving a number, a list and a context
      // when they are evaluated
      // then the values are plain JavaScript values
      expect(evaluateExpression('=n * 2', variables)).to.equal(10);
      expect(evaluateExpression('=[1, 2]', variables)).to.deep.equal([1, 2]);
      expect(evaluateExpression('={a: n}', variables)).to.deep.equal({ a: 5 });
    });

    it('gives null for a missing variable, as FEEL does', () => {
      // given no variable "missing"
      // when it is read
      // then the result is null, not an error
      expect(evaluateExpression('=missing', {})).to.equal(null);
      expect(evaluateExpression('=missing.deeper', {})).to.equal(null);
    });

    it('compares dates the FEEL way', () => {
      // given two FEEL dates
      // when they are compared
      const result = evaluateExpression('=date("2026-01-01") < date("2026-02-01")', {});
      // then the earlier one is less
      expect(result).to.equal(true);
    });

    it('ignores whitespace around the text', () => {
      // given FEEL indented the way BPMN XML bodies often are
      // when it is evaluated
      // then the "=" is still recognised
      expect(evaluateExpression('\n   = n + 1\n', variables)).to.equal(6);
    });
  });

  describe('${...}', () => {
    it('returns the typed value of a single ${...}', () => {
      // given single ${...} texts
      // when they are evaluated
      // then numbers, booleans, objects and lists keep their type
      expect(evaluateExpression('${n}', variables)).to.equal(5);
      expect(evaluateExpression('${yes}', variables)).to.equal(true);
      expect(evaluateExpression('${order.customer}', variables)).to.deep.equal({ name: 'Lin', vip: true });
      expect(evaluateExpression('${order.items}', variables)).to.deep.equal([{ sku: 'A-1', qty: 2 }]);
      expect(evaluateExpression('${missing}', variables)).to.equal(null);
    });

    it('keeps the type when only whitespace surrounds the ${...}', () => {
      // given a ${...} body indented in XML
      // when it is evaluated
      // then it is still the number
      expect(evaluateExpression('\n  ${n}\n', variables)).to.equal(5);
    });

    it('evaluates nested paths and comparisons', () => {
      // given an order above 100 for a VIP customer
      // when JUEL conditions on nested paths are evaluated
      // then they see the nested values
      expect(evaluateExpression('${order.total > 100}', variables)).to.equal(true);
      expect(evaluateExpression('${order.customer.vip && order.total >= 150}', variables)).to.equal(true);
      expect(evaluateExpression("${order.customer.name == 'Lin'}", variables)).to.equal(true);
    });

    it('evaluates arithmetic', () => {
      // given n = 5
      // when arithmetic is evaluated
      // then the results follow JUEL precedence
      expect(evaluateExpression('${n + 1}', variables)).to.equal(6);
      expect(evaluateExpression('${n - 1}', variables)).to.equal(4);
      expect(evaluateExpression('${1 + n * 2}', variables)).to.equal(11);
      expect(evaluateExpression('${(1 + n) * 2}', variables)).to.equal(12);
      expect(evaluateExpression('${n / 2}', variables)).to.equal(2.5);
      expect(evaluateExpression('${-n}', variables)).to.equal(-5);
    });

    it('evaluates the ternary operator', () => {
      // given a VIP customer
      // when a ternary picks a duration
      const result = evaluateExpression("${order.customer.vip ? 'PT4H' : 'PT20H'}", variables);
      // then the VIP branch is taken
      expect(result).to.equal('PT4H');
    });

    it('reads single- and double-quoted strings with escapes', () => {
      // given string literals in both quote styles
      // when they are evaluated
      // then the escapes are decoded
      expect(evaluateExpression("${'it\\'s'}", {})).to.equal("it's");
      expect(evaluateExpression('${"say \\"hi\\""}', {})).to.equal('say "hi"');
      expect(evaluateExpression('${"a } inside"}', {})).to.equal('a } inside');
    });
  });

  describe('text with ${...} parts', () => {
    it('interpolates each part into a string', () => {
      // given a text with two parts
      // when it is evaluated
      const result = evaluateExpression('Order for ${order.customer.name}: ${order.total} EUR', variables);
      // then each part is replaced by its value
      expect(result).to.equal('Order for Lin: 150 EUR');
    });

    it('writes null and missing values as empty text', () => {
      // given parts that are null or missing
      // when the text is evaluated
      const result = evaluateExpression('[${none}][${missing}][${order.nothing}]', variables);
      // then they are empty
      expect(result).to.equal('[][][]');
    });

    it('writes booleans, lists and objects readably', () => {
      // given parts of different types
      // when the text is evaluated
      const result = evaluateExpression('${yes} ${order.items} ${order.customer}', variables);
      // then booleans are words and structures are JSON
      expect(result).to.equal('true [{"sku":"A-1","qty":2}] {"name":"Lin","vip":true}');
    });

    it('keeps an escaped \\${ as literal text', () => {
      // given an escaped ${ next to a real one
      // when the text is evaluated
      const result = evaluateExpression('\\${n} is ${n}', variables);
      // then only the real one is replaced
      expect(result).to.equal('${n} is 5');
    });
  });

  describe('#{…} (Camunda 7 deferred expressions)', () => {
    it('evaluates #{…} exactly like ${…}, alone and inside text', () => {
      expect(evaluateExpression('#{n}', variables)).to.equal(evaluateExpression('${n}', variables));
      expect(evaluateExpression('n is #{n}', variables)).to.equal(evaluateExpression('n is ${n}', variables));
    });
  });

  describe('plain text', () => {
    it('returns text without = or ${ as it is', () => {
      // given texts that are not expressions
      // when they are evaluated
      // then they come back unchanged, whitespace included
      expect(evaluateExpression('PT4H', variables)).to.equal('PT4H');
      expect(evaluateExpression(' a = b ', variables)).to.equal(' a = b ');
      expect(evaluateExpression('\\#{n}', variables)).to.equal('#{n}');
      expect(evaluateExpression('', variables)).to.equal('');
    });
  });

  describe('errors', () => {
    it('names the text and the problem when ${...} does not parse', () => {
      // given an incomplete comparison
      // when it is evaluated
      const error = expressionError(() => evaluateExpression('${a ==}', {}));
      // then the message quotes the text and says what is missing
      expect(error.message).to.equal('Expression "${a ==}" does not parse: a value is missing after "==" (at character 7)');
      expect(error.code).to.equal('EXPRESSION_INVALID');
    });

    const syntaxErrors: Array<[string, RegExp]> = [
      ['=a =', /^Expression "=a =" does not parse: it ends too early \(a comparison is incomplete\)$/],
      ['=1 2', /^Expression "=1 2" does not parse: unexpected "2" at character 4$/],
      ['=', /does not parse: the expression is empty/],
      ['=foo(', /does not parse: it ends too early \(a function call is incomplete\)/],
      ['=a == b', /does not parse: .*FEEL compares with "=", not "=="/],
      ['=a && b', /does not parse: .*FEEL writes "and", not "&&"/],
      ['=a = > 1', /does not parse: unexpected ">" at character 6: two comparison operators in a row$/],
      ['="open', /does not parse: unexpected/],
      ['${a', /does not parse: the "\$\{" at character 1 is never closed with "}"/],
      ['${}', /does not parse: the expression is empty/],
      ['Hi ${name.}', /does not parse: a name is missing after "name\."/],
    ];
    for (const [text, message] of syntaxErrors) {
      it(`throws for the syntax error in ${JSON.stringify(text)}`, () => {
        // given text that does not parse
        // when it is evaluated
        const error = expressionError(() => evaluateExpression(text, variables));
        // then an ExpressionError explains why
        expect(error.message).to.match(message);
      });
    }

    it('throws for a function that does not exist instead of giving null', () => {
      // given a call to an unknown function
      // when it is evaluated
      const error = expressionError(() => evaluateExpression('=unknownFn(1)', {}));
      // then it fails, naming the call
      expect(error.message).to.equal('Expression "=unknownFn(1)" cannot be evaluated: "unknownFn(1)" calls a function that does not exist');
    });

    it('throws when the result is a function rather than a value', () => {
      // given a name that, with no such variable, is FEEL's built-in count function
      // when it is evaluated
      const error = expressionError(() => evaluateExpression('${count}', {}));
      // then it fails instead of storing a function
      expect(error.message).to.match(/gives a function, not a value/);
      // and a variable of that name still wins
      expect(evaluateExpression('${count}', { count: 3 })).to.equal(3);
    });

    it('turns an interpreter crash into an ExpressionError', () => {
      // given FEEL that makes feelin 6.1.1 throw a TypeError
      // when it is evaluated
      const error = expressionError(() => evaluateExpression('=x instance of list', { x: [] }));
      // then the caller still gets an ExpressionError
      expect(error.message).to.match(/^Expression "=x instance of list" cannot be evaluated/);
    });

    it('fails again on every call, not only the first (errors are cached, not swallowed)', () => {
      // given a text that failed once
      expressionError(() => evaluateExpression('${a ==}', {}));
      // when it is evaluated again
      const again = expressionError(() => evaluateExpression('${a ==}', {}));
      // then it fails the same way
      expect(again.message).to.match(/does not parse/);
    });
  });
});

describe('evaluateCondition', () => {
  const truthTable: Array<[string, boolean]> = [
    ['${n == 5}', true],
    ['${n eq 4}', false],
    ['${n != 5}', false],
    ['${n ne 4}', true],
    ['${n < 6}', true],
    ['${n lt 5}', false],
    ['${n <= 5}', true],
    ['${n le 4}', false],
    ['${n > 4}', true],
    ['${n gt 5}', false],
    ['${n >= 5}', true],
    ['${n ge 6}', false],
    ['${yes && no}', false],
    ['${yes and yes}', true],
    ['${no || yes}', true],
    ['${no or no}', false],
    ['${!no}', true],
    ['${not yes}', false],
    ['${empty blank}', true],
    ['${empty none}', true],
    ['${empty missing}', true],
    ['${empty list}', true],
    ['${empty obj}', true],
    ['${empty name}', false],
    ['${empty order.items}', false],
    ['${empty zero}', false],
    ['${n + 1 == 6}', true],
    ['${n * 2 - 1 == 9}', true],
    ['${n / 2 == 2.5}', true],
    ['${name == "Ada"}', true],
    ["${name == 'Ada'}", true],
    ['${none == null}', true],
    ['${missing == null}', true],
    ['${true}', true],
    ['${false}', false],
    ['=n = 5', true],
    ['=order.total > 100 and order.customer.vip', true],
    ['=priority = "low"', false],
  ];
  for (const [text, expected] of truthTable) {
    it(`${text} is ${expected}`, () => {
      // given the shared variables
      // when the condition is evaluated
      const result = evaluateCondition(text, variables);
      // then it gives the expected boolean
      expect(result).to.equal(expected);
    });
  }

  describe('precedence', () => {
    it('binds && tighter than || (a || b && c)', () => {
      // given a true, b false, c false: (a || b) && c would be false
      const values = { a: true, b: false, c: false };
      // when a || b && c is evaluated
      const result = evaluateCondition('${a || b && c}', values);
      // then it is read as a || (b && c)
      expect(result).to.equal(true);
    });

    it('binds ! tighter than &&', () => {
      // given a and b false: !(a && b) would be true
      const values = { a: false, b: false };
      // when !a && b is evaluated
      const result = evaluateCondition('${!a && b}', values);
      // then it is (!a) && b
      expect(result).to.equal(false);
    });

    it('binds comparisons tighter than && and ||', () => {
      // given n = 5
      // when comparisons are combined without parentheses
      const result = evaluateCondition('${n > 1 && n < 10 || n == 100}', variables);
      // then each comparison is grouped first
      expect(result).to.equal(true);
    });
  });

  it('treats a comparison with a missing variable as FEEL does', () => {
    // given no variable "missing"
    // when it is compared with a text
    // then the comparison is false, not an error
    expect(evaluateCondition('=missing = "x"', {})).to.equal(false);
    expect(evaluateCondition('${missing == "x"}', {})).to.equal(false);
  });

  it('accepts whitespace around the condition', () => {
    // given an indented condition body
    // when it is evaluated
    // then it is the condition
    expect(evaluateCondition('\n    ${yes}\n  ', variables)).to.equal(true);
  });

  describe('non-boolean results', () => {
    const cases: Array<[string, RegExp]> = [
      ['${name}', /did not give true or false but the text "Ada"/],
      ['${n}', /did not give true or false but the number 5/],
      ['${missing}', /did not give true or false but null/],
      ['=missing and yes', /did not give true or false but null/],
      ['${order}', /did not give true or false but an object/],
      ['${order.items}', /did not give true or false but a list/],
      ['=if yes then "yes" else "no"', /did not give true or false but the text "yes"/],
    ];
    for (const [text, message] of cases) {
      it(`throws for ${text}`, () => {
        // given a condition whose value is not a boolean
        // when it is evaluated
        const error = expressionError(() => evaluateCondition(text, variables));
        // then it fails instead of being read as true or false
        expect(error.message).to.match(/^Condition ".*" did not give true or false/);
        expect(error.message).to.match(message);
      });
    }
  });

  it('throws for plain text, which the engine would always take', () => {
    // given a condition body without = or ${
    // when it is evaluated
    const error = expressionError(() => evaluateCondition('amount > 100', { amount: 5 }));
    // then it is refused as not an expression
    expect(error.message).to.match(/^Condition "amount > 100" is not an expression/);
  });

  it('throws for text mixed with ${...}, which always gives text', () => {
    // given a condition with text around the ${...}
    // when it is evaluated
    const error = expressionError(() => evaluateCondition('yes: ${yes}', variables));
    // then it is refused
    expect(error.message).to.match(/mixes text with \$\{\.\.\.\}/);
  });

  it('throws for a syntax error instead of giving false', () => {
    // given an unparseable condition
    // when it is evaluated
    const error = expressionError(() => evaluateCondition('${n >}', variables));
    // then it fails as a condition that does not parse
    expect(error.message).to.equal('Condition "${n >}" does not parse: a value is missing after ">" (at character 6)');
  });
});

describe('JavaScript-looking input', () => {
  const flag = '__batonExpressionPwned';
  const globals = globalThis as Record<string, unknown>;

  beforeEach(() => {
    delete globals[flag];
  });

  const rejected: Array<[string, RegExp]> = [
    ['${process.exit()}', /calling "process\.exit\(\.\.\.\)" is not supported/],
    ['${this.constructor}', /"this" is a Camunda 7 engine object/],
    ['${a; b}', /several statements separated by ";"/],
    ['${a = 1}', /assignment with "=" is not supported/],
    [`\${globalThis.${flag} = true}`, /assignment/],
    ['${a.constructor.constructor("return process")()}', /"constructor" is not allowed/],
    ["${''.getClass()}", /unexpected "\."/],
    ['${execution.setVariable("x", 1)}', /"execution" is a Camunda 7 engine object/],
    ['${require("child_process")}', /calling "require\(\.\.\.\)" is not supported/],
    ['${(() => 1)()}', /unexpected "\)"/],
    ['${x -> x}', /lambda/],
    ['${a[0]}', /brackets/],
  ];
  for (const [text, message] of rejected) {
    it(`refuses ${text}`, () => {
      // given JavaScript-looking ${...} input
      // when it is checked and evaluated
      const checked = checkExpression(text);
      const error = expressionError(() => evaluateExpression(text, { a: {}, process: {} }));
      // then both refuse it with the same reason, and nothing ran
      expect(checked).to.equal(error.message);
      expect(error.message).to.match(/does not parse/);
      expect(error.message).to.match(message);
      expect(globals[flag]).to.equal(undefined);
    });
  }

  const feelAttempts = [
    `=a.constructor.constructor("globalThis.${flag} = true")()`,
    '=a.constructor',
    '=a.__proto__',
    `=constructor("globalThis.${flag} = true")`,
    `=string("x").constructor("globalThis.${flag} = true")()`,
    `={}.constructor.constructor("globalThis.${flag} = true")()`,
    `=list.toString`,
  ];
  for (const text of feelAttempts) {
    it(`does not reach JavaScript through FEEL: ${text}`, () => {
      // given FEEL trying to walk to the Function constructor
      // when it is evaluated (an error or null are both fine)
      let value: unknown = null;
      try {
        value = evaluateExpression(text, { a: {}, list: [] });
      } catch (err) {
        expect(err).to.be.instanceOf(ExpressionError);
      }
      // then it gives no function and runs nothing
      expect(value === null || (Array.isArray(value) && value.length === 0)).to.equal(true);
      expect(globals[flag]).to.equal(undefined);
    });
  }

  it('has no eval, Function or vm in the evaluator source', () => {
    // given the evaluator's source files
    const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../server/engine/expressions');
    const files = readdirSync(dir).filter((file) => file.endsWith('.ts'));
    // when they are scanned for ways to compile JavaScript
    const offenders = files.filter((file) => /\beval\s*\(|new\s+Function\b|\bFunction\s*\(|node:vm|from\s+'vm'/.test(readFileSync(join(dir, file), 'utf8')));
    // then there are none
    expect(files.length).to.be.greaterThan(0);
    expect(offenders).to.deep.equal([]);
  });
});

describe('checkExpression', () => {
  const valid = ['=order.total > 100', '=if priority = "high" then "PT4H" else "PT20H"', '=missing.anything', '${a.b.c == "x" && !d}', 'Hello ${name}, you owe ${amount * 1.2}', 'plain text', ''];
  for (const text of valid) {
    it(`accepts ${JSON.stringify(text)} without variables`, () => {
      // given a well-formed text whose variables are unknown at deploy time
      // when it is checked
      // then there is no problem
      expect(checkExpression(text)).to.equal(null);
    });
  }

  const invalid: Array<[string, string]> = [
    ['${a ==}', 'Expression "${a ==}" does not parse: a value is missing after "==" (at character 7)'],
    ['=1 2', 'Expression "=1 2" does not parse: unexpected "2" at character 4'],
    ['Total: ${a.foo()}', 'Expression "Total: ${a.foo()}" does not parse: calling "a.foo(...)" is not supported: method and function calls are not allowed (at character 15)'],
  ];
  for (const [text, message] of invalid) {
    it(`reports ${JSON.stringify(text)}`, () => {
      // given a text that does not parse
      // when it is checked
      // then the message is the one evaluation would throw
      expect(checkExpression(text)).to.equal(message);
      expect(expressionError(() => evaluateExpression(text, {})).message).to.equal(message);
    });
  }

  it('reports "==" in FEEL, which feelin parses and evaluates to null without a warning', () => {
    // given a FEEL condition written with JavaScript's ==
    // when it is checked at deploy time
    const message = checkExpression('=status == "open"');
    // then it is refused rather than deployed as an always-null condition
    expect(message).to.equal('Expression "=status == "open"" does not parse: unexpected "=" at character 10: two comparison operators in a row; FEEL compares with "=", not "=="');
  });

  it('still accepts unary tests after "in"', () => {
    // given FEEL using unary tests where they belong
    // when they are checked and evaluated
    // then they are fine
    expect(checkExpression('=n in (> 3, < 0)')).to.equal(null);
    expect(evaluateCondition('=n in (> 3, < 0)', variables)).to.equal(true);
    expect(evaluateCondition('=n in [1..4]', variables)).to.equal(false);
  });

  it('shortens very long texts in messages', () => {
    // given a long, broken expression
    const text = `=${'a + '.repeat(100)}`;
    // when it is checked
    const message = checkExpression(text);
    // then the quoted text is cut
    expect(message).to.match(/…" does not parse/);
    expect(message?.length).to.be.lessThan(300);
  });
});

describe('checkCondition', () => {
  it('accepts conditions that can give true or false', () => {
    // given a FEEL and a ${...} condition
    // when they are checked
    // then there is no problem
    expect(checkCondition('=amount > 100')).to.equal(null);
    expect(checkCondition(' ${amount > 100} ')).to.equal(null);
  });

  it('reports plain text, mixed text and syntax errors', () => {
    // given bodies that can never be a working condition
    // when they are checked
    // then each gets its reason
    expect(checkCondition('amount > 100')).to.match(/is not an expression/);
    expect(checkCondition('ok ${yes}')).to.match(/mixes text/);
    expect(checkCondition('${a ==}')).to.equal('Condition "${a ==}" does not parse: a value is missing after "==" (at character 7)');
  });
});

describe('isExpression', () => {
  const cases: Array<[string, boolean]> = [
    ['=a', true],
    ['  =a', true],
    ['${a}', true],
    ['text ${a} text', true],
    ['${a', true],
    ['plain', false],
    ['a = b', false],
    ['\\${a}', false],
    // Camunda 7 evaluates #{…} like ${…}
    ['#{a}', true],
    ['\\#{a}', false],
    ['', false],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} is ${expected ? '' : 'not '}an expression`, () => {
      // given a text
      // when it is classified
      // then = prefixes and ${ parts are expressions
      expect(isExpression(text)).to.equal(expected);
    });
  }
});

describe('compiled expression cache', () => {
  it('reuses a compiled text with different variables', () => {
    // given one condition evaluated for two instances
    const text = '${order.total > 100}';
    // when the variables differ
    const first = evaluateCondition(text, { order: { total: 150 } });
    const second = evaluateCondition(text, { order: { total: 50 } });
    // then each instance gets its own answer
    expect(first).to.equal(true);
    expect(second).to.equal(false);
  });

  it('drops the least recently used entry when full', () => {
    // given a cache of two where "a" was used after "b"
    const cache = new BoundedCache<number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.get('a');
    // when a third entry is added
    cache.set('c', 3);
    // then "b" is gone and the others stay
    expect(cache.get('b')).to.equal(undefined);
    expect(cache.get('a')).to.equal(1);
    expect(cache.get('c')).to.equal(3);
    expect(cache.size).to.equal(2);
  });
});
