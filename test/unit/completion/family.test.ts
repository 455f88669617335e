import assert from 'node:assert/strict';
import { detectFamily, isChatTuned, parseFimOverride, planFim, templateReferencesSuffix } from '../../../src/core/completion/family';

// Template texts in the shape Ollama's /api/show returns them.
const QWEN_FIM_AND_CHAT = `{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>
{{- else if .Messages }}
{{- range .Messages }}<|im_start|>{{ .Role }}
{{ .Content }}<|im_end|>
{{ end }}<|im_start|>assistant
{{ else }}{{ .Prompt }}{{ end }}`;
const QWEN_CHAT_ONLY = `{{- range .Messages }}<|im_start|>{{ .Role }}
{{ .Content }}<|im_end|>
{{ end }}<|im_start|>assistant
`;
const PROMPT_ONLY = '{{ .Prompt }}';
const CODELLAMA_CODE = '<PRE> {{ .Prompt }} <SUF>{{ .Suffix }} <MID>';
const CODELLAMA_INSTRUCT = '[INST] <<SYS>>{{ .System }}<</SYS>>\n\n{{ .Prompt }} [/INST]';
const CODESTRAL = '{{- if .Suffix }}[SUFFIX]{{ .Suffix }}[PREFIX] {{ .Prompt }}\n{{- else }}[INST] {{ .Prompt }} [/INST]{{ end }}';
const DEEPSEEK_V2 =
  '{{- if .Suffix }}<｜fim▁begin｜>{{ .Prompt }}<｜fim▁hole｜>{{ .Suffix }}<｜fim▁end｜>{{- else }}{{ .Prompt }}{{ end }}';
const STARCODER2 = '<file_sep>\n<fim_prefix>\n{{ .Prompt }}<fim_suffix>{{ .Suffix }}<fim_middle>';
const CODEGEMMA = '{{- if .Suffix }}<|fim_prefix|>{{ .Prompt }}<|fim_suffix|>{{ .Suffix }}<|fim_middle|>{{- else }}{{ .Prompt }}{{ end }}';
const LLAMA_CHAT = '{{- range .Messages }}<|start_header_id|>{{ .Role }}<|end_header_id|>\n\n{{ .Content }}<|eot_id|>{{ end }}';

describe('family: does the template place .Suffix', () => {
  const cases: Array<[string, boolean]> = [
    ['{{ .Suffix }}', true],
    ['{{- if .Suffix }}x{{ end }}', true],
    ['{{if .Suffix}}x{{end}}', true],
    [CODELLAMA_CODE, true],
    [PROMPT_ONLY, false],
    [QWEN_CHAT_ONLY, false],
    ['Suffix is mentioned in prose only', false],
    ['{{ .Suffixes }}', false],
  ];
  for (const [template, expected] of cases) {
    it(`${JSON.stringify(template.slice(0, 40))} → ${expected}`, () => assert.equal(templateReferencesSuffix(template), expected));
  }
});

describe('family: detection', () => {
  const cases: Array<[string, string | undefined, string | null, string | null]> = [
    ['qwen2.5-coder:1.5b-base', PROMPT_ONLY, 'qwen', 'name'],
    ['qwen2.5-coder:7b-instruct', QWEN_FIM_AND_CHAT, 'qwen', 'template'],
    ['my-own-fim-model:latest', QWEN_FIM_AND_CHAT, 'qwen', 'template'],
    ['hf.co/Qwen/Qwen2.5-Coder-1.5B-GGUF:Q4_K_M', undefined, 'qwen', 'name'],
    ['qwen3-coder:30b', undefined, 'qwen', 'name'],
    ['starcoder2:3b', STARCODER2, 'starcoder2', 'template'],
    ['starcoder2:7b', PROMPT_ONLY, 'starcoder2', 'name'],
    ['codeqwen:7b-code', PROMPT_ONLY, 'starcoder2', 'name'],
    ['stable-code:3b-code', undefined, 'starcoder2', 'name'],
    ['deepseek-coder:6.7b-base', PROMPT_ONLY, 'deepseek', 'name'],
    ['deepseek-coder-v2:16b', DEEPSEEK_V2, 'deepseek', 'template'],
    ['codellama:7b-code', CODELLAMA_CODE, 'codellama', 'template'],
    ['codellama:13b-instruct', CODELLAMA_INSTRUCT, 'codellama', 'name'],
    ['codestral:22b', CODESTRAL, 'codestral', 'template'],
    ['codegemma:2b', CODEGEMMA, 'codegemma', 'name'],
    ['llama3.2:3b', LLAMA_CHAT, null, null],
    ['mistral:7b', PROMPT_ONLY, null, null],
  ];
  for (const [model, template, family, source] of cases) {
    it(`${model} → ${family ?? 'unknown'} (${source ?? 'no source'})`, () => {
      assert.deepEqual(detectFamily(model, template), { family, source });
    });
  }
});

describe('family: base or instruct', () => {
  const cases: Array<[string, string | undefined, boolean]> = [
    ['qwen2.5-coder:1.5b-base', QWEN_FIM_AND_CHAT, false],
    ['qwen2.5-coder:7b-instruct', QWEN_FIM_AND_CHAT, true],
    ['qwen2.5-coder:7b', QWEN_FIM_AND_CHAT, true],
    ['qwen2.5-coder:7b', PROMPT_ONLY, true],
    ['starcoder2:7b', PROMPT_ONLY, false],
    ['codellama:7b-code', CODELLAMA_CODE, false],
    ['codellama:7b-instruct', undefined, true],
    ['codegemma:7b-it', undefined, true],
    ['deepseek-coder:6.7b-base', PROMPT_ONLY, false],
  ];
  for (const [model, template, chat] of cases) {
    it(`${model}${template === undefined ? ' (no template)' : ''} → ${chat ? 'instruct' : 'base'}`, () =>
      assert.equal(isChatTuned(model, template), chat));
  }
});

describe('family: planFim', () => {
  it('qwen2.5-coder:1.5b-base with a prompt-only template: raw Qwen template, no warning', () => {
    const plan = planFim({ model: 'qwen2.5-coder:1.5b-base', template: PROMPT_ONLY });
    assert.equal(plan.mode, 'raw');
    assert.equal(plan.family, 'qwen');
    assert.equal(plan.warning, undefined);
    assert.match(plan.reason, /does not place \.Suffix/);
  });

  it('qwen2.5-coder:1.5b-base whose template places .Suffix: native, no warning', () => {
    const plan = planFim({ model: 'qwen2.5-coder:1.5b-base', template: QWEN_FIM_AND_CHAT });
    assert.equal(plan.mode, 'native');
    assert.equal(plan.family, 'qwen');
    assert.equal(plan.warning, undefined);
  });

  it('qwen2.5-coder:7b-instruct whose template places .Suffix: native as the template says, with an instruct warning', () => {
    const plan = planFim({ model: 'qwen2.5-coder:7b-instruct', template: QWEN_FIM_AND_CHAT });
    assert.equal(plan.mode, 'native');
    assert.match(plan.warning ?? '', /instruct\/chat model.*base tag/);
  });

  it('qwen2.5-coder:7b-instruct with a chat-only template: raw Qwen template, with an instruct warning', () => {
    const plan = planFim({ model: 'qwen2.5-coder:7b-instruct', template: QWEN_CHAT_ONLY });
    assert.equal(plan.mode, 'raw');
    assert.equal(plan.family, 'qwen');
    assert.match(plan.warning ?? '', /instruct/);
  });

  it('codellama:13b-instruct with an [INST] template: raw CodeLlama format from the name, warned', () => {
    const plan = planFim({ model: 'codellama:13b-instruct', template: CODELLAMA_INSTRUCT });
    assert.deepEqual([plan.mode, plan.family, plan.familySource], ['raw', 'codellama', 'name']);
    assert.ok(plan.warning);
  });

  it('codestral: native because its template places .Suffix; its chat branch is no reason to warn', () => {
    const plan = planFim({ model: 'codestral:22b', template: CODESTRAL });
    assert.deepEqual([plan.mode, plan.family], ['native', 'codestral']);
    assert.equal(plan.warning, undefined);
  });

  it("qwen2.5-coder:7b (Ollama's untagged instruct model) is native per its template, and warned by name", () => {
    const plan = planFim({ model: 'qwen2.5-coder:7b', template: QWEN_FIM_AND_CHAT });
    assert.equal(plan.mode, 'native');
    assert.match(plan.warning ?? '', /instruct/);
  });

  it('deepseek-coder-v2, whose template serves FIM and chat, is native without an instruct warning', () => {
    const plan = planFim({ model: 'deepseek-coder-v2:16b', template: DEEPSEEK_V2 });
    assert.deepEqual([plan.mode, plan.family, plan.warning], ['native', 'deepseek', undefined]);
  });

  it('a known name without a template (not Ollama, or not fetched yet): raw', () => {
    const plan = planFim({ model: 'deepseek-coder:1.3b-base' });
    assert.deepEqual([plan.mode, plan.family], ['raw', 'deepseek']);
    assert.match(plan.reason, /template is not known/);
  });

  it('an unknown family with no .Suffix falls back to prefix-only and tells the user how to fix it', () => {
    const plan = planFim({ model: 'llama3.2:3b', template: LLAMA_CHAT });
    assert.equal(plan.mode, 'prefixOnly');
    assert.equal(plan.family, null);
    assert.match(plan.warning ?? '', /does not know the fill-in-the-middle format of llama3\.2:3b/);
    assert.match(plan.warning ?? '', /fimTemplate/);
    assert.match(plan.warning ?? '', /qwen, starcoder2, deepseek, codellama, codestral, codegemma/);
  });

  it('an unknown name whose template places .Suffix is native (Ollama knows the format)', () => {
    const plan = planFim({ model: 'team/fim-model:1b', template: '{{ .Prompt }}<X>{{ .Suffix }}<Y>' });
    assert.deepEqual([plan.mode, plan.family], ['native', null]);
  });

  it('the override picks the family and forces the raw template', () => {
    const plan = planFim({ model: 'qwen2.5-coder:1.5b-base', template: QWEN_FIM_AND_CHAT, override: 'starcoder2' });
    assert.deepEqual([plan.mode, plan.family, plan.familySource], ['raw', 'starcoder2', 'override']);
  });

  it('override "native" on a template without .Suffix says the suffix will be ignored', () => {
    const plan = planFim({ model: 'mistral:7b', template: PROMPT_ONLY, override: 'native' });
    assert.equal(plan.mode, 'native');
    assert.match(plan.warning ?? '', /will ignore the code after the cursor/);
  });

  it('an unknown override is reported and detection takes over', () => {
    const plan = planFim({ model: 'starcoder2:3b', template: PROMPT_ONLY, override: 'starcoder3' });
    assert.deepEqual([plan.mode, plan.family], ['raw', 'starcoder2']);
    assert.match(plan.warning ?? '', /Unknown fimTemplate "starcoder3"/);
  });

  it('parses overrides case-insensitively, empty meaning auto', () => {
    assert.deepEqual(parseFimOverride('  Qwen '), { override: 'qwen' });
    assert.deepEqual(parseFimOverride(''), { override: 'auto' });
    assert.deepEqual(parseFimOverride(undefined), { override: 'auto' });
  });
});
