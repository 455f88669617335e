// Turns a model's raw fill-in-the-middle answer into what the editor may show: no special tokens,
// no repetition of the code after the cursor, no bracket the suffix already closes, one line when
// mid-line, a capped block at an empty line after a block opener, no trailing whitespace.
import { SPECIAL_TOKEN_PATTERNS } from './fimTemplates';

export type CompletionShape = 'singleLine' | 'multiLine';

/** What post-processing needs to know about the cursor; computed once per request by describeCursor. */
export interface CursorFacts {
  /** Text before the cursor on its line. */
  linePrefix: string;
  /** Text after the cursor on its line. */
  lineSuffix: string;
  /** The first non-blank line after the cursor's line, if any. */
  nextLine: string | null;
  shape: CompletionShape;
  maxLines: number;
  /** Indent width of the line that opened the block (multi-line only). */
  openerIndent: number;
  /** Brackets opened before the cursor and still open, outermost first. */
  openBrackets: string[];
  /** How many of the innermost open brackets the text after the cursor already closes. */
  closedBySuffix: number;
  /** Where the cursor sits for the lexer: in code, a string or a comment. */
  lexState: LexState;
  hashComments: boolean;
  specialTokens: readonly string[];
}

export interface CursorOptions {
  languageId: string;
  specialTokens: readonly string[];
  maxLines?: number;
  /** Forces the shape, e.g. to keep a shown multi-line suggestion multi-line while the user types along it. */
  shape?: CompletionShape;
}

export interface Postprocessed {
  text: string;
  /** A rule cut the answer: more model output cannot change `text`, so the stream may stop. */
  complete: boolean;
  cutBy?: 'specialToken' | 'lineEnd' | 'blockEnd' | 'lineCap' | 'repeatsSuffix' | 'bracket' | 'length';
}

export const DEFAULT_MAX_LINES = 10;
const MAX_COMPLETION_CHARS = 4000;
const PREFIX_SCAN_CHARS = 6000;
const SUFFIX_SCAN_LINES = 40;

const OPENERS = '([{';
const CLOSERS = ')]}';
const PAIR: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

const HASH_COMMENT_LANGUAGES = new Set([
  'python',
  'ruby',
  'shellscript',
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
]);

// ---- a small lexer: brackets outside strings and comments ----

export type LexState = { kind: 'code' } | { kind: 'lineComment' } | { kind: 'blockComment' } | { kind: 'string'; quote: string };

const CODE: LexState = { kind: 'code' };

/**
 * Calls `visit` for each bracket outside strings and comments; `visit` returns false to stop.
 * Returns the state at the end, so a scan can resume where another ended (prefix → completion).
 */
export function scanBrackets(
  text: string,
  hashComments: boolean,
  start: LexState,
  visit: (bracket: string, index: number) => boolean | void,
): LexState {
  let state = start;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text[i];
    switch (state.kind) {
      case 'lineComment':
        if (c === '\n') state = CODE;
        i++;
        continue;
      case 'blockComment':
        if (c === '*' && text[i + 1] === '/') {
          state = CODE;
          i += 2;
        } else i++;
        continue;
      case 'string': {
        if (c === '\\') {
          i += 2;
          continue;
        }
        const q = state.quote;
        if (q.length === 3) {
          if (text.startsWith(q, i)) {
            state = CODE;
            i += 3;
          } else i++;
          continue;
        }
        if (c === q) state = CODE;
        else if (c === '\n' && q !== '`') state = CODE;
        i++;
        continue;
      }
      case 'code':
        break;
    }
    if (hashComments && c === '#') {
      state = { kind: 'lineComment' };
      i++;
    } else if (!hashComments && c === '/' && text[i + 1] === '/') {
      state = { kind: 'lineComment' };
      i += 2;
    } else if (!hashComments && c === '/' && text[i + 1] === '*') {
      state = { kind: 'blockComment' };
      i += 2;
    } else if (c === '"' || c === "'" || c === '`') {
      const triple = hashComments && text.startsWith(c + c + c, i);
      state = { kind: 'string', quote: triple ? c + c + c : c };
      i += triple ? 3 : 1;
    } else {
      if ((OPENERS.includes(c) || CLOSERS.includes(c)) && visit(c, i) === false) return state;
      i++;
    }
  }
  return state;
}

function indentWidth(line: string): number {
  let width = 0;
  for (const c of line) {
    if (c === ' ') width++;
    else if (c === '\t') width += 4;
    else break;
  }
  return width;
}

const BLOCK_OPENER = /(?:[{[(:]|=>|\bthen|\bdo|\bbegin)\s*$/;

/** Scans the text around the cursor once; the result is reused for every chunk of the answer. */
export function describeCursor(prefix: string, suffix: string, options: CursorOptions): CursorFacts {
  const hashComments = HASH_COMMENT_LANGUAGES.has(options.languageId.toLowerCase());
  const lineStart = prefix.lastIndexOf('\n') + 1;
  const linePrefix = prefix.slice(lineStart);
  const lineEnd = suffix.indexOf('\n');
  const lineSuffix = lineEnd === -1 ? suffix : suffix.slice(0, lineEnd);

  let previousLine: string | null = null;
  for (let end = lineStart - 1; end > 0;) {
    const start = prefix.lastIndexOf('\n', end - 1) + 1;
    const line = prefix.slice(start, end);
    if (line.trim() !== '') {
      previousLine = line;
      break;
    }
    end = start - 1;
  }

  const followingLines: string[] = [];
  if (lineEnd !== -1) {
    let at = lineEnd + 1;
    while (at <= suffix.length && followingLines.length < SUFFIX_SCAN_LINES) {
      const next = suffix.indexOf('\n', at);
      followingLines.push(suffix.slice(at, next === -1 ? suffix.length : next));
      if (next === -1) break;
      at = next + 1;
    }
  }
  const nextLine = followingLines.find((l) => l.trim() !== '') ?? null;

  const atEmptyLine = linePrefix.trim() === '' && lineSuffix.trim() === '';
  const opensBlock = previousLine !== null && BLOCK_OPENER.test(stripLineComment(previousLine, hashComments));
  const shape: CompletionShape = options.shape ?? (atEmptyLine && opensBlock ? 'multiLine' : 'singleLine');

  // Start the bracket scan at a line start so a cut string or comment is less likely.
  let scanFrom = Math.max(0, prefix.length - PREFIX_SCAN_CHARS);
  if (scanFrom > 0) scanFrom = prefix.indexOf('\n', scanFrom) + 1 || prefix.length;
  const openBrackets: string[] = [];
  const lexState = scanBrackets(prefix.slice(scanFrom), hashComments, CODE, (b) => {
    if (OPENERS.includes(b)) openBrackets.push(b);
    else if (openBrackets[openBrackets.length - 1] === PAIR[b]) openBrackets.pop();
  });

  return {
    linePrefix,
    lineSuffix,
    nextLine,
    shape,
    maxLines: options.maxLines ?? DEFAULT_MAX_LINES,
    openerIndent: previousLine === null ? 0 : indentWidth(previousLine),
    openBrackets,
    closedBySuffix: countClosedBySuffix(lineSuffix, followingLines, openBrackets, hashComments, lexState),
    lexState,
    hashComments,
    specialTokens: options.specialTokens,
  };
}

/** The line without a trailing comment, so `{ // note` still reads as a block opener. */
function stripLineComment(line: string, hashComments: boolean): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote !== null) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') quote = c;
    else if (hashComments ? c === '#' : c === '/' && (line[i + 1] === '/' || line[i + 1] === '*')) return line.slice(0, i);
  }
  return line;
}

/**
 * How many of the innermost open brackets the suffix closes: every closer on the rest of the cursor's line,
 * then closers that begin the following lines (a `}` on the next line closes the block we are in).
 */
function countClosedBySuffix(
  lineSuffix: string,
  followingLines: readonly string[],
  open: readonly string[],
  hashComments: boolean,
  lexState: LexState,
): number {
  let closed = 0;
  let stopped = false;
  const own: string[] = [];
  const close = (b: string): boolean => {
    if (OPENERS.includes(b)) {
      own.push(b);
      return true;
    }
    if (own.length > 0) {
      if (own[own.length - 1] === PAIR[b]) own.pop();
      return true;
    }
    if (closed < open.length && open[open.length - 1 - closed] === PAIR[b]) {
      closed++;
      return true;
    }
    stopped = true;
    return false;
  };
  const state = scanBrackets(lineSuffix, hashComments, lexState, close);
  if (stopped || state.kind === 'string' || state.kind === 'blockComment' || own.length > 0) return closed;
  for (const line of followingLines) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!CLOSERS.includes(trimmed[0])) break;
    let i = 0;
    while (i < trimmed.length && (CLOSERS.includes(trimmed[i]) || trimmed[i] === ' ')) {
      if (trimmed[i] !== ' ' && !close(trimmed[i])) return closed;
      i++;
    }
    // A line like `} else {` opens a new block: what follows is no longer about ours.
    if (!/^[;,\s]*$/.test(trimmed.slice(i))) break;
  }
  return closed;
}

// ---- the rules ----

export function firstSpecialToken(text: string, tokens: readonly string[]): number {
  let first = -1;
  for (const token of tokens) {
    const at = text.indexOf(token);
    if (at !== -1 && (first === -1 || at < first)) first = at;
  }
  for (const pattern of SPECIAL_TOKEN_PATTERNS) {
    const match = pattern.exec(text);
    if (match && (first === -1 || match.index < first)) first = match.index;
  }
  return first;
}

/**
 * Length of a trailing fragment that could grow into a special token. Shapes no code has (`<|…`, `<｜…`) are
 * always fragments; the start of a listed token (`<fim_`, `[PRE`) only while the model is still writing.
 */
function trailingTokenFragment(text: string, tokens: readonly string[], modelFinished: boolean): number {
  let longest = 0;
  const shaped = /<\|[A-Za-z0-9_]*$|<｜[^｜\n]*$/.exec(text);
  if (shaped) longest = text.length - shaped.index;
  if (!modelFinished) {
    for (const token of tokens) {
      for (let length = Math.min(token.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(token.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
  }
  // A lone `<` or `[` is ordinary code far more often than the start of a token.
  return longest >= 2 ? longest : 0;
}

/** Index of the first closer the completion must not write, or -1. */
function firstBadCloser(text: string, facts: CursorFacts): number {
  const own: string[] = [];
  let available = facts.openBrackets.length;
  let bad = -1;
  scanBrackets(text, facts.hashComments, facts.lexState, (b, index) => {
    if (OPENERS.includes(b)) {
      own.push(b);
      return true;
    }
    if (own.length > 0) {
      if (own[own.length - 1] === PAIR[b]) {
        own.pop();
        return true;
      }
      bad = index;
      return false;
    }
    // A closer for a bracket opened before the cursor: fine unless the suffix closes that bracket already.
    if (facts.closedBySuffix === 0 && available > 0 && facts.openBrackets[available - 1] === PAIR[b]) {
      available--;
      return true;
    }
    bad = index;
    return false;
  });
  return bad;
}

function hasUnclosedOpener(text: string, facts: CursorFacts): boolean {
  const own: string[] = [];
  scanBrackets(text, facts.hashComments, facts.lexState, (b) => {
    if (OPENERS.includes(b)) own.push(b);
    else if (own[own.length - 1] === PAIR[b]) own.pop();
  });
  return own.length > 0;
}

/** Drops the end of a one-line answer that repeats the start of the rest of the line (`foo();` before `;`). */
function withoutRestOfLineRepeat(line: string, facts: CursorFacts): string {
  const rest = facts.lineSuffix.trimStart();
  if (rest === '') return line;
  const body = line.trimEnd();
  for (let length = Math.min(body.length, rest.length); length >= 1; length--) {
    const tail = body.slice(body.length - length);
    if (tail.trim() === '' || !rest.startsWith(tail)) continue;
    const kept = body.slice(0, body.length - length);
    // `f(x)` before `)`: the `)` closes the answer's own bracket, it is not a repeat.
    if (/[)\]}]/.test(tail) && hasUnclosedOpener(kept, facts)) continue;
    return kept;
  }
  return line;
}

function tidy(text: string): string {
  const lines = text.split('\n').map((l) => l.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const joined = lines.join('\n');
  return joined.trim() === '' ? '' : joined;
}

/**
 * Applies every rule to the answer so far. `modelFinished`: the model ended the answer itself (not cut off),
 * so a trailing partial line is final.
 */
export function postprocessCompletion(raw: string, facts: CursorFacts, modelFinished: boolean): Postprocessed {
  let text = raw.includes('\r') ? raw.replace(/\r\n?/g, '\n') : raw;
  let complete = false;
  let cutBy: Postprocessed['cutBy'];
  const cut = (at: number, why: NonNullable<Postprocessed['cutBy']>) => {
    text = text.slice(0, at);
    if (!complete) cutBy = why;
    complete = true;
  };

  const tokenAt = firstSpecialToken(text, facts.specialTokens);
  if (tokenAt !== -1) cut(tokenAt, 'specialToken');
  else text = text.slice(0, text.length - trailingTokenFragment(text, facts.specialTokens, modelFinished));
  if (text.length > MAX_COMPLETION_CHARS) cut(MAX_COMPLETION_CHARS, 'length');
  const final = complete || modelFinished;

  if (facts.shape === 'singleLine') {
    const lineBreak = text.indexOf('\n');
    if (lineBreak !== -1) cut(lineBreak, 'lineEnd');
  } else {
    const lines = text.split('\n');
    let offset = 0;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      const lineComplete = i < lines.length - 1 || final;
      if (i >= facts.maxLines) {
        cut(Math.max(0, offset - 1), 'lineCap');
        break;
      }
      const trimmed = line.trim();
      if (lineComplete && facts.nextLine !== null && trimmed !== '' && trimmed === facts.nextLine.trim()) {
        cut(Math.max(0, offset - 1), 'repeatsSuffix');
        break;
      }
      if (i > 0 && trimmed !== '' && indentWidth(line) <= facts.openerIndent) {
        if (CLOSERS.includes(trimmed[0])) {
          // The block's closing line: keep it once it is whole, then stop.
          if (lineComplete) cut(offset + line.length, 'blockEnd');
        } else {
          cut(Math.max(0, offset - 1), 'blockEnd');
        }
        break;
      }
      offset += line.length + 1;
    }
  }

  const badCloser = firstBadCloser(text, facts);
  if (badCloser !== -1) cut(badCloser, 'bracket');

  if (facts.shape === 'singleLine' && (complete || modelFinished)) {
    const trimmedRepeat = withoutRestOfLineRepeat(text, facts);
    if (trimmedRepeat !== text) {
      text = trimmedRepeat;
      if (!complete) cutBy = 'repeatsSuffix';
      complete = true;
    }
  }

  return { text: tidy(text), complete, ...(cutBy ? { cutBy } : {}) };
}
