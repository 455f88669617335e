import assert from 'node:assert/strict';
import {
  applySearchReplace,
  normalizeEditPath,
  parseAndApplySearchReplace,
  parseSearchReplace,
  pathsOfBlocks,
} from '../../../src/core/edits/searchReplace';
import type { ApplyResult, EditErrorKind, FileEditResult } from '../../../src/core/edits/searchReplace';

const S = '<<<<<<< SEARCH';
const D = '=======';
const R = '>>>>>>> REPLACE';

function block(path: string, search: string[], replace: string[]): string {
  return [path, S, ...search, D, ...replace, R].join('\n');
}

function files(entries: Record<string, string>): Map<string, string> {
  return new Map(Object.entries(entries));
}

function ok(result: ApplyResult): FileEditResult[] {
  if (!result.ok) assert.fail(`expected success, got: ${result.errors.map((e) => e.message).join(' | ')}`);
  return result.files;
}

function failure(result: ApplyResult, kind: EditErrorKind): string {
  assert.equal(result.ok, false, 'expected the edit to be refused');
  if (result.ok) return '';
  assert.ok('files' in result === false, 'no file results on failure');
  const error = result.errors.find((e) => e.kind === kind);
  assert.ok(error, `expected a ${kind} error, got ${result.errors.map((e) => e.kind).join(', ')}`);
  return error.message;
}

/** The test's own check that ranges are consistent: offsets ↔ positions, and ranges rebuild the new text. */
function checkRanges(file: FileEditResult): void {
  const positionOf = (offset: number) => {
    const before = file.originalText.slice(0, offset);
    const line = before.split('\n').length - 1;
    return { line, character: offset - (before.lastIndexOf('\n') + 1) };
  };
  let rebuilt = '';
  let cursor = 0;
  for (const edit of file.edits) {
    assert.deepEqual(edit.start, positionOf(edit.startOffset));
    assert.deepEqual(edit.end, positionOf(edit.endOffset));
    assert.ok(edit.startOffset >= cursor, 'sorted and not overlapping');
    rebuilt += file.originalText.slice(cursor, edit.startOffset) + edit.newText;
    cursor = edit.endOffset;
  }
  rebuilt += file.originalText.slice(cursor);
  assert.equal(rebuilt, file.newText);
}

const A_TS = `import { x } from './x';

export function add(a: number, b: number): number {
  return a + b;
}

export function sub(a: number, b: number): number {
  return a - b;
}
`;

describe('search/replace parsing and applying', () => {
  it('applies one block surrounded by prose and a code fence, with ranges in the original text', () => {
    const answer = [
      'Here is the change you asked for:',
      '',
      'src/a.ts',
      '```ts',
      S,
      '  return a + b;',
      D,
      '  return a + b + 0;',
      R,
      '```',
      '',
      'This keeps the behaviour the same.',
    ].join('\n');
    const [file] = ok(parseAndApplySearchReplace(answer, files({ 'src/a.ts': A_TS })));
    assert.equal(file.path, 'src/a.ts');
    assert.equal(file.isNew, false);
    assert.equal(file.newText, A_TS.replace('  return a + b;\n', '  return a + b + 0;\n'));
    assert.equal(file.edits.length, 1);
    const edit = file.edits[0];
    assert.deepEqual(edit.start, { line: 3, character: 0 });
    assert.deepEqual(edit.end, { line: 4, character: 0 });
    assert.equal(A_TS.slice(edit.startOffset, edit.endOffset), '  return a + b;\n');
    assert.equal(edit.match, 'exact');
    assert.equal(edit.answerLine, 5);
    checkRanges(file);
  });

  it('applies several blocks to one file and blocks to two files', () => {
    const b = 'const b = 1;\nconst c = 2;\n';
    const answer = [
      block(
        'src/a.ts',
        ['export function sub(a: number, b: number): number {', '  return a - b;'],
        ['export function sub(a: number, b: number): number {', '  return b - a;'],
      ),
      'and the import:',
      block('src/a.ts', ["import { x } from './x';"], ["import { x, y } from './x';"]),
      block('src/b.ts', ['const c = 2;'], ['const c = 3;']),
    ].join('\n\n');
    const result = ok(parseAndApplySearchReplace(answer, files({ 'src/a.ts': A_TS, 'src/b.ts': b })));
    assert.deepEqual(
      result.map((f) => f.path),
      ['src/a.ts', 'src/b.ts'],
    );
    const [a, bFile] = result;
    assert.equal(a.newText, A_TS.replace('{ x }', '{ x, y }').replace('return a - b', 'return b - a'));
    assert.deepEqual(
      a.edits.map((e) => e.start.line),
      [0, 6],
      'sorted by position in the file',
    );
    assert.equal(bFile.newText, 'const b = 1;\nconst c = 3;\n');
    for (const f of result) checkRanges(f);
  });

  it('lets a block that directly follows another omit the repeated path', () => {
    const answer = `src/a.ts\n${S}\n  return a + b;\n${D}\n  return b + a;\n${R}\n${S}\n  return a - b;\n${D}\n  return -b + a;\n${R}\n`;
    const parsed = parseSearchReplace(answer);
    assert.ok(parsed.ok);
    assert.deepEqual(
      parsed.blocks.map((b) => b.path),
      ['src/a.ts', 'src/a.ts'],
    );
    assert.deepEqual(pathsOfBlocks(parsed.blocks), ['src/a.ts']);
  });

  it('creates a new file from an empty SEARCH', () => {
    const answer = block('src/new/helper.ts', [], ['export const answer = 42;', '']) + '\n';
    const [file] = ok(parseAndApplySearchReplace(answer, files({ 'src/a.ts': A_TS })));
    assert.equal(file.isNew, true);
    assert.equal(file.path, 'src/new/helper.ts');
    assert.equal(file.newText, 'export const answer = 42;\n\n');
    assert.equal(file.edits[0].match, 'create');
    assert.deepEqual([file.edits[0].startOffset, file.edits[0].endOffset], [0, 0]);
  });

  it('refuses to "create" a file that exists, and to search in one that does not', () => {
    failure(parseAndApplySearchReplace(block('src/a.ts', [], ['x']), files({ 'src/a.ts': A_TS })), 'fileExists');
    const message = failure(parseAndApplySearchReplace(block('src/gone.ts', ['old line'], ['new']), files({})), 'missingFile');
    assert.match(message, /src\/gone\.ts does not exist/);
    assert.match(message, /"old line"/);
  });

  it('tolerates trailing spaces in the SEARCH', () => {
    const answer = block('src/a.ts', ['  return a + b;   ', '}  '], ['  return a + b + 1;', '}']);
    const [file] = ok(parseAndApplySearchReplace(answer, files({ 'src/a.ts': A_TS })));
    assert.equal(file.edits[0].match, 'trailingWhitespace');
    assert.ok(file.newText.includes('  return a + b + 1;\n}\n\nexport function sub'));
    checkRanges(file);
  });

  it('tolerates a SEARCH whose indentation is shifted, and shifts the REPLACE the same way', () => {
    const source = 'class K {\n    method() {\n        if (x) {\n            go();\n        }\n    }\n}\n';
    // The model quoted the if-statement with no indentation.
    const answer = block('k.ts', ['if (x) {', '    go();', '}'], ['if (x) {', '    go();', '    again();', '}', 'done();']);
    const [file] = ok(parseAndApplySearchReplace(answer, files({ 'k.ts': source })));
    assert.equal(file.edits[0].match, 'indentation');
    assert.equal(
      file.newText,
      'class K {\n    method() {\n        if (x) {\n            go();\n            again();\n        }\n        done();\n    }\n}\n',
    );
    checkRanges(file);
  });

  it('keeps CRLF line endings and a missing final newline', () => {
    const source = 'one\r\ntwo\r\nthree';
    const [file] = ok(parseAndApplySearchReplace(block('w.txt', ['two', 'three'], ['2', '3']), files({ 'w.txt': source })));
    assert.equal(file.newText, 'one\r\n2\r\n3');
    checkRanges(file);
    const [middle] = ok(parseAndApplySearchReplace(block('w.txt', ['two'], ['deux']), files({ 'w.txt': source })));
    assert.equal(middle.newText, 'one\r\ndeux\r\nthree');
    assert.deepEqual(
      [middle.edits[0].start, middle.edits[0].end],
      [
        { line: 1, character: 0 },
        { line: 2, character: 0 },
      ],
    );
  });

  it('deletes lines with an empty REPLACE', () => {
    const [file] = ok(parseAndApplySearchReplace(block('src/a.ts', ["import { x } from './x';", ''], []), files({ 'src/a.ts': A_TS })));
    assert.ok(file.newText.startsWith('export function add'));
    checkRanges(file);
  });

  it('refuses a SEARCH that matches nothing, naming the file and the first lines, and applies nothing else', () => {
    const answer = [
      block('src/b.ts', ['const c = 2;'], ['const c = 3;']),
      block('src/a.ts', ['  return a * b;', '}'], ['  return 0;', '}']),
    ].join('\n');
    const result = parseAndApplySearchReplace(answer, files({ 'src/a.ts': A_TS, 'src/b.ts': 'const c = 2;\n' }));
    const message = failure(result, 'noMatch');
    assert.match(message, /^src\/a\.ts:/);
    assert.match(message, /"return a \* b;" \/ "}"/);
    assert.ok(!result.ok && result.errors.length === 1, 'the good block is not reported as applied either');
  });

  it('refuses an ambiguous SEARCH and says where it matched', () => {
    const source = 'a();\nb();\na();\n';
    const message = failure(parseAndApplySearchReplace(block('f.ts', ['a();'], ['c();']), files({ 'f.ts': source })), 'ambiguous');
    assert.match(message, /f\.ts/);
    assert.match(message, /matches 2 places \(lines 1, 3\)/);
  });

  it('refuses overlapping blocks in one file', () => {
    const answer = [
      block('src/a.ts', ['  return a + b;', '}'], ['  return 1;', '}']),
      block('src/a.ts', ['}', '', 'export function sub(a: number, b: number): number {'], ['}']),
    ].join('\n');
    failure(parseAndApplySearchReplace(answer, files({ 'src/a.ts': A_TS })), 'overlap');
  });

  it('reports a stream cut off in SEARCH, in REPLACE or in a marker as partial', () => {
    const full = block('src/a.ts', ['  return a + b;'], ['  return a + b + 0;']);
    const cuts = [
      full.slice(0, full.indexOf(D) - 3),
      full.slice(0, full.indexOf(R) + 4),
      full.slice(0, full.indexOf(S) + 4),
      `${full}\n\nsrc/b.ts\n<<<<`,
    ];
    for (const cut of cuts) {
      const message = failure(parseAndApplySearchReplace(cut, files({ 'src/a.ts': A_TS })), 'partial');
      assert.match(message, /cut off/);
      assert.match(message, /Nothing was applied/);
    }
  });

  it('reports malformed blocks', () => {
    const noDivider = `src/a.ts\n${S}\nold\n${R}\n`;
    assert.match(failure(parseAndApplySearchReplace(noDivider, files({})), 'malformed'), /no "=======" between SEARCH and REPLACE/);
    const noEnd = `src/a.ts\n${S}\nold\n${D}\nnew\n${S}\nmore\n${D}\nx\n${R}\n`;
    assert.match(failure(parseAndApplySearchReplace(noEnd, files({})), 'malformed'), /missing ">>>>>>> REPLACE"/);
    const stray = `Some text\n${R}\n`;
    failure(parseAndApplySearchReplace(stray, files({})), 'malformed');
    const noPath = `Now change the add function as follows.\n${S}\nold\n${D}\nnew\n${R}\n`;
    assert.match(failure(parseAndApplySearchReplace(noPath, files({})), 'malformed'), /no file path/);
  });

  it('reports an answer with no blocks at all', () => {
    failure(parseAndApplySearchReplace('I would rename the function, but I need more context.', files({})), 'noBlocks');
  });

  it('reads paths dressed in markdown and refuses paths outside the workspace', () => {
    for (const line of ['./src/a.ts', '`src/a.ts`', '**src/a.ts**', '### src/a.ts', 'File: src/a.ts', 'src/a.ts:', 'src\\a.ts']) {
      const parsed = parseSearchReplace(block(line, ['x'], ['y']));
      assert.ok(parsed.ok, line);
      assert.equal(parsed.blocks[0].path, 'src/a.ts', line);
    }
    const sentence = parseSearchReplace(block('Then update `helper()` in `src/a.ts`:', ['x'], ['y']));
    assert.ok(sentence.ok && sentence.blocks[0].path === 'src/a.ts');
    const insideFence = parseSearchReplace(['```ts', 'src/a.ts', S, 'x', D, 'y', R, '```'].join('\n'));
    assert.ok(insideFence.ok && insideFence.blocks[0].path === 'src/a.ts');
    for (const bad of ['../outside.ts', '/etc/passwd', 'C:/Windows/x.ts', 'src/../../x.ts']) {
      failure(parseAndApplySearchReplace(block(bad, ['x'], ['y']), files({})), 'badPath');
    }
    assert.deepEqual(normalizeEditPath('a/./b.ts'), { path: 'a/b.ts' });
    assert.deepEqual(normalizeEditPath('a//b.ts'), { path: 'a/b.ts' });
  });

  it('keeps marker-like text that is not a marker as content', () => {
    const source = '# Title\n=========\ntext\n';
    const [file] = ok(
      parseAndApplySearchReplace(block('README.md', ['=========', 'text'], ['=========', 'new text']), files({ 'README.md': source })),
    );
    assert.equal(file.newText, '# Title\n=========\nnew text\n');
  });

  it('applies blocks already parsed, checking each against the original text', () => {
    const result = applySearchReplace(
      [
        { path: 'f.ts', search: ['one'], replace: ['ONE'], answerLine: 1 },
        { path: 'f.ts', search: ['ONE'], replace: ['uno'], answerLine: 7 },
      ],
      files({ 'f.ts': 'one\ntwo\n' }),
    );
    assert.match(failure(result, 'noMatch'), /"ONE"/);
  });
});
