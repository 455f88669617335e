// Model output → safe DOM: marked for markdown, highlight.js for code, DOMPurify as the last word.
// Streaming re-renders only the unfinished tail: finished blocks are rendered once and kept.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import type { Token, TokensList } from 'marked';
import { CODE_CHUNK_LINES, chunkedCodeHtml, codeChunkHtml } from './codeChunks';
import { button, h } from '../common/dom';
import { escapeHtml, fenceLanguage, highlightCode } from './highlight';

const markdown = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    code({ text, lang }) {
      const language = fenceLanguage(lang);
      const highlighted = highlightCode(text, language, { autoDetect: true });
      return codeHtml(highlighted.html, language ?? highlighted.language);
    },
    // Raw HTML from the model is shown as text, never interpreted.
    html({ text }) {
      return escapeHtml(text);
    },
    // Images would fetch from wherever the model says (CSP blocks it anyway): show a link instead.
    image({ href, text }) {
      return `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`;
    },
    checkbox({ checked }) {
      return checked ? '☑ ' : '☐ ';
    },
  },
});

function codeHtml(innerHtml: string, language: string | undefined): string {
  const lang = language ? escapeHtml(language.replace(/[^\w+#.-]/g, '')) : '';
  return `<pre><code class="hljs${lang ? ` language-${lang}` : ''}" data-lang="${lang}">${chunkedCodeHtml(innerHtml)}</code></pre>\n`;
}

const purifyConfig = {
  USE_PROFILES: { html: true },
  FORBID_TAGS: ['style', 'img', 'picture', 'source', 'video', 'audio', 'form', 'input', 'button', 'textarea', 'select', 'option', 'dialog'],
  FORBID_ATTR: ['style', 'srcset', 'action', 'formaction', 'id', 'name'],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
  RETURN_DOM_FRAGMENT: true as const,
};

/** Sanitised DOM for a run of block tokens, with toolbars on its code blocks. */
function renderTokens(tokens: Token[]): DocumentFragment {
  const html = markdown.parser(tokens);
  const fragment = DOMPurify.sanitize(html, purifyConfig);
  for (const code of fragment.querySelectorAll('pre > code')) decorateCodeBlock(code as HTMLElement);
  return fragment;
}

/** Renders finished markdown at once (history, or an answer that arrives whole). */
export function renderMarkdown(source: string): DocumentFragment {
  return renderTokens(markdown.lexer(source));
}

/** Wraps `<pre><code>` in a block with a language label and Copy / Insert / Apply buttons (handled by delegation). */
function decorateCodeBlock(code: HTMLElement): HTMLElement {
  const pre = code.parentElement ?? h('pre', {}, code);
  const lang = code.dataset['lang'] ?? '';
  const block = h('div', { class: 'code-block' });
  const toolbar = h(
    'div',
    { class: 'code-toolbar' },
    h('span', { class: 'code-lang' }, lang || 'text'),
    button('Copy', { class: 'code-action', 'data-action': 'copyCode', title: 'Copy to the clipboard', 'aria-label': 'Copy code' }),
    button('Insert', {
      class: 'code-action',
      'data-action': 'insertCode',
      title: 'Insert at the cursor in the editor',
      'aria-label': 'Insert code at cursor',
    }),
    button('Apply', {
      class: 'code-action',
      'data-action': 'applyCode',
      title: 'Replace the editor selection with this code',
      'aria-label': 'Apply code as an edit to the selection',
    }),
  );
  if (pre.parentNode) pre.replaceWith(block);
  block.append(toolbar, pre);
  return block;
}

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;

/** A fenced code block whose closing fence has not arrived yet. */
function isOpenFence(token: Token): boolean {
  if (token.type !== 'code' || token.codeBlockStyle === 'indented') return false;
  const open = FENCE_OPEN.exec(token.raw);
  if (!open) return false;
  const fence = open[1] as string;
  const body = token.raw.replace(/\s+$/, '');
  const lastLineStart = body.lastIndexOf('\n');
  if (lastLineStart < 0) return true;
  const lastLine = body.slice(lastLineStart + 1).trim();
  return !(lastLine.length >= fence.length && [...lastLine].every((ch) => ch === fence[0]));
}

/** Whether a line at or after `from` could close `fence` (a partial last line counts: it may be the fence). */
function hasClosingFence(source: string, from: number, fence: string): boolean {
  const char = fence[0] as string;
  for (let lineStart = from; lineStart < source.length;) {
    const lineEnd = source.indexOf('\n', lineStart);
    const line = source.slice(lineStart, lineEnd < 0 ? source.length : lineEnd).trim();
    if (line.length >= 3 && line[0] === char && [...line].every((ch) => ch === char)) return true;
    if (line.length > 0 && line.length < 3 && [...line].every((ch) => ch === char) && lineEnd < 0) return true;
    if (lineEnd < 0) break;
    lineStart = lineEnd + 1;
  }
  return false;
}

interface CodeChunk {
  element: HTMLElement;
  newlines: number;
  /** The highlighted HTML it shows; undefined once plain text was appended. */
  html: string | undefined;
}

/**
 * A growing code block. Highlighting the whole block on every frame would cost O(size) per frame,
 * so new text is appended plainly and the block is re-highlighted at most once per few frames
 * (about a ninth of the time at most), replacing only the line blocks whose HTML changed.
 */
class LiveCodeBlock {
  readonly element: HTMLElement;
  private readonly code: HTMLElement;
  private readonly chunks: CodeChunk[] = [];
  private shownText = '';
  private highlightedText: string | undefined;
  private highlightedAt = -Infinity;
  private highlightCostMs = 0;

  constructor(private readonly language: string | undefined) {
    this.code = h('code', { class: `hljs${language ? ` language-${language}` : ''}`, 'data-lang': language ?? '' });
    this.element = decorateCodeBlock(this.code);
  }

  sameLanguage(language: string | undefined): boolean {
    return this.language === language;
  }

  /** `finished`: the closing fence arrived, so the block must end up fully highlighted. */
  update(text: string, now: number, finished: boolean): void {
    if (text === this.shownText && (!finished || text === this.highlightedText)) return;
    const appendOnly = text.startsWith(this.shownText);
    if (finished || !appendOnly || now - this.highlightedAt >= Math.max(50, 8 * this.highlightCostMs)) {
      const started = performance.now();
      this.highlight(text);
      this.highlightCostMs = performance.now() - started;
      this.highlightedAt = now;
    } else {
      this.appendPlain(text.slice(this.shownText.length));
    }
    this.shownText = text;
  }

  private highlight(text: string): void {
    const chunkHtml = codeChunkHtml(highlightCode(text, this.language, { autoDetect: false }).html);
    let newlines = 0;
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) newlines++;
    chunkHtml.forEach((html, i) => {
      const chunk = this.chunks[i] ?? this.addChunk();
      // highlight.js escapes the text itself and adds only its own span markup.
      if (chunk.html !== html) chunk.element.innerHTML = html;
      chunk.html = html;
      chunk.newlines = i < chunkHtml.length - 1 ? CODE_CHUNK_LINES : newlines - CODE_CHUNK_LINES * i;
    });
    for (const extra of this.chunks.splice(chunkHtml.length)) extra.element.remove();
    this.highlightedText = text;
  }

  private appendPlain(added: string): void {
    let rest = added;
    while (rest.length > 0) {
      const last = this.chunks.at(-1);
      const chunk = last && last.newlines < CODE_CHUNK_LINES ? last : this.addChunk();
      const room = CODE_CHUNK_LINES - chunk.newlines;
      let cut = rest.length;
      let seen = 0;
      for (let i = rest.indexOf('\n'); i >= 0; i = rest.indexOf('\n', i + 1)) {
        if (++seen === room) {
          cut = i + 1;
          break;
        }
      }
      chunk.element.append(rest.slice(0, cut));
      chunk.newlines += seen;
      chunk.html = undefined;
      rest = rest.slice(cut);
    }
  }

  private addChunk(): CodeChunk {
    const chunk: CodeChunk = { element: h('span', { class: 'code-chunk' }), newlines: 0, html: undefined };
    this.chunks.push(chunk);
    this.code.append(chunk.element);
    return chunk;
  }
}

/** The rendered body of one answer; call `render` with the whole text so far as often as it changes. */
export class StreamingMarkdownView {
  readonly element: HTMLElement;
  private readonly settled: HTMLElement;
  private readonly live: HTMLElement;
  /** Characters of the source already rendered into `settled`. */
  private settledChars = 0;
  private renderedLength = -1;
  private liveCode: LiveCodeBlock | undefined;
  /** Where the live code block's text starts in the source, and its fence, while no closing fence can have arrived. */
  private liveFence: { bodyStart: number; fence: string } | undefined;

  constructor() {
    this.settled = h('div', { class: 'md-settled' });
    this.live = h('div', { class: 'md-live' });
    this.element = h('div', { class: 'markdown' }, this.settled, this.live);
  }

  render(source: string, done: boolean): void {
    if (source.length < this.settledChars) this.clear();
    else if (source.length === this.renderedLength && !done) return;
    if (!done && this.liveCode && this.liveFence && this.renderedLength > 0) {
      // Fast path: more lines of an open code block need no markdown parsing at all.
      const fence = this.liveFence;
      const scanFrom = Math.max(fence.bodyStart, source.lastIndexOf('\n', this.renderedLength - 1) + 1);
      if (!hasClosingFence(source, scanFrom, fence.fence)) {
        this.renderedLength = source.length;
        const text = source.slice(fence.bodyStart);
        this.liveCode.update(text.endsWith('\n') ? text.slice(0, -1) : text, performance.now(), false);
        return;
      }
    }
    this.renderedLength = source.length;
    this.liveFence = undefined;
    const pending = source.slice(this.settledChars);
    const tokens: TokensList = markdown.lexer(pending);
    if (done) {
      this.settle(tokens);
      this.settledChars = source.length;
      this.live.replaceChildren();
      this.liveCode = undefined;
      return;
    }
    let last = tokens.length - 1;
    while (last >= 0 && tokens[last]?.type === 'space') last--;
    // Everything before the last block is finished; settle it if its raw text lines up with the source.
    let offset = 0;
    let count = 0;
    while (count < last) {
      const raw = (tokens[count] as Token).raw;
      if (!pending.startsWith(raw, offset)) break;
      offset += raw.length;
      count++;
    }
    if (count > 0) {
      this.settle(tokens.slice(0, count));
      this.settledChars += offset;
    }
    const rest = tokens.slice(count).filter((t) => t.type !== 'space');
    const only = rest.length === 1 ? rest[0] : undefined;
    if (only && only.type === 'code' && only.codeBlockStyle !== 'indented') {
      const language = fenceLanguage(only.lang);
      if (!this.liveCode || !this.liveCode.sameLanguage(language) || this.live.firstChild !== this.liveCode.element) {
        this.liveCode = new LiveCodeBlock(language);
        this.live.replaceChildren(this.liveCode.element);
      }
      const open = isOpenFence(only);
      this.liveCode.update(only.text, performance.now(), !open);
      const firstLineEnd = only.raw.indexOf('\n');
      const fence = /^(`{3,}|~{3,})/.exec(only.raw)?.[1];
      if (open && fence && firstLineEnd >= 0 && source.endsWith(only.raw)) {
        this.liveFence = { bodyStart: source.length - only.raw.length + firstLineEnd + 1, fence };
      }
      return;
    }
    this.liveCode = undefined;
    this.live.replaceChildren(renderTokens(rest));
  }

  private settle(tokens: Token[]): void {
    const blocks = tokens.filter((t) => t.type !== 'space');
    if (blocks.length === 0) return;
    const first = blocks[0] as Token;
    // A code block that was streaming is finished: keep its element rather than highlighting it again.
    if (this.liveCode && first.type === 'code' && this.live.firstChild === this.liveCode.element) {
      this.liveCode.update(first.text, performance.now(), true);
      this.settled.append(this.liveCode.element);
      this.liveCode = undefined;
      blocks.shift();
    }
    if (blocks.length > 0) this.settled.append(renderTokens(blocks));
  }

  private clear(): void {
    this.liveFence = undefined;
    this.settled.replaceChildren();
    this.live.replaceChildren();
    this.liveCode = undefined;
    this.settledChars = 0;
    this.renderedLength = -1;
  }
}
