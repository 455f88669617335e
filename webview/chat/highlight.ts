// Syntax highlighting with highlight.js core and the languages code answers mostly use (keeps the bundle small).
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import csharp from 'highlight.js/lib/languages/csharp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import ini from 'highlight.js/lib/languages/ini';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import plaintext from 'highlight.js/lib/languages/plaintext';
import python from 'highlight.js/lib/languages/python';
import ruby from 'highlight.js/lib/languages/ruby';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';

const languages = {
  bash,
  c,
  cpp,
  csharp,
  css,
  diff,
  dockerfile,
  go,
  ini,
  java,
  javascript,
  json,
  markdown,
  plaintext,
  python,
  ruby,
  rust,
  shell,
  sql,
  typescript,
  xml,
  yaml,
};
for (const [name, grammar] of Object.entries(languages)) hljs.registerLanguage(name, grammar);
// Fence names models use that the grammars do not register as aliases.
hljs.registerAliases(['tsx', 'mts', 'cts'], { languageName: 'typescript' });
hljs.registerAliases(['jsx', 'mjs', 'cjs'], { languageName: 'javascript' });
hljs.registerAliases(['jsonc', 'json5'], { languageName: 'json' });
hljs.registerAliases(['toml'], { languageName: 'ini' });
hljs.registerAliases(['scss', 'less'], { languageName: 'css' });
hljs.registerAliases(['text', 'txt', 'console', 'output'], { languageName: 'plaintext' });

/** Auto-detection tries every grammar; beyond this size it costs more than it is worth. */
const AUTO_DETECT_MAX_CHARS = 2_000;

/** highlight.js costs about 1–2 ms per KB: beyond this many characters a block's code is shown plain. */
export const HIGHLIGHT_MAX_CHARS = 32_000;

export interface HighlightedCode {
  /** Escaped HTML: only highlight.js's own `<span class="hljs-…">` markup around the text. */
  html: string;
  /** The grammar used, or undefined when the code is shown as plain text. */
  language: string | undefined;
}

/** First word of a fence's info string, lower-cased: "TypeScript title=x" → "typescript". */
export function fenceLanguage(info: string | undefined): string | undefined {
  const word = (info ?? '').trim().split(/\s+/)[0]?.toLowerCase();
  return word ? word : undefined;
}

export function highlightCode(code: string, language: string | undefined, options: { autoDetect: boolean }): HighlightedCode {
  if (code.length > HIGHLIGHT_MAX_CHARS) {
    // Highlight the first lines only; the rest (from a line break on) is escaped text.
    const cut = code.lastIndexOf('\n', HIGHLIGHT_MAX_CHARS);
    const head = code.slice(0, cut > 0 ? cut : HIGHLIGHT_MAX_CHARS);
    const highlighted = highlightCode(head, language, { autoDetect: false });
    return { html: highlighted.html + escapeHtml(code.slice(head.length)), language: highlighted.language };
  }
  if (language && hljs.getLanguage(language)) {
    return { html: hljs.highlight(code, { language, ignoreIllegals: true }).value, language };
  }
  if (!language && options.autoDetect && code.length <= AUTO_DETECT_MAX_CHARS) {
    const auto = hljs.highlightAuto(code);
    if (auto.language && auto.relevance >= 5) return { html: auto.value, language: auto.language };
  }
  return { html: escapeHtml(code), language: undefined };
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
