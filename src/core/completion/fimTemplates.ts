// Fill-in-the-middle prompt formats per model family, with the tokens each family may emit that
// must never reach the editor. Formats follow each family's published prompt layout; Codestral and
// CodeLlama spacing follows Ollama's own templates, since Ollama tokenizes the raw prompt we send.

export type FimFamilyId = 'qwen' | 'starcoder2' | 'deepseek' | 'codellama' | 'codestral' | 'codegemma';

export const FIM_FAMILIES: readonly FimFamilyId[] = ['qwen', 'starcoder2', 'deepseek', 'codellama', 'codestral', 'codegemma'];

/** An excerpt of another file offered to the model as context. */
export interface CodeSnippet {
  path: string;
  text: string;
}

export interface FimPromptParts {
  prefix: string;
  suffix: string;
  /** Workspace-relative path of the file being edited. */
  filePath?: string;
  /** VS Code language id (`typescript`, `python`, …); picks the comment syntax for snippets. */
  languageId?: string;
  snippets?: readonly CodeSnippet[];
  /** Used by families whose multi-file format names the repository. */
  repoName?: string;
}

export interface FimTemplate {
  family: FimFamilyId;
  label: string;
  /** Sent as the request's stop sequences. */
  stop: readonly string[];
  /** Every token of this family that must be cut from an answer (includes `stop`). */
  specialTokens: readonly string[];
  buildPrompt(parts: FimPromptParts): string;
}

const QWEN_TOKENS = [
  '<|endoftext|>',
  '<|fim_prefix|>',
  '<|fim_suffix|>',
  '<|fim_middle|>',
  '<|fim_pad|>',
  '<|repo_name|>',
  '<|file_sep|>',
  '<|im_start|>',
  '<|im_end|>',
] as const;

const STARCODER2_STOP = [
  '<|endoftext|>',
  '<fim_prefix>',
  '<fim_suffix>',
  '<fim_middle>',
  '<fim_pad>',
  '<file_sep>',
  '<repo_name>',
] as const;
const STARCODER2_EXTRA = [
  '<filename>',
  '<gh_stars>',
  '<reponame>',
  '<issue_start>',
  '<issue_comment>',
  '<issue_closed>',
  '<jupyter_start>',
  '<jupyter_text>',
  '<jupyter_code>',
  '<jupyter_output>',
  '<jupyter_script>',
  '<empty_output>',
  '<code_to_intermediate>',
  '<intermediate_to_code>',
  '<pr>',
  '<pr_status>',
  '<pr_is_merged>',
  '<pr_base>',
  '<pr_file>',
  '<pr_base_code>',
  '<pr_diff>',
  '<pr_diff_hunk>',
  '<pr_comment>',
  '<pr_event_id>',
  '<pr_review>',
  '<pr_review_state>',
  '<pr_review_comment>',
  '<pr_in_reply_to_review_id>',
  '<pr_in_reply_to_comment_id>',
  '<pr_diff_hunk_comment_line>',
  '<commit_before>',
  '<commit_msg>',
  '<commit_after>',
] as const;

// DeepSeek's tokens use full-width bars (U+FF5C) and U+2581 in place of spaces.
const DEEPSEEK_STOP = ['<｜fim▁begin｜>', '<｜fim▁hole｜>', '<｜fim▁end｜>', '<｜end▁of▁sentence｜>', '<|EOT|>'] as const;
const DEEPSEEK_EXTRA = ['<｜begin▁of▁sentence｜>'] as const;

const CODELLAMA_STOP = ['<EOT>', '<PRE>', '<SUF>', '<MID>', '</s>'] as const;
const CODELLAMA_EXTRA = ['<s>'] as const;

const CODESTRAL_STOP = ['[PREFIX]', '[SUFFIX]', '[MIDDLE]', '</s>'] as const;
const CODESTRAL_EXTRA = ['<s>', '[INST]', '[/INST]'] as const;

const CODEGEMMA_STOP = ['<|fim_prefix|>', '<|fim_suffix|>', '<|fim_middle|>', '<|file_separator|>', '<end_of_turn>', '<eos>'] as const;
const CODEGEMMA_EXTRA = ['<start_of_turn>', '<bos>'] as const;

/**
 * Tokens cut from every answer whatever the detected family (a wrong detection must not leak them).
 * Left out: spellings that plain code uses (`<s>`, `</s>`, `<PRE>`, `[PREFIX]` as in `map[PREFIX]`).
 */
export const ALWAYS_STRIPPED_TOKENS: readonly string[] = unique([
  ...QWEN_TOKENS,
  ...STARCODER2_STOP,
  ...STARCODER2_EXTRA,
  ...DEEPSEEK_STOP,
  ...DEEPSEEK_EXTRA,
  '<EOT>',
  '<SUF>',
  '<MID>',
  ...CODEGEMMA_STOP.filter((t) => t !== '<eos>'),
  '<start_of_turn>',
]);

/** Token shapes no code should contain: `<|word|>` and DeepSeek's full-width `<｜…｜>`. */
export const SPECIAL_TOKEN_PATTERNS: readonly RegExp[] = [/<\|[A-Za-z][A-Za-z0-9_]{0,40}\|>/, /<｜[^｜\n]{1,40}｜>/];

function unique(tokens: readonly string[]): string[] {
  return [...new Set(tokens)];
}

function withTrailingNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

interface CommentSyntax {
  line?: string;
  block?: { open: string; close: string };
}

const HASH_COMMENT = new Set([
  'python',
  'ruby',
  'shellscript',
  'bash',
  'sh',
  'zsh',
  'fish',
  'perl',
  'r',
  'yaml',
  'toml',
  'dockerfile',
  'makefile',
  'powershell',
  'coffeescript',
  'julia',
  'elixir',
  'nim',
  'graphql',
  'properties',
  'cmake',
]);
const DASH_COMMENT = new Set(['sql', 'lua', 'haskell', 'elm', 'ada', 'vhdl']);
const SEMICOLON_COMMENT = new Set(['clojure', 'lisp', 'scheme', 'racket', 'ini', 'asm']);
const PERCENT_COMMENT = new Set(['latex', 'tex', 'erlang', 'matlab', 'bibtex']);
const MARKUP_COMMENT = new Set(['html', 'xml', 'markdown', 'vue-html', 'svg', 'xsl']);
const CSS_COMMENT = new Set(['css']);

/** How a file of this language writes a comment; C-style `//` when the language is unknown. */
export function commentSyntaxFor(languageId: string | undefined): CommentSyntax {
  const id = (languageId ?? '').toLowerCase();
  if (HASH_COMMENT.has(id)) return { line: '#' };
  if (DASH_COMMENT.has(id)) return { line: '--' };
  if (SEMICOLON_COMMENT.has(id)) return { line: ';' };
  if (PERCENT_COMMENT.has(id)) return { line: '%' };
  if (MARKUP_COMMENT.has(id)) return { block: { open: '<!--', close: '-->' } };
  if (CSS_COMMENT.has(id)) return { block: { open: '/*', close: '*/' } };
  return { line: '//' };
}

/** One comment line (or block) holding `text`, in the language's own comment syntax. */
function commentOut(text: string, syntax: CommentSyntax): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  if (syntax.line) {
    return body
      .split('\n')
      .map((line) => (line.length > 0 ? `${syntax.line} ${line}` : syntax.line))
      .join('\n')
      .concat('\n');
  }
  const { open, close } = syntax.block ?? { open: '/*', close: '*/' };
  // A snippet containing the closing marker would end the comment early.
  const safe = body.split(close).join(close.split('').join(' '));
  return `${open}\n${safe}\n${close}\n`;
}

/** Snippets as commented-out excerpts, each under a `Path:` line, for families without a multi-file format. */
export function snippetsAsComments(snippets: readonly CodeSnippet[], languageId: string | undefined): string {
  const syntax = commentSyntaxFor(languageId);
  return snippets.map((s) => commentOut(`Path: ${s.path}\n${withTrailingNewline(s.text)}`, syntax)).join('');
}

function hasSnippets(parts: FimPromptParts): parts is FimPromptParts & { snippets: readonly CodeSnippet[] } {
  return parts.snippets !== undefined && parts.snippets.length > 0;
}

/** With snippets, the comment header that goes before the prefix; the current file's path is named last. */
export function snippetCommentHeader(parts: FimPromptParts): string {
  if (!hasSnippets(parts)) return '';
  const syntax = commentSyntaxFor(parts.languageId);
  const current = parts.filePath ? commentOut(`Path: ${parts.filePath}`, syntax) : '';
  return snippetsAsComments(parts.snippets, parts.languageId) + current;
}

const qwen: FimTemplate = {
  family: 'qwen',
  label: 'Qwen2.5-Coder',
  stop: QWEN_TOKENS,
  specialTokens: QWEN_TOKENS,
  buildPrompt(parts) {
    const fim = `<|fim_prefix|>${parts.prefix}<|fim_suffix|>${parts.suffix}<|fim_middle|>`;
    if (!hasSnippets(parts)) return fim;
    // Repository-level infilling: other files first, then the current file's header and its FIM body.
    const repo = parts.repoName ? `<|repo_name|>${parts.repoName}\n` : '';
    const files = parts.snippets.map((s) => `<|file_sep|>${s.path}\n${withTrailingNewline(s.text)}`).join('');
    return `${repo}${files}<|file_sep|>${parts.filePath ?? 'untitled'}\n${fim}`;
  },
};

const starcoder2: FimTemplate = {
  family: 'starcoder2',
  label: 'StarCoder2',
  stop: STARCODER2_STOP,
  specialTokens: unique([...STARCODER2_STOP, ...STARCODER2_EXTRA]),
  buildPrompt(parts) {
    if (!hasSnippets(parts)) return `<fim_prefix>${parts.prefix}<fim_suffix>${parts.suffix}<fim_middle>`;
    // StarCoder2's repository format: the FIM file's path sits after <fim_prefix>, one newline, then code.
    const repo = parts.repoName ? `<repo_name>${parts.repoName}` : '';
    const files = parts.snippets.map((s) => `<file_sep>${s.path}\n${withTrailingNewline(s.text)}`).join('');
    return `${repo}${files}<file_sep><fim_prefix>${parts.filePath ?? 'untitled'}\n${parts.prefix}<fim_suffix>${parts.suffix}<fim_middle>`;
  },
};

const deepseek: FimTemplate = {
  family: 'deepseek',
  label: 'DeepSeek-Coder',
  stop: DEEPSEEK_STOP,
  specialTokens: unique([...DEEPSEEK_STOP, ...DEEPSEEK_EXTRA]),
  buildPrompt(parts) {
    // DeepSeek-Coder's project format: each file opens with a comment naming its path, then its code.
    let header = '';
    if (hasSnippets(parts)) {
      const syntax = commentSyntaxFor(parts.languageId);
      const mark = (path: string) => (syntax.line ? `${syntax.line} ${path}\n` : commentOut(path, syntax));
      header =
        parts.snippets.map((s) => mark(s.path) + withTrailingNewline(s.text)).join('') + (parts.filePath ? mark(parts.filePath) : '');
    }
    return `<｜fim▁begin｜>${header}${parts.prefix}<｜fim▁hole｜>${parts.suffix}<｜fim▁end｜>`;
  },
};

const codellama: FimTemplate = {
  family: 'codellama',
  label: 'CodeLlama',
  stop: CODELLAMA_STOP,
  specialTokens: unique([...CODELLAMA_STOP, ...CODELLAMA_EXTRA]),
  buildPrompt(parts) {
    return `<PRE> ${snippetCommentHeader(parts)}${parts.prefix} <SUF>${parts.suffix} <MID>`;
  },
};

const codestral: FimTemplate = {
  family: 'codestral',
  label: 'Codestral',
  stop: CODESTRAL_STOP,
  specialTokens: unique([...CODESTRAL_STOP, ...CODESTRAL_EXTRA]),
  buildPrompt(parts) {
    return `[SUFFIX]${parts.suffix}[PREFIX] ${snippetCommentHeader(parts)}${parts.prefix}`;
  },
};

const codegemma: FimTemplate = {
  family: 'codegemma',
  label: 'CodeGemma',
  stop: CODEGEMMA_STOP,
  specialTokens: unique([...CODEGEMMA_STOP, ...CODEGEMMA_EXTRA]),
  buildPrompt(parts) {
    return `<|fim_prefix|>${snippetCommentHeader(parts)}${parts.prefix}<|fim_suffix|>${parts.suffix}<|fim_middle|>`;
  },
};

export const FIM_TEMPLATES: Readonly<Record<FimFamilyId, FimTemplate>> = Object.freeze({
  qwen,
  starcoder2,
  deepseek,
  codellama,
  codestral,
  codegemma,
});

/** The raw prompt for `family`: sent verbatim (Ollama `raw: true`). */
export function buildFimPrompt(family: FimFamilyId, parts: FimPromptParts): string {
  return FIM_TEMPLATES[family].buildPrompt(parts);
}

/** Tokens to cut from an answer of `family` (or of an unknown family): its own plus every distinctive one. */
export function tokensToStrip(family: FimFamilyId | null): readonly string[] {
  if (family === null) {
    return unique([...ALWAYS_STRIPPED_TOKENS, ...FIM_FAMILIES.flatMap((f) => FIM_TEMPLATES[f].specialTokens)]);
  }
  return unique([...FIM_TEMPLATES[family].specialTokens, ...ALWAYS_STRIPPED_TOKENS]);
}
