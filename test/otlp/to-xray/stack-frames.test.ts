import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStack } from '../../../src/otlp/to-xray/stack-frames.js';

test('.NET stack traces: "at Label in path:line N" frames, and frames without a file', () => {
  const text = [
    'System.InvalidOperationException: Sequence contains no elements',
    '   at System.Linq.ThrowHelper.ThrowNoElementsException()',
    '   at Shop.Cart.Total(Int32 id) in /src/Shop/Cart.cs:line 42',
    '   at Shop.Program.Main() in C:\\src\\Shop\\Program.cs:line 7',
    '--- End of stack trace from previous location ---',
  ].join('\r\n');
  assert.deepEqual(parseStack('dotnet', text), {
    frames: [
      { path: '', line: 0, label: 'System.Linq.ThrowHelper.ThrowNoElementsException()' },
      { path: '/src/Shop/Cart.cs', line: 42, label: 'Shop.Cart.Total(Int32 id)' },
      { path: 'C:\\src\\Shop\\Program.cs', line: 7, label: 'Shop.Program.Main()' },
    ],
    causes: [],
  });
});

test('Go stack traces: a function line then its file line; the goroutine header is skipped', () => {
  const text = [
    'panic: out of stock',
    'goroutine 1 [running]:',
    'main.reserve(0x2a)',
    '\t/app/cart.go:31 +0x1d',
    'main.main()',
    '\t/app/main.go:12 +0x25',
    '',
  ].join('\n');
  assert.deepEqual(parseStack('go', text).frames, [
    { path: '/app/cart.go', line: 31, label: 'main.reserve(0x2a)' },
    { path: '/app/main.go', line: 12, label: 'main.main()' },
  ]);
});

test('Python tracebacks list the innermost frame first; an unknown language keeps no frames', () => {
  const text = ['Traceback (most recent call last):', '  File "app.py", line 3, in handler', '    pay()', '  File "pay.py", line 9, in pay', '    raise ValueError("no")', 'ValueError: no'].join('\n');
  assert.deepEqual(parseStack('python', text).frames, [
    { path: 'pay.py', line: 9, label: 'pay' },
    { path: 'app.py', line: 3, label: 'handler' },
  ]);
  assert.deepEqual(parseStack('erlang', text), { frames: undefined, causes: [] });
});

test('Python: "During handling of the above exception" makes the handled exception the cause, with its own frames', () => {
  const text = [
    'Traceback (most recent call last):',
    '  File "db.py", line 5, in load',
    '    return 1 / 0',
    'ZeroDivisionError: division by zero',
    '',
    'During handling of the above exception, another exception occurred:',
    '',
    'Traceback (most recent call last):',
    '  File "app.py", line 9, in handler',
    '    raise ValueError("cannot load")',
    'ValueError: cannot load',
  ].join('\n');
  assert.deepEqual(parseStack('python', text), {
    frames: [{ path: 'app.py', line: 9, label: 'handler' }],
    causes: [{ type: 'ZeroDivisionError', message: 'division by zero', frames: [{ path: 'db.py', line: 5, label: 'load' }] }],
  });
});

test('Java: a "Caused by:" message spanning lines is joined up to its first frame', () => {
  const text = ['java.lang.RuntimeException: outer', '\tat a.B.c(B.java:1)', 'Caused by: java.sql.SQLException: line one', 'line two', '\tat d.E.f(E.java:2)'].join('\n');
  assert.deepEqual(parseStack('java', text), {
    frames: [{ path: 'B.java', line: 1, label: 'a.B.c' }],
    causes: [{ type: 'java.sql.SQLException', message: 'line oneline two', frames: [{ path: 'E.java', line: 2, label: 'd.E.f' }] }],
  });
});
