import assert from 'node:assert/strict';
import { joinPath, referencedFiles, referencedPaths } from '../../../src/core/edits/referencedFiles';

const known = new Set([
  'src/a.ts',
  'src/b.ts',
  'src/util/index.ts',
  'src/util/format.tsx',
  'src/legacy.js',
  'lib/shared.ts',
  'pkg/__init__.py',
  'pkg/mod.py',
  'pkg/sub/helpers.py',
  'native/vec.h',
]);

describe('files a refactor also reads', () => {
  it('joins relative paths and refuses to climb above the root', () => {
    assert.equal(joinPath('src/util', '../a.ts'), 'src/a.ts');
    assert.equal(joinPath('', './x/./y'), 'x/y');
    assert.equal(joinPath('src', '../../x'), undefined);
  });

  it('resolves JS/TS relative imports to known files (extension, index, .js naming the .ts source), in order of mention', () => {
    const text = [
      "import { b } from './b';",
      "import type { F } from './util/format';",
      "export * from '../lib/shared.js';",
      "const u = require('./util');",
      "import('./legacy');",
      "import React from 'react';",
      "import { nothing } from './missing';",
    ].join('\n');
    assert.deepEqual(referencedPaths('src/a.ts', text, known), [
      'src/b.ts',
      'src/util/format.tsx',
      'lib/shared.ts',
      'src/util/index.ts',
      'src/legacy.js',
    ]);
  });

  it('resolves Python relative imports and C includes', () => {
    assert.deepEqual(referencedPaths('pkg/sub/helpers.py', 'from ..mod import x\nfrom .. import y\nimport os\n', known), [
      'pkg/mod.py',
      'pkg/__init__.py',
    ]);
    assert.deepEqual(referencedPaths('native/main.c', '#include "vec.h"\n#include <stdio.h>\n', known), ['native/vec.h']);
  });

  it('never returns the file itself, and returns each file once', () => {
    assert.deepEqual(referencedPaths('src/a.ts', "import './a';\nimport './b';\nimport './b.ts';\n", known), ['src/b.ts']);
  });

  it('across picked files: leaves out picked ones, puts the most referenced first, and stops at the limit', () => {
    const picked = [
      { path: 'src/a.ts', text: "import './b';\nimport '../lib/shared';\nimport './util';" },
      { path: 'src/b.ts', text: "import './a';\nimport '../lib/shared';" },
    ];
    assert.deepEqual(referencedFiles(picked, known, 10), ['lib/shared.ts', 'src/util/index.ts']);
    assert.deepEqual(referencedFiles(picked, known, 1), ['lib/shared.ts']);
  });
});
