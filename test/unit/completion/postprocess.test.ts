import assert from 'node:assert/strict';
import { ALWAYS_STRIPPED_TOKENS, FIM_FAMILIES, FIM_TEMPLATES, tokensToStrip } from '../../../src/core/completion/fimTemplates';
import type { FimFamilyId } from '../../../src/core/completion/fimTemplates';
import { describeCursor, postprocessCompletion } from '../../../src/core/completion/postprocess';
import type { CursorFacts, Postprocessed } from '../../../src/core/completion/postprocess';
import { atCursor, seededRandom } from './fakeTime';

interface Options {
  lang?: string;
  family?: FimFamilyId | null;
  finished?: boolean;
  maxLines?: number;
}

function factsAt(doc: string, options: Options = {}): CursorFacts {
  const { text, offset } = atCursor(doc);
  return describeCursor(text.slice(0, offset), text.slice(offset), {
    languageId: options.lang ?? 'typescript',
    specialTokens: tokensToStrip(options.family === undefined ? 'qwen' : options.family),
    maxLines: options.maxLines,
  });
}

function run(doc: string, raw: string, options: Options = {}): Postprocessed {
  return postprocessCompletion(raw, factsAt(doc, options), options.finished ?? true);
}

function text(doc: string, raw: string, options: Options = {}): string {
  return run(doc, raw, options).text;
}

describe('postprocess: special tokens', () => {
  it('cuts at <|endoftext|>', () => assert.equal(text('const a = ‸', '1;<|endoftext|>const b'), '1;'));
  it('an answer starting with <|fim_middle|> is nothing', () => assert.equal(text('const a = ‸', '<|fim_middle|>1;'), ''));
  it('cuts a multi-line answer at <file_sep>', () =>
    assert.equal(text('if (x) {\n  ‸', 'a();\n  b();\n<file_sep>src/other.ts\nfoo', { family: 'starcoder2' }), 'a();\n  b();'));
  it("cuts at DeepSeek's full-width <｜end▁of▁sentence｜>", () =>
    assert.equal(text('const a = ‸', 'f(x);<｜end▁of▁sentence｜>', { family: 'deepseek' }), 'f(x);'));
  it('cuts CodeLlama\'s " <EOT>" and the space before it', () =>
    assert.equal(text('const a = ‸', 'f(x); <EOT>', { family: 'codellama' }), 'f(x);'));
  it("cuts Codestral's [PREFIX] for Codestral", () => assert.equal(text('const a = ‸', 'b[PREFIX]c', { family: 'codestral' }), 'b'));
  it('keeps map[PREFIX] and <s> for a family that has no such tokens', () => {
    assert.equal(text('const a = ‸', 'map[PREFIX] + "<s>x</s>";', { family: 'qwen' }), 'map[PREFIX] + "<s>x</s>";');
  });
  it('cuts a token of another family too (a wrong detection must not leak it)', () =>
    assert.equal(text('const a = ‸', 'b;<|fim_middle|>c', { family: 'codellama' }), 'b;'));
  it('cuts any <|word|>-shaped token even if unlisted', () =>
    assert.equal(text('const a = ‸', 'b;<|cursor|>', { family: 'starcoder2' }), 'b;'));
  it('drops a half-arrived token while the model is still writing', () => {
    assert.equal(text('const a = ‸', 'b;<fim_', { family: 'starcoder2', finished: false }), 'b;');
    assert.equal(text('const a = ‸', 'b;<｜fim', { family: 'deepseek', finished: false }), 'b;');
  });
  it('drops a dangling <|…-shaped fragment even when the model ended there', () => assert.equal(text('const a = ‸', 'b;<|endof'), 'b;'));
  it('keeps a lone < that is just code', () => assert.equal(text('if (a ‸', '<', { finished: false }), '<'));
});

describe('postprocess: repeating the text after the cursor', () => {
  it('drops "x);" before ");"', () => assert.equal(text('foo(a, ‸);', 'b);'), 'b'));
  it('drops the ";" the line already has', () => assert.equal(text('const x = ‸;', 'compute();'), 'compute()'));
  it('keeps a ")" that closes the answer\'s own bracket', () => assert.equal(text('f(‸)', 'g(x)'), 'g(x)'));
  it('drops the extra ")" but keeps the answer\'s own', () => assert.equal(text('f(‸)', 'g(x))'), 'g(x)'));
  it('drops the closing quote the editor already inserted', () => assert.equal(text('say("hel‸")', 'lo")'), 'lo'));
  it('an answer that is only the rest of the line is nothing', () => assert.equal(text('foo(‸)', ')'), ''));
  it('an answer that retypes the word after the cursor is nothing', () => assert.equal(text('‸value = 1;', 'value'), ''));
  it('stops a block where it starts repeating the next line', () =>
    assert.equal(text('if (x) {\n  ‸\n  return y;\n}', 'doThing();\n  return y;\n}'), 'doThing();'));
  it('a block whose first line is the next line is nothing', () => assert.equal(text('if (x) {\n  ‸\n  return y;\n}', 'return y;\n}'), ''));
});

describe('postprocess: brackets', () => {
  it('does not close a block the next line already closes', () =>
    assert.equal(text('function f() {\n  ‸\n}', 'return 1;\n}'), 'return 1;'));
  it('closes an inner block when the next line belongs to the outer one', () =>
    assert.equal(text('function f() {\n  if (x) {\n    ‸\n  return 1;\n}', 'y();\n  }'), 'y();\n  }'));
  it('keeps the block closer at the end of a document', () => assert.equal(text('if (x) {\n  ‸', 'a();\n}'), 'a();\n}'));
  it('cuts at a closer the suffix already provides, mid-line', () => assert.equal(text('call(a, ‸)', 'b) + 1'), 'b'));
  it('cuts at a closer that does not match the open bracket', () => assert.equal(text('const a = [1, ‸', '2)'), '2'));
  it('keeps a closer for a bracket the suffix leaves open', () => assert.equal(text('const a = [1, ‸', '2]'), '2]'));
  it("keeps the answer's own balanced brackets", () => assert.equal(text('const a = ‸', 'foo(bar[1], { a: 2 })'), 'foo(bar[1], { a: 2 })'));
  it("cuts at the answer's own mismatched closer", () => assert.equal(text('const a = ‸', 'foo(bar]'), 'foo(bar'));
  it('ignores brackets inside strings', () => assert.equal(text('const a = ‸', '")" + "(" + \')\''), '")" + "(" + \')\''));
  it('ignores brackets inside comments', () => assert.equal(text('const a = ‸', '1; // ) closes nothing'), '1; // ) closes nothing'));
  it('knows the cursor is inside a string', () => assert.equal(text('log("a (‸', 'b")'), 'b")'));
  it('ignores a ")" in a Python comment and stops at the dedent', () =>
    assert.equal(text('def f(x):\n    ‸', 'return x  # )\n\ndef g():\n    pass', { lang: 'python' }), 'return x  # )'));
  it('sees a "}" after "} else {" as not ours', () => {
    const facts = factsAt('if (a) {\n  ‸\n} else {\n  b();\n}');
    assert.equal(facts.closedBySuffix, 1);
  });
  it('counts closers on the rest of the line and at the start of the next lines', () => {
    assert.equal(factsAt('a(b(‸))').closedBySuffix, 2);
    assert.equal(factsAt('x = [\n  {\n    ‸\n  },\n];').closedBySuffix, 2);
    assert.equal(factsAt('f(‸').closedBySuffix, 0);
  });
});

describe('postprocess: one line or a block', () => {
  it('mid-line: stops at the end of the line', () => assert.equal(text('const a = ‸', '1;\nconst b = 2;'), '1;'));
  it('mid-line: an answer that starts on the next line is nothing', () => assert.equal(text('const a = ‸', '\n  1;'), ''));
  it('an empty line not after a block opener gets one line', () => assert.equal(text('a();\n‸\nb();', 'c();\nd();'), 'c();'));
  it('an empty line after "{" gets a block', () => assert.equal(text('function f() {\n  ‸', 'a();\n  b();\n}'), 'a();\n  b();\n}'));
  it('after "=>" too', () => assert.equal(text('const f = () =>\n  ‸', 'compute()\n    .then(x)'), 'compute()\n    .then(x)'));
  it('after a "{" followed by a comment too', () => assert.equal(text('if (x) { // note\n  ‸', 'a();\n  b();'), 'a();\n  b();'));
  it('Python: after ":" a block, cut at the dedent', () =>
    assert.equal(text('def f(x):\n    ‸', 'y = x + 1\n    return y\nprint(f(1))', { lang: 'python' }), 'y = x + 1\n    return y'));
  it('caps a block at maxLines', () =>
    assert.equal(text('function f() {\n  ‸', 'a();\n  b();\n  c();\n  d();\n  e();', { maxLines: 3 }), 'a();\n  b();\n  c();'));
  it('keeps blank lines inside a block', () => assert.equal(text('function f() {\n  ‸', 'a();\n\n  b();'), 'a();\n\n  b();'));
});

describe('postprocess: whitespace', () => {
  it('trims trailing whitespace on every line', () => assert.equal(text('function f() {\n  ‸', 'a();   \n  b();  \t'), 'a();\n  b();'));
  it('drops trailing empty lines', () => assert.equal(text('function f() {\n  ‸', 'a();\n\n\n'), 'a();'));
  it('keeps leading whitespace (it may be what separates the words)', () => assert.equal(text('return‸', ' x;'), ' x;'));
  it('whitespace only is nothing', () => assert.equal(text('const a = ‸', '   \t '), ''));
  it('empty is nothing', () => assert.equal(text('const a = ‸', ''), ''));
  it('turns CRLF into LF', () => assert.equal(text('function f() {\r\n  ‸', 'a();\r\n  b();\r\n'), 'a();\n  b();'));
});

describe('postprocess: knowing when the answer is settled (to stop the stream)', () => {
  it('one line: not settled until the line ends', () => {
    assert.equal(run('const a = ‸', 'foo(', { finished: false }).complete, false);
    assert.deepEqual(run('const a = ‸', 'foo();\nbar', { finished: false }), { text: 'foo();', complete: true, cutBy: 'lineEnd' });
  });
  it('a block: settled once the closing line is whole', () => {
    assert.equal(run('function f() {\n  ‸', 'a();\n}', { finished: false }).complete, false);
    assert.deepEqual(run('function f() {\n  ‸', 'a();\n}\n', { finished: false }), { text: 'a();\n}', complete: true, cutBy: 'blockEnd' });
  });
  it('a special token settles it', () => assert.equal(run('const a = ‸', 'x<|endoftext|>', { finished: false }).complete, true));
  it('a bracket cut settles it', () =>
    assert.deepEqual(run('f(‸)', 'a) + b', { finished: false }), { text: 'a', complete: true, cutBy: 'bracket' }));

  it('property: once settled, more model output never changes the text (300 random answers)', () => {
    const random = seededRandom(7);
    const pieces = [
      'a',
      'b(',
      ')',
      '{',
      '}',
      '[',
      ']',
      '\n',
      '\n  ',
      '  ',
      ';',
      '"',
      "'",
      '// c',
      'x = 1',
      '<|endoftext|>',
      '<fim_',
      'return ',
    ];
    const docs = ['const a = ‸', 'function f() {\n  ‸\n}', 'f(‸)', 'if (x) {\n  ‸', 'x = [\n  ‸\n];', 'say("‸")'];
    for (let n = 0; n < 300; n++) {
      const doc = docs[n % docs.length];
      let raw = '';
      const length = 1 + Math.floor(random() * 25);
      for (let i = 0; i < length; i++) raw += pieces[Math.floor(random() * pieces.length)];
      const facts = factsAt(doc);
      for (let cut = 1; cut <= raw.length; cut++) {
        const early = postprocessCompletion(raw.slice(0, cut), facts, false);
        if (!early.complete) continue;
        const later = postprocessCompletion(raw, facts, true);
        assert.equal(later.text, early.text, `doc ${JSON.stringify(doc)} raw ${JSON.stringify(raw)} settled at ${cut}`);
        break;
      }
    }
  });
});

describe('postprocess: no special token ever reaches the editor (property, every family)', () => {
  const codeBits = [
    'const ',
    'x',
    ' = ',
    'f(',
    ')',
    ';',
    '\n',
    '  ',
    '{',
    '}',
    'return ',
    '"s"',
    '[1]',
    '<',
    '|',
    '>',
    '_',
    'fim',
    '▁',
    '｜',
    'end',
  ];
  for (const family of [...FIM_FAMILIES, null] as const) {
    it(`${family ?? 'unknown family'}: 400 random answers with tokens spliced in, finished or cut off`, () => {
      const random = seededRandom(family === null ? 99 : FIM_FAMILIES.indexOf(family) + 1);
      const own = family === null ? tokensToStrip(null) : FIM_TEMPLATES[family].specialTokens;
      const tokens = [...own, ...ALWAYS_STRIPPED_TOKENS];
      const forbidden = tokensToStrip(family);
      const docs = ['const a = ‸', 'function f() {\n  ‸', 'call(‸)', 'x = 1\n‸'];
      for (let n = 0; n < 400; n++) {
        let raw = '';
        const parts = 2 + Math.floor(random() * 12);
        for (let i = 0; i < parts; i++) {
          raw += random() < 0.25 ? tokens[Math.floor(random() * tokens.length)] : codeBits[Math.floor(random() * codeBits.length)];
        }
        const facts = describeCursor(...splitAt(docs[n % docs.length]), { languageId: 'typescript', specialTokens: forbidden });
        for (const finished of [true, false]) {
          const out = postprocessCompletion(raw, facts, finished).text;
          for (const token of forbidden)
            assert.ok(!out.includes(token), `${token} leaked from ${JSON.stringify(raw)}: ${JSON.stringify(out)}`);
          assert.ok(!/<\|[A-Za-z][A-Za-z0-9_]*\|>/.test(out), `a <|…|> token leaked: ${JSON.stringify(out)}`);
          // Whatever is shown is the start of what the model wrote before its first token (modulo trailing spaces).
          const firstToken = Math.min(...forbidden.map((t) => raw.indexOf(t)).filter((i) => i >= 0), raw.length);
          const before = raw
            .slice(0, firstToken)
            .split('\n')
            .map((l) => l.trimEnd())
            .join('\n');
          assert.ok(before.startsWith(out), `${JSON.stringify(out)} is not the start of ${JSON.stringify(before)}`);
        }
      }
    });
  }
});

function splitAt(doc: string): [string, string] {
  const { text: whole, offset } = atCursor(doc);
  return [whole.slice(0, offset), whole.slice(offset)];
}
