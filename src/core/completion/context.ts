// What the model sees: windows of the text around the cursor sized by a token budget and cut at
// line boundaries, plus excerpts of recently viewed files that look like the code at the cursor.
import type { Clock } from '../ports';
import type { CodeSnippet } from './fimTemplates';

/** Characters per token for code; close enough for budgeting without a tokenizer. */
export const CHARS_PER_TOKEN = 3.5;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function charsFor(tokens: number): number {
  return Math.max(0, Math.floor(tokens * CHARS_PER_TOKEN));
}

export interface ContextBudget {
  /** Whole prompt, in estimated tokens. */
  maxTokens: number;
  /** Share of maxTokens for the text before the cursor (plus whatever the suffix leaves unused). */
  prefixShare: number;
  /** Share of maxTokens for the text after the cursor. */
  suffixShare: number;
  /** Snippets are only gathered when at least this many tokens are left. */
  minSnippetTokens: number;
  maxSnippets: number;
}

export const DEFAULT_CONTEXT_BUDGET: Readonly<ContextBudget> = Object.freeze({
  maxTokens: 1536,
  prefixShare: 0.6,
  suffixShare: 0.2,
  minSnippetTokens: 64,
  maxSnippets: 3,
});

export interface RecentFile {
  path: string;
  text: string;
}

export interface ContextInput {
  /** All document text before the cursor. */
  prefix: string;
  /** All document text after the cursor. */
  suffix: string;
  filePath: string;
  languageId: string;
  recentFiles?: readonly RecentFile[];
  budget?: ContextBudget;
}

export interface CompletionContext {
  prefix: string;
  suffix: string;
  filePath: string;
  languageId: string;
  snippets: CodeSnippet[];
  tokens: { prefix: number; suffix: number; snippets: number };
  prefixTruncated: boolean;
  suffixTruncated: boolean;
  /** The snippet search hit the deadline and returned what it had. */
  timedOut: boolean;
}

/** The end of `prefix` within `maxTokens`, starting at a line start (mid-line only if one line is too long). */
export function windowPrefix(prefix: string, maxTokens: number): string {
  const maxChars = charsFor(maxTokens);
  if (prefix.length <= maxChars) return prefix;
  const earliest = prefix.length - maxChars;
  const lineBreak = prefix.indexOf('\n', earliest - 1);
  if (lineBreak === -1) return prefix.slice(earliest);
  return prefix.slice(lineBreak + 1);
}

/** The start of `suffix` within `maxTokens`, ending after a line break (mid-line only if one line is too long). */
export function windowSuffix(suffix: string, maxTokens: number): string {
  const maxChars = charsFor(maxTokens);
  if (suffix.length <= maxChars) return suffix;
  const lineBreak = maxChars > 0 ? suffix.lastIndexOf('\n', maxChars - 1) : -1;
  if (lineBreak === -1) return suffix.slice(0, maxChars);
  return suffix.slice(0, lineBreak + 1);
}

/** Builds the model's view of the cursor. The snippet search stops at `deadline` (Clock.monotonic ms). */
export function gatherContext(input: ContextInput, deadline: number, clock: Clock, retriever?: SnippetRetriever): CompletionContext {
  const budget = input.budget ?? DEFAULT_CONTEXT_BUDGET;
  const suffix = windowSuffix(input.suffix, budget.maxTokens * budget.suffixShare);
  const suffixTokens = estimateTokens(suffix);
  const unusedSuffix = Math.max(0, budget.maxTokens * budget.suffixShare - suffixTokens);
  const prefix = windowPrefix(input.prefix, budget.maxTokens * budget.prefixShare + unusedSuffix);
  const prefixTokens = estimateTokens(prefix);
  const left = budget.maxTokens - prefixTokens - suffixTokens;

  let snippets: CodeSnippet[] = [];
  let timedOut = false;
  const others = (input.recentFiles ?? []).filter((f) => f.path !== input.filePath && f.text.length > 0);
  if (retriever && others.length > 0 && left >= budget.minSnippetTokens && budget.maxSnippets > 0) {
    const found = retriever.find(queryText(prefix, suffix), others, left, budget.maxSnippets, deadline, clock);
    snippets = found.snippets;
    timedOut = found.timedOut;
  }
  return {
    prefix,
    suffix,
    filePath: input.filePath,
    languageId: input.languageId,
    snippets,
    tokens: { prefix: prefixTokens, suffix: suffixTokens, snippets: snippets.reduce((n, s) => n + snippetTokens(s), 0) },
    prefixTruncated: prefix.length < input.prefix.length,
    suffixTruncated: suffix.length < input.suffix.length,
    timedOut,
  };
}

const QUERY_LINES_BEFORE = 20;
const QUERY_LINES_AFTER = 5;

/** The lines around the cursor that a snippet should resemble. */
function queryText(prefix: string, suffix: string): string {
  let start = prefix.length;
  for (let i = 0; i < QUERY_LINES_BEFORE && start > 0; i++) start = prefix.lastIndexOf('\n', start - 2) + 1;
  let end = 0;
  for (let i = 0; i < QUERY_LINES_AFTER && end < suffix.length; i++) {
    const next = suffix.indexOf('\n', end);
    end = next === -1 ? suffix.length : next + 1;
  }
  return prefix.slice(start) + suffix.slice(0, end);
}

// Words every file shares say nothing about relatedness.
const STOP_WORDS = new Set(
  (
    'if else for while do return const let var function class new this true false null undefined import export from ' +
    'as async await of in is not and or def self none pass elif try catch finally throw throws public private ' +
    'protected static void int string number boolean type interface extends implements readonly with yield break continue'
  ).split(' '),
);

export function identifierSet(text: string): Set<string> {
  const ids = new Set<string>();
  for (const match of text.matchAll(/[A-Za-z_$][A-Za-z0-9_$]*/g)) {
    const word = match[0];
    if (word.length >= 2 && !STOP_WORDS.has(word)) ids.add(word);
  }
  return ids;
}

export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let shared = 0;
  for (const word of small) if (large.has(word)) shared++;
  return shared / (a.size + b.size - shared);
}

function snippetTokens(snippet: CodeSnippet): number {
  // The path line and separators cost a few tokens too.
  return estimateTokens(snippet.text) + estimateTokens(snippet.path) + 4;
}

interface FileWindow {
  startLine: number;
  endLine: number;
  ids: Set<string>;
}

interface FileIndex {
  text: string;
  lineStarts: number[];
  windows: FileWindow[];
  /** First line of the next window to index; the index is complete when this reaches the end. */
  nextLine: number;
}

export interface SnippetRetrieverOptions {
  /** Indexed files kept between calls (least recently used dropped first). */
  maxIndexedFiles: number;
  windowLines: number;
  strideLines: number;
  /** Windows less similar than this are never offered. */
  minScore: number;
}

export const DEFAULT_RETRIEVER_OPTIONS: Readonly<SnippetRetrieverOptions> = Object.freeze({
  maxIndexedFiles: 20,
  windowLines: 20,
  strideLines: 10,
  minScore: 0.08,
});

/** Finds excerpts of other files by Jaccard similarity over identifiers; keeps a small per-file index. */
export class SnippetRetriever {
  private readonly options: SnippetRetrieverOptions;
  private readonly indexes = new Map<string, FileIndex>();

  constructor(options: Partial<SnippetRetrieverOptions> = {}) {
    this.options = { ...DEFAULT_RETRIEVER_OPTIONS, ...options };
  }

  get indexedFiles(): number {
    return this.indexes.size;
  }

  find(
    query: string,
    files: readonly RecentFile[],
    maxTokens: number,
    maxSnippets: number,
    deadline: number,
    clock: Clock,
  ): { snippets: CodeSnippet[]; timedOut: boolean } {
    const queryIds = identifierSet(query);
    const candidates: Array<{ score: number; path: string; index: FileIndex; window: FileWindow }> = [];
    let timedOut = false;
    for (const file of files) {
      if (clock.monotonic() > deadline) {
        timedOut = true;
        break;
      }
      const index = this.indexFor(file, deadline, clock);
      // A file indexed only in part still offers the windows it has; the rest is indexed next time.
      if (index.nextLine < index.lineStarts.length) timedOut = true;
      for (const window of index.windows) {
        const score = jaccard(queryIds, window.ids);
        if (score >= this.options.minScore) candidates.push({ score, path: file.path, index, window });
      }
    }
    candidates.sort((a, b) => b.score - a.score);

    const snippets: CodeSnippet[] = [];
    const taken: Array<{ path: string; window: FileWindow }> = [];
    let budget = maxTokens;
    for (const c of candidates) {
      if (snippets.length >= maxSnippets) break;
      const overlaps = taken.some(
        (t) => t.path === c.path && t.window.startLine < c.window.endLine && c.window.startLine < t.window.endLine,
      );
      if (overlaps) continue;
      const { lineStarts, text } = c.index;
      const end = c.window.endLine < lineStarts.length ? lineStarts[c.window.endLine] : text.length;
      const snippet = { path: c.path, text: text.slice(lineStarts[c.window.startLine], end) };
      const cost = snippetTokens(snippet);
      if (cost > budget) continue;
      budget -= cost;
      snippets.push(snippet);
      taken.push({ path: c.path, window: c.window });
    }
    return { snippets, timedOut };
  }

  /** The file's index, (re)built as far as the deadline allows; work done is kept for the next call. */
  private indexFor(file: RecentFile, deadline: number, clock: Clock): FileIndex {
    let index = this.indexes.get(file.path);
    if (!index || index.text !== file.text) {
      const lineStarts = [0];
      for (let i = file.text.indexOf('\n'); i !== -1; i = file.text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
      if (lineStarts[lineStarts.length - 1] === file.text.length) lineStarts.pop();
      index = { text: file.text, lineStarts, windows: [], nextLine: 0 };
    }
    this.indexes.delete(file.path);
    this.indexes.set(file.path, index);
    while (this.indexes.size > this.options.maxIndexedFiles) {
      const oldest = this.indexes.keys().next().value;
      if (oldest === undefined) break;
      this.indexes.delete(oldest);
    }
    const { windowLines, strideLines } = this.options;
    const { lineStarts, text } = index;
    let built = 0;
    while (index.nextLine < lineStarts.length) {
      if (built++ % 8 === 7 && clock.monotonic() > deadline) break;
      const start = index.nextLine;
      const endLine = Math.min(start + windowLines, lineStarts.length);
      const end = endLine < lineStarts.length ? lineStarts[endLine] : text.length;
      index.windows.push({ startLine: start, endLine, ids: identifierSet(text.slice(lineStarts[start], end)) });
      index.nextLine = endLine === lineStarts.length ? lineStarts.length : start + strideLines;
    }
    return index;
  }
}
