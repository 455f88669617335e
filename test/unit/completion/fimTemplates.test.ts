import assert from 'node:assert/strict';
import {
  ALWAYS_STRIPPED_TOKENS,
  buildFimPrompt,
  commentSyntaxFor,
  FIM_FAMILIES,
  FIM_TEMPLATES,
  snippetsAsComments,
  tokensToStrip,
} from '../../../src/core/completion/fimTemplates';
import type { FimPromptParts } from '../../../src/core/completion/fimTemplates';

const plain: FimPromptParts = {
  prefix: 'function add(a: number, b: number) {\n  return ',
  suffix: ';\n}\n',
  filePath: 'src/math.ts',
  languageId: 'typescript',
};

const withSnippets: FimPromptParts = {
  ...plain,
  snippets: [
    { path: 'src/util.ts', text: 'export const one = 1;\n' },
    { path: 'src/two.ts', text: 'export const two = 2;' },
  ],
};

describe('fimTemplates: prompts without other files', () => {
  const expected: Record<string, string> = {
    qwen: '<|fim_prefix|>function add(a: number, b: number) {\n  return <|fim_suffix|>;\n}\n<|fim_middle|>',
    starcoder2: '<fim_prefix>function add(a: number, b: number) {\n  return <fim_suffix>;\n}\n<fim_middle>',
    deepseek: '<｜fim▁begin｜>function add(a: number, b: number) {\n  return <｜fim▁hole｜>;\n}\n<｜fim▁end｜>',
    codellama: '<PRE> function add(a: number, b: number) {\n  return  <SUF>;\n}\n <MID>',
    codestral: '[SUFFIX];\n}\n[PREFIX] function add(a: number, b: number) {\n  return ',
    codegemma: '<|fim_prefix|>function add(a: number, b: number) {\n  return <|fim_suffix|>;\n}\n<|fim_middle|>',
  };
  for (const family of FIM_FAMILIES) {
    it(`${family} matches the hand-written prompt`, () => {
      assert.equal(buildFimPrompt(family, plain), expected[family]);
    });
  }

  it('DeepSeek tokens use full-width vertical bars (U+FF5C) and U+2581, not ASCII', () => {
    const prompt = buildFimPrompt('deepseek', plain);
    assert.ok(prompt.startsWith('<\uff5cfim\u2581begin\uff5c>'));
    assert.ok(prompt.includes('<\uff5cfim\u2581hole\uff5c>'));
    assert.ok(prompt.endsWith('<\uff5cfim\u2581end\uff5c>'));
    assert.ok(!prompt.includes('<|fim'));
  });

  it('CodeLlama keeps its exact spacing: "<PRE> " prefix " <SUF>" suffix " <MID>"', () => {
    assert.equal(buildFimPrompt('codellama', { prefix: 'P', suffix: 'S' }), '<PRE> P <SUF>S <MID>');
  });

  it('Codestral puts the suffix first', () => {
    assert.equal(buildFimPrompt('codestral', { prefix: 'P', suffix: 'S' }), '[SUFFIX]S[PREFIX] P');
  });
});

describe('fimTemplates: prompts with snippets from other files', () => {
  it('qwen uses its repository format: <|repo_name|>, then <|file_sep|>path per file, the FIM file last', () => {
    assert.equal(
      buildFimPrompt('qwen', { ...withSnippets, repoName: 'switchboard' }),
      '<|repo_name|>switchboard\n' +
        '<|file_sep|>src/util.ts\nexport const one = 1;\n' +
        '<|file_sep|>src/two.ts\nexport const two = 2;\n' +
        '<|file_sep|>src/math.ts\n' +
        '<|fim_prefix|>function add(a: number, b: number) {\n  return <|fim_suffix|>;\n}\n<|fim_middle|>',
    );
  });

  it('qwen leaves out <|repo_name|> when no repository name is given', () => {
    assert.ok(buildFimPrompt('qwen', withSnippets).startsWith('<|file_sep|>src/util.ts\n'));
  });

  it('starcoder2 uses <repo_name>, <file_sep>path\\ncode, and puts the FIM file path after <fim_prefix>', () => {
    assert.equal(
      buildFimPrompt('starcoder2', { ...withSnippets, repoName: 'switchboard' }),
      '<repo_name>switchboard' +
        '<file_sep>src/util.ts\nexport const one = 1;\n' +
        '<file_sep>src/two.ts\nexport const two = 2;\n' +
        '<file_sep><fim_prefix>src/math.ts\nfunction add(a: number, b: number) {\n  return <fim_suffix>;\n}\n<fim_middle>',
    );
  });

  it('deepseek opens each file with a path comment inside the FIM prefix', () => {
    assert.equal(
      buildFimPrompt('deepseek', withSnippets),
      '<｜fim▁begin｜>// src/util.ts\nexport const one = 1;\n// src/two.ts\nexport const two = 2;\n// src/math.ts\n' +
        'function add(a: number, b: number) {\n  return <｜fim▁hole｜>;\n}\n<｜fim▁end｜>',
    );
  });

  it('codellama gets the snippets as comments after "<PRE> "', () => {
    assert.equal(
      buildFimPrompt('codellama', withSnippets),
      '<PRE> // Path: src/util.ts\n// export const one = 1;\n// Path: src/two.ts\n// export const two = 2;\n// Path: src/math.ts\n' +
        'function add(a: number, b: number) {\n  return  <SUF>;\n}\n <MID>',
    );
  });

  it('codestral gets the snippets as comments at the start of the prefix', () => {
    assert.equal(
      buildFimPrompt('codestral', withSnippets),
      '[SUFFIX];\n}\n[PREFIX] // Path: src/util.ts\n// export const one = 1;\n// Path: src/two.ts\n// export const two = 2;\n// Path: src/math.ts\n' +
        'function add(a: number, b: number) {\n  return ',
    );
  });

  it('codegemma gets the snippets as comments after <|fim_prefix|>', () => {
    assert.equal(
      buildFimPrompt('codegemma', withSnippets),
      '<|fim_prefix|>// Path: src/util.ts\n// export const one = 1;\n// Path: src/two.ts\n// export const two = 2;\n// Path: src/math.ts\n' +
        'function add(a: number, b: number) {\n  return <|fim_suffix|>;\n}\n<|fim_middle|>',
    );
  });

  it('comments follow the language: # for Python', () => {
    assert.equal(
      buildFimPrompt('codellama', {
        prefix: 'x = ',
        suffix: '',
        filePath: 'a.py',
        languageId: 'python',
        snippets: [{ path: 'b.py', text: 'def f():\n\n    pass\n' }],
      }),
      '<PRE> # Path: b.py\n# def f():\n#\n#     pass\n# Path: a.py\nx =  <SUF> <MID>',
    );
  });

  it('comments follow the language: a block for CSS, with */ inside the snippet defused', () => {
    assert.equal(snippetsAsComments([{ path: 'a.css', text: 'a { b: c } /* x */' }], 'css'), '/*\nPath: a.css\na { b: c } /* x * /\n*/\n');
  });

  it('unknown languages get // comments', () => {
    assert.deepEqual(commentSyntaxFor('brainfudge'), { line: '//' });
    assert.deepEqual(commentSyntaxFor('python'), { line: '#' });
    assert.deepEqual(commentSyntaxFor('sql'), { line: '--' });
  });
});

describe('fimTemplates: stop and special tokens', () => {
  const mustStop: Record<string, string[]> = {
    qwen: [
      '<|endoftext|>',
      '<|fim_prefix|>',
      '<|fim_suffix|>',
      '<|fim_middle|>',
      '<|fim_pad|>',
      '<|repo_name|>',
      '<|file_sep|>',
      '<|im_end|>',
    ],
    starcoder2: ['<|endoftext|>', '<fim_prefix>', '<fim_suffix>', '<fim_middle>', '<file_sep>', '<repo_name>'],
    deepseek: ['<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>', '<｜end▁of▁sentence｜>'],
    codellama: ['<EOT>', '<PRE>', '<SUF>', '<MID>'],
    codestral: ['[PREFIX]', '[SUFFIX]', '[MIDDLE]'],
    codegemma: ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|file_separator|>'],
  };
  for (const family of FIM_FAMILIES) {
    it(`${family} stops on its own template tokens and strips every stop token`, () => {
      const template = FIM_TEMPLATES[family];
      for (const token of mustStop[family]) assert.ok(template.stop.includes(token), `${family} stop lacks ${token}`);
      for (const token of template.stop) assert.ok(template.specialTokens.includes(token), `${family} does not strip ${token}`);
      for (const token of template.specialTokens) assert.ok(tokensToStrip(family).includes(token));
    });
  }

  it('tokens plain code uses are not stripped for families that do not own them', () => {
    for (const token of ['<s>', '</s>', '<PRE>', '[PREFIX]', '[SUFFIX]']) {
      assert.ok(!ALWAYS_STRIPPED_TOKENS.includes(token), token);
      assert.ok(!tokensToStrip('qwen').includes(token), token);
    }
    assert.ok(tokensToStrip('codestral').includes('[PREFIX]'));
    assert.ok(tokensToStrip('codellama').includes('<PRE>'));
  });

  it("an unknown family strips every family's tokens", () => {
    const all = tokensToStrip(null);
    for (const family of FIM_FAMILIES) for (const token of FIM_TEMPLATES[family].specialTokens) assert.ok(all.includes(token), token);
  });
});
