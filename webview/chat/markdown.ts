// Model output → safe DOM: marked for markdown, highlight.js for code, DOMPurify as the last word.
// Streaming re-renders only the unfinished tail: finished blocks are rendered once and kept. A huge
// answer shows its first FIRST_SHOWN_CHARS (cut between blocks) and offers Show more / Show all, which
// render the rest in slices that yield to the event loop between them.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import type { Token } from 'marked';
import { button, h } from '../common/dom';
import { CodeBlockView, beginHighlightSlice, codeInnerHtml, decorateCodeBlock, highlightLater } from './codeBlock';
import { escapeHtml, fenceLanguage } from './highlight';
import { formatSize } from './format';

const markdown = new Marked({
  gfm: true,
  breaks: false,
  renderer: {
    code({ text, lang }) {
      const highlighted = codeInnerHtml(text, fenceLanguage(lang));
      return codeHtml(highlighted.html, highlighted.language, highlighted.later);
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

function codeHtml(chunkedHtml: string, language: string | undefined, later: boolean): string {
  const lang = language ? escapeHtml(language.replace(/[^\w+#.-]/g, '')) : '';
  const attributes = `class="hljs${lang ? ` language-${lang}` : ''}" data-lang="${lang}"${later ? ' data-highlight="later"' : ''}`;
  return `<pre><code ${attributes}>${chunkedHtml}</code></pre>\n`;
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
  for (const code of fragment.querySelectorAll<HTMLElement>('pre > code')) {
    decorateCodeBlock(code);
    if (code.dataset['highlight'] === 'later') {
      delete code.dataset['highlight'];
      highlightLater(code);
    }
  }
  return fragment;
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

/** What an answer shows at first: all of any ordinary answer, a bounded part of a huge one. */
export const FIRST_SHOWN_CHARS = 200_000;
/** What each Show more adds. */
export const MORE_SHOWN_CHARS = 200_000;
/** Markdown lexed at a time ahead of what is rendered (a longer block widens it). */
const LEX_WINDOW_CHARS = 32_000;
/** Blocks rendered by one marked + DOMPurify pass. */
const BATCH_CHARS = 16_000;
/** A code block this long gets its own view, which can show part of it and extend it in steps. */
const BIG_CODE_CHARS = 16_000;
/** A code block cut by the limit still shows about this much. */
const MIN_CODE_SHOWN_CHARS = 4_000;
/** Code characters one step adds to a partly shown block. */
const CODE_STEP_CHARS = 64_000;
/** Past the first part, blocks go in groups of about this much source, which the browser lays out only near the viewport. */
const GROUP_CHARS = 64_000;
/** Work per slice past the first part, before yielding to the event loop. */
const SLICE_MS = 25;

/**
 * A fenced code block opening at `from` (after blank lines) that is too long to lex in one go, as the
 * tokens marked would make of it (blank lines, then the block), without running the lexer over it.
 */
function longFence(source: string, from: number): Token[] | undefined {
  let start = from;
  while (start < source.length) {
    const lineEnd = source.indexOf('\n', start);
    if (source.slice(start, lineEnd < 0 ? source.length : lineEnd).trim() !== '') break;
    if (lineEnd < 0) return undefined;
    start = lineEnd + 1;
  }
  const headEnd = source.indexOf('\n', start);
  if (headEnd < 0) return undefined;
  const open = /^( {0,3})(`{3,}|~{3,})([^\n]*)$/.exec(source.slice(start, headEnd));
  if (!open || (open[2]?.[0] === '`' && open[3]?.includes('`'))) return undefined;
  const indent = (open[1] as string).length;
  const fence = open[2] as string;
  let close = -1;
  let closeEnd = source.length;
  for (let at = headEnd; at >= 0 && close < 0;) {
    const next = source.indexOf('\n', at + 1);
    const line = source.slice(at + 1, next < 0 ? source.length : next);
    const body = line.trimStart();
    if (line.length - body.length <= 3 && body.trimEnd().length >= fence.length && [...body.trimEnd()].every((ch) => ch === fence[0])) {
      close = at;
      closeEnd = next < 0 ? source.length : next;
    }
    at = next;
  }
  if (closeEnd - from <= LEX_WINDOW_CHARS) return undefined;
  let text = source.slice(headEnd + 1, close < 0 ? source.length : close);
  if (close < 0 && text.endsWith('\n')) text = text.slice(0, -1);
  if (indent > 0) text = text.replace(new RegExp(`^ {1,${indent}}`, 'gm'), '');
  const lang = (open[3] as string).trim();
  const code = { type: 'code', raw: source.slice(start, closeEnd), lang, text } as Token;
  return start > from ? [{ type: 'space', raw: source.slice(from, start) }, code] : [code];
}

/** The rendered body of one answer; call `render` with the whole text so far as often as it changes. */
export class StreamingMarkdownView {
  readonly element: HTMLElement;
  /** Goes under the answer: how much of it is shown, with Show more and Show all; hidden while all of it is. */
  readonly more: HTMLElement;
  private readonly settled: HTMLElement;
  private readonly live: HTMLElement;
  private readonly moreText: HTMLElement;
  private readonly moreButtons: HTMLElement;
  private source = '';
  private done = false;
  /** Characters of the source rendered into `settled` (always at a block boundary). */
  private settledChars = 0;
  /** Finished blocks lexed but not rendered yet, and where the source after them starts. */
  private readonly queue: Token[] = [];
  private lexedTo = 0;
  /** The unfinished last block(s) from the latest lexing, when that lexing reached the end of the source. */
  private tail: Token[] = [];
  private tailFresh = false;
  private renderedLength = -1;
  private liveCode: CodeBlockView | undefined;
  /** Where the live code block's text starts in the source, and its fence, while no closing fence can have arrived. */
  private liveFence: { bodyStart: number; fence: string } | undefined;
  /** Source characters that may be shown; Show more and Show all raise it. */
  private limit = FIRST_SHOWN_CHARS;
  /** A settled code block that shows only its first part, and where it starts in the source. */
  private partial: { view: CodeBlockView; start: number } | undefined;
  private continuation: ReturnType<typeof setTimeout> | undefined;
  private group: { element: HTMLElement; chars: number } | undefined;

  constructor() {
    this.settled = h('div', { class: 'md-settled' });
    this.live = h('div', { class: 'md-live' });
    this.element = h('div', { class: 'markdown' }, this.settled, this.live);
    const showMore = button('Show more', {
      class: 'more-action',
      'data-action': 'showMore',
      title: `Show the next ${formatSize(MORE_SHOWN_CHARS)} of this answer`,
    });
    const showAll = button('Show all', {
      class: 'more-action',
      'data-action': 'showAll',
      title: 'Show the whole answer (rendered in steps)',
    });
    showMore.addEventListener('click', () => this.showMore());
    showAll.addEventListener('click', () => this.showAll());
    this.moreText = h('span', { class: 'more-text' });
    this.moreButtons = h('span', { class: 'more-buttons' }, showMore, showAll);
    this.more = h(
      'div',
      { class: 'answer-more', role: 'group', 'aria-label': 'Rest of the answer', hidden: true },
      this.moreText,
      this.moreButtons,
    );
  }

  render(text: string, done: boolean): void {
    // marked reads CR LF as LF; so does this view, or the blocks it lexes would not line up with the source.
    const source = text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
    if (source.length < this.lexedTo) this.clear();
    else if (source.length === this.renderedLength && (!done || this.done)) return;
    this.source = source;
    this.done = done;
    this.pump();
  }

  /** Shows the next MORE_SHOWN_CHARS, in slices. */
  showMore(): void {
    this.limit = Math.max(this.limit, this.shownEnd()) + MORE_SHOWN_CHARS;
    this.pump();
  }

  /** Shows everything, in slices. */
  showAll(): void {
    this.limit = Infinity;
    this.pump();
  }

  /** Renders what the limit allows: a finished answer's first part at once, anything else in slices of about SLICE_MS. */
  private pump(): void {
    if (this.continuation !== undefined) clearTimeout(this.continuation);
    this.continuation = undefined;
    // Past the first part, code is highlighted only once it comes near the viewport.
    beginHighlightSlice(this.settledChars < FIRST_SHOWN_CHARS ? undefined : 0);
    const started = performance.now();
    const source = this.source;
    this.tailFresh = false;
    if (!this.done && this.liveCode && this.liveFence && this.renderedLength > 0 && this.queue.length === 0 && !this.partial) {
      // Fast path: more lines of an open code block need no markdown parsing at all.
      const fence = this.liveFence;
      const scanFrom = Math.max(fence.bodyStart, source.lastIndexOf('\n', this.renderedLength - 1) + 1);
      if (!hasClosingFence(source, scanFrom, fence.fence)) {
        this.renderedLength = source.length;
        const text = source.slice(fence.bodyStart);
        this.liveCode.setLimit(this.codeLimit(fence.bodyStart));
        this.liveCode.update(text.endsWith('\n') ? text.slice(0, -1) : text, performance.now(), false);
        this.showProgress();
        return;
      }
    }
    this.renderedLength = source.length;
    this.liveFence = undefined;
    // Only a finished answer's first part renders in one go (history shows whole, as before); the rest yields every SLICE_MS.
    const sliceOver = () => (!this.done || this.settledChars >= FIRST_SHOWN_CHARS) && performance.now() - started > SLICE_MS;
    for (;;) {
      if (this.partial) {
        const { view, start } = this.partial;
        const want = this.codeLimit(start);
        const next = Math.min(want, view.shownChars + CODE_STEP_CHARS);
        if (view.hiddenChars > 0 && next > view.shownChars) view.setLimit(next);
        if (view.hiddenChars === 0) this.partial = undefined;
        else if (next >= want) break;
        else if (sliceOver()) {
          this.continueSoon();
          break;
        } else continue;
      }
      if (this.settledChars >= this.limit) break;
      if (sliceOver()) {
        this.continueSoon();
        break;
      }
      if (this.queue.length === 0 && !this.lexMore()) break;
      this.settleNext();
    }
    this.renderLive();
    this.showProgress();
  }

  private continueSoon(): void {
    this.continuation = setTimeout(() => {
      this.continuation = undefined;
      if (this.element.isConnected) this.pump();
    }, 0);
  }

  /** How many characters of a code block starting at `start` the limit lets it show. */
  private codeLimit(start: number): number {
    return Math.max(MIN_CODE_SHOWN_CHARS, this.limit - start);
  }

  /** Where in the source what is shown ends. */
  private shownEnd(): number {
    if (this.partial) return this.partial.start + this.partial.view.shownChars;
    if (this.liveFence && this.liveCode) return this.liveFence.bodyStart + this.liveCode.shownChars;
    return this.settledChars;
  }

  /** Lexes a window past the lexed part; queues its finished blocks. False when none are finished yet. */
  private lexMore(): boolean {
    const source = this.source;
    const from = this.lexedTo;
    this.tail = [];
    this.tailFresh = true;
    if (from >= source.length) return false;
    const fenced = longFence(source, from);
    if (fenced) {
      const code = fenced.at(-1) as Token;
      const end = from + fenced.reduce((n, t) => n + t.raw.length, 0);
      // Finished once its closing fence is in (an open one is the live block, as it would be from the lexer).
      if (end < source.length || this.done || !isOpenFence(code)) {
        this.queue.push(...fenced);
        this.lexedTo = end;
        return true;
      }
      this.tail = fenced;
      return false;
    }
    let end = from + LEX_WINDOW_CHARS;
    for (;;) {
      if (end < source.length) {
        const lineEnd = source.indexOf('\n', end);
        end = lineEnd < 0 ? source.length : lineEnd + 1;
      }
      const atEnd = end >= source.length;
      const pending = source.slice(from, end);
      const tokens = markdown.lexer(pending);
      if (atEnd && this.done) {
        this.queue.push(...tokens);
        this.lexedTo = source.length;
        return tokens.length > 0;
      }
      let last = tokens.length - 1;
      while (last >= 0 && tokens[last]?.type === 'space') last--;
      // Everything before the last block is finished, if its raw text lines up with the source.
      let offset = 0;
      let count = 0;
      while (count < last) {
        const raw = (tokens[count] as Token).raw;
        if (!pending.startsWith(raw, offset)) break;
        offset += raw.length;
        count++;
      }
      if (count > 0 || atEnd) {
        this.queue.push(...tokens.slice(0, count));
        this.lexedTo = from + offset;
        if (atEnd) this.tail = tokens.slice(count);
        return count > 0;
      }
      // One block longer than the window: widen it.
      end = Math.min(source.length, from + 2 * (end - from));
    }
  }

  /** Renders the next finished block(s) from the queue into `settled`. */
  private settleNext(): void {
    const first = this.queue[0] as Token;
    if (first.type === 'code') {
      // A code block that was streaming is finished: keep its element rather than rendering it again.
      const reuse = this.liveCode && this.live.firstChild === this.liveCode.element ? this.liveCode : undefined;
      const limit = this.codeLimit(this.settledChars);
      if (reuse || first.text.length > BIG_CODE_CHARS || first.text.length > limit) {
        this.queue.shift();
        const view = reuse ?? new CodeBlockView(fenceLanguage(first.lang));
        this.liveCode = undefined;
        view.setLimit(limit);
        view.update(first.text, performance.now(), true);
        this.appendSettled(view.element, first.raw.length);
        if (view.hiddenChars > 0) this.partial = { view, start: this.settledChars };
        this.settledChars += first.raw.length;
        return;
      }
    }
    const batch: Token[] = [];
    let chars = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0] as Token;
      if (batch.length > 0) {
        const bigCode =
          next.type === 'code' && (next.text.length > BIG_CODE_CHARS || next.text.length > this.codeLimit(this.settledChars + chars));
        if (bigCode || chars + next.raw.length > BATCH_CHARS || this.settledChars + chars >= this.limit) break;
      }
      batch.push(next);
      this.queue.shift();
      chars += next.raw.length;
    }
    const blocks = batch.filter((t) => t.type !== 'space');
    if (blocks.length > 0) this.appendSettled(renderTokens(blocks), chars);
    this.settledChars += chars;
  }

  private appendSettled(node: Node, chars: number): void {
    if (this.settledChars < FIRST_SHOWN_CHARS) return this.settled.append(node);
    if (!this.group || this.group.chars >= GROUP_CHARS) {
      this.group = { element: h('div', { class: 'md-group' }), chars: 0 };
      this.settled.append(this.group.element);
    }
    this.group.element.append(node);
    this.group.chars += chars;
  }

  /** The unfinished last block, shown while the limit leaves room for it. */
  private renderLive(): void {
    if (this.done || this.settledChars >= this.limit || this.queue.length > 0 || this.partial) {
      this.live.replaceChildren();
      this.liveCode = undefined;
      return;
    }
    if (!this.tailFresh) return;
    const rest = this.tail.filter((t) => t.type !== 'space');
    const only = rest.length === 1 ? rest[0] : undefined;
    if (only && only.type === 'code' && only.codeBlockStyle !== 'indented') {
      const language = fenceLanguage(only.lang);
      if (!this.liveCode || !this.liveCode.sameLanguage(language) || this.live.firstChild !== this.liveCode.element) {
        this.liveCode = new CodeBlockView(language);
        this.live.replaceChildren(this.liveCode.element);
      }
      const open = isOpenFence(only);
      this.liveCode.setLimit(this.codeLimit(this.lexedTo));
      this.liveCode.update(only.text, performance.now(), !open);
      const firstLineEnd = only.raw.indexOf('\n');
      const fence = /^(`{3,}|~{3,})/.exec(only.raw)?.[1];
      if (open && fence && firstLineEnd >= 0 && this.source.endsWith(only.raw)) {
        this.liveFence = { bodyStart: this.source.length - only.raw.length + firstLineEnd + 1, fence };
      }
      return;
    }
    this.liveCode = undefined;
    this.live.replaceChildren(renderTokens(rest));
  }

  /** Says how much is shown and offers the rest; hidden while everything arrived so far is shown. */
  private showProgress(): void {
    const liveHidden = this.liveCode && this.live.firstChild === this.liveCode.element ? this.liveCode.hiddenChars : 0;
    const caughtUp = this.settledChars < this.limit && !this.partial && this.continuation === undefined && this.queue.length === 0;
    const hidden = caughtUp ? liveHidden : this.source.length - this.settledChars + (this.partial?.view.hiddenChars ?? 0);
    this.more.hidden = hidden <= 0;
    if (hidden <= 0) return;
    const total = this.source.length;
    const rendering = this.limit === Infinity || this.continuation !== undefined;
    const text = `Showing ${formatSize(total - hidden)} of ${formatSize(total)}${this.done ? '' : ' so far'}${rendering ? '…' : '.'}`;
    if (this.moreText.textContent !== text) this.moreText.textContent = text;
    this.moreButtons.hidden = this.limit === Infinity;
  }

  private clear(): void {
    if (this.continuation !== undefined) clearTimeout(this.continuation);
    this.continuation = undefined;
    this.liveFence = undefined;
    this.settled.replaceChildren();
    this.live.replaceChildren();
    this.liveCode = undefined;
    this.partial = undefined;
    this.queue.length = 0;
    this.tail = [];
    this.settledChars = 0;
    this.lexedTo = 0;
    this.renderedLength = -1;
    this.limit = FIRST_SHOWN_CHARS;
    this.group = undefined;
  }
}
