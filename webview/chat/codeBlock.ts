// A code block in an answer: its toolbar, its text as blocks of lines (highlighted up to a cap, plain
// beyond, shown up to a limit), and the full text for Copy / Insert / Apply, which may be more than it shows.
import { CODE_CHUNK_LINES, chunkedCodeHtml, codeChunkHtml } from './codeChunks';
import { button, h } from '../common/dom';
import { HIGHLIGHT_MAX_CHARS, highlightCode } from './highlight';

/**
 * A block up to this long (an answer's first part, 200 KB) is laid out whole, so all of its text counts as
 * rendered (innerText, selection, the tests); a longer one lays out its line blocks only near the viewport.
 */
export const LAZY_LAYOUT_MIN_CHARS = 200_000;

/** Code characters highlighted in one task: highlight.js costs about 1–2 ms per KB, so this keeps a task near 50 ms. */
export const HIGHLIGHT_TASK_CHARS = HIGHLIGHT_MAX_CHARS;

let highlightBudget = HIGHLIGHT_TASK_CHARS;

/** Starts a task's highlighting allowance (at the start of each render slice; 0 defers all of it). */
export function beginHighlightSlice(budget = HIGHLIGHT_TASK_CHARS): void {
  highlightBudget = budget;
}

/** Whether `chars` more code may be highlighted in this task; spends them if so. */
export function takeHighlightBudget(chars: number): boolean {
  const cost = Math.min(chars, HIGHLIGHT_MAX_CHARS);
  if (cost > highlightBudget) return false;
  highlightBudget -= cost;
  return true;
}

interface DeferredHighlight {
  /** What must come near the viewport before it is worth highlighting. */
  element: Element;
  chars: number;
  run(): void;
}

const waiting = new WeakMap<Element, DeferredHighlight>();
const ready: DeferredHighlight[] = [];
let readyTimer: ReturnType<typeof setTimeout> | undefined;
let nearViewport: IntersectionObserver | undefined;

/** Highlights later what did not fit in the task that rendered it: once it nears the viewport, a task's allowance at a time. */
function deferHighlight(job: DeferredHighlight): void {
  nearViewport ??= new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const near = waiting.get(entry.target);
        if (!entry.isIntersecting || !near) continue;
        waiting.delete(entry.target);
        nearViewport?.unobserve(entry.target);
        ready.push(near);
      }
      readyTimer ??= setTimeout(runReady, 0);
    },
    { rootMargin: '800px 0px' },
  );
  waiting.set(job.element, job);
  nearViewport.observe(job.element);
}

function runReady(): void {
  readyTimer = undefined;
  beginHighlightSlice();
  while (ready.length > 0) {
    const job = ready[0] as DeferredHighlight;
    if (!job.element.isConnected) {
      ready.shift();
      continue;
    }
    if (!takeHighlightBudget(job.chars)) break;
    ready.shift();
    job.run();
  }
  if (ready.length > 0) readyTimer = setTimeout(runReady, 0);
}

/** Highlighted HTML for a `<code>` that marked rendered, now or (when this task's allowance is spent) later. */
export function codeInnerHtml(code: string, language: string | undefined): { html: string; language: string | undefined; later: boolean } {
  if (!takeHighlightBudget(code.length))
    return { html: chunkedCodeHtml(highlightCode(code, undefined, { autoDetect: false }).html), language, later: true };
  const highlighted = highlightCode(code, language, { autoDetect: true });
  return { html: chunkedCodeHtml(highlighted.html), language: language ?? highlighted.language, later: false };
}

/** Queues the highlighting of a `<code>` rendered plain because its task had highlighted enough. */
export function highlightLater(code: HTMLElement): void {
  const text = code.textContent ?? '';
  const language = code.dataset['lang'] || undefined;
  deferHighlight({
    element: code,
    chars: text.length,
    // highlight.js escapes the text itself and adds only its own span markup.
    run: () => (code.innerHTML = chunkedCodeHtml(highlightCode(text, language, { autoDetect: false }).html)),
  });
}

const fullText = new WeakMap<Element, () => string>();

/** The whole code of a `.code-block`, including any part it does not show. */
export function codeBlockText(block: Element): string {
  return fullText.get(block)?.() ?? block.querySelector('pre > code')?.textContent ?? '';
}

/** Wraps `<pre><code>` in a block with a language label and Copy / Insert / Apply buttons (handled by delegation). */
export function decorateCodeBlock(code: HTMLElement): HTMLElement {
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

interface CodeChunk {
  element: HTMLElement;
  newlines: number;
  /** The highlighted HTML it shows; undefined once plain text was appended. */
  html: string | undefined;
}

function countNewlines(text: string, from = 0): number {
  let n = 0;
  for (let i = text.indexOf('\n', from); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The longest prefix of `text` within `limit` characters that ends at a line end (or the limit, for one huge line). */
function shownPart(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.lastIndexOf('\n', limit);
  return text.slice(0, cut > 0 ? cut : limit);
}

/**
 * A code block that may grow (streaming) and may show only its first part. Highlighting the whole
 * block on every frame would cost O(size) per frame, so new text is appended plainly and the block is
 * re-highlighted at most once per few frames (about a ninth of the time at most), only its first
 * HIGHLIGHT_MAX_CHARS, replacing only the line blocks whose HTML changed.
 */
export class CodeBlockView {
  readonly element: HTMLElement;
  private readonly code: HTMLElement;
  private readonly pre: HTMLElement;
  private readonly chunks: CodeChunk[] = [];
  private text = '';
  private textNewlines = 0;
  private finished = false;
  private limit = Infinity;
  private shownText = '';
  private highlightedText: string | undefined;
  private highlightedAt = -Infinity;
  private highlightCostMs = 0;
  private highlightQueued = false;
  private moreNote: HTMLElement | undefined;

  constructor(private readonly language: string | undefined) {
    this.code = h('code', { class: `hljs${language ? ` language-${language}` : ''}`, 'data-lang': language ?? '' });
    this.element = decorateCodeBlock(this.code);
    this.pre = this.code.parentElement as HTMLElement;
    fullText.set(this.element, () => this.text);
  }

  sameLanguage(language: string | undefined): boolean {
    return this.language === language;
  }

  /** Characters of the code it does not show. */
  get hiddenChars(): number {
    return this.text.length - this.shownText.length;
  }

  get shownChars(): number {
    return this.shownText.length;
  }

  /** Shows at most `limit` characters (cut at a line end); the rest stays for the buttons. */
  setLimit(limit: number): void {
    if (limit === this.limit) return;
    this.limit = limit;
    if (this.text !== '' || this.finished) this.show(performance.now(), false);
  }

  /** `finished`: the closing fence arrived, so the shown part must end up highlighted (up to the cap). */
  update(text: string, now: number, finished: boolean): void {
    if (text === this.text && finished === this.finished && this.shownText === shownPart(text, this.limit)) return;
    this.textNewlines =
      text.length > this.text.length && text.startsWith(this.text)
        ? this.textNewlines + countNewlines(text, this.text.length)
        : countNewlines(text);
    this.text = text;
    this.finished = finished;
    // Its line blocks are laid out and painted only near the viewport (media/chat/answer.css).
    if (text.length > LAZY_LAYOUT_MIN_CHARS) this.element.classList.add('code-block-long');
    this.show(now, false);
  }

  private show(now: number, fromQueue: boolean): void {
    const shown = shownPart(this.text, this.limit);
    const target = shownPart(shown, HIGHLIGHT_MAX_CHARS);
    const appendOnly = shown.startsWith(this.shownText);
    const wanted = target !== this.highlightedText;
    const due = fromQueue || this.finished || !appendOnly || now - this.highlightedAt >= Math.max(50, 8 * this.highlightCostMs);
    if (wanted && due && (fromQueue || takeHighlightBudget(target.length))) {
      const started = performance.now();
      this.highlight(target);
      this.highlightCostMs = performance.now() - started;
      this.highlightedAt = now;
      this.shownText = target;
    } else if (!appendOnly) {
      for (const chunk of this.chunks.splice(0)) chunk.element.remove();
      this.shownText = '';
      this.highlightedText = undefined;
    }
    if (wanted && due && this.highlightedText !== target && !this.highlightQueued) {
      this.highlightQueued = true;
      deferHighlight({
        element: this.pre,
        chars: target.length,
        run: () => {
          this.highlightQueued = false;
          this.show(performance.now(), true);
        },
      });
    }
    if (shown.length > this.shownText.length) this.appendPlain(shown.slice(this.shownText.length));
    this.shownText = shown;
    this.showMoreNote();
  }

  private showMoreNote(): void {
    const hiddenLines = this.hiddenChars > 0 ? this.textNewlines - countNewlines(this.shownText) : 0;
    if (this.hiddenChars === 0) {
      this.moreNote?.remove();
      this.moreNote = undefined;
      return;
    }
    this.moreNote ??= h('div', { class: 'code-more' });
    const text = `⋯ ${hiddenLines.toLocaleString('en-US')} more line${hiddenLines === 1 ? '' : 's'} not shown (Copy and Apply take them all)`;
    if (this.moreNote.textContent !== text) this.moreNote.textContent = text;
    if (this.moreNote.previousSibling !== this.pre) this.pre.after(this.moreNote);
  }

  private highlight(text: string): void {
    const chunkHtml = codeChunkHtml(highlightCode(text, this.language, { autoDetect: false }).html);
    const newlines = countNewlines(text);
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
