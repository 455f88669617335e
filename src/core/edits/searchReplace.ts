// The search/replace edit format a refactor answer uses: parse it, match it against the files, apply all of it or nothing.

/** Tells the model how to write its edits. Goes into the refactor system prompt. */
export const SEARCH_REPLACE_INSTRUCTIONS = `Write every change as a search/replace block. Put the file's path (relative to the workspace root, with forward slashes) on its own line, then the block:

path/to/file.ts
<<<<<<< SEARCH
the lines to replace, copied exactly from the file
=======
the lines that take their place
>>>>>>> REPLACE

Rules:
- SEARCH copies the file's current lines exactly: same indentation, comments, blank lines and spelling. Do not abbreviate with "..." or comments.
- SEARCH must match one place only. Add a few unchanged lines around the change if the lines also occur elsewhere.
- Every SEARCH quotes the file as it is now, before any of your edits. Blocks for the same file must not overlap.
- Keep blocks short: the lines you change plus a line or two around them. Use several blocks for changes far apart, in file order.
- To delete lines, leave REPLACE empty. To create a new file, leave SEARCH empty and put the whole new file in REPLACE.
- Edit only the files you were shown, or create new ones.
- Keep any explanation short and outside the blocks.`;

export interface SearchReplaceBlock {
  /** Workspace-relative, forward slashes, no leading "./". */
  path: string;
  /** Lines without line endings; empty means "create this file". */
  search: string[];
  replace: string[];
  /** 1-based line of the SEARCH marker in the model's answer. */
  answerLine: number;
}

export type EditErrorKind =
  'noBlocks' | 'malformed' | 'partial' | 'badPath' | 'noMatch' | 'ambiguous' | 'overlap' | 'fileExists' | 'missingFile';

export interface EditError {
  kind: EditErrorKind;
  path?: string;
  /** 1-based line in the model's answer. */
  answerLine?: number;
  message: string;
}

export type ParseResult = { ok: true; blocks: SearchReplaceBlock[] } | { ok: false; errors: EditError[] };

/** 0-based line and UTF-16 character, as VS Code positions count them. */
export interface Position {
  line: number;
  character: number;
}

/** How the SEARCH text was found: exactly, ignoring trailing spaces, or with its indentation shifted. */
export type MatchKind = 'exact' | 'trailingWhitespace' | 'indentation' | 'create';

export interface ReplacedRange {
  /** Range in the ORIGINAL text; ranges of one file never overlap. */
  start: Position;
  end: Position;
  startOffset: number;
  endOffset: number;
  newText: string;
  match: MatchKind;
  answerLine: number;
}

export interface FileEditResult {
  path: string;
  /** True when the file did not exist (or was empty) and a block creates it. */
  isNew: boolean;
  originalText: string;
  newText: string;
  /** Sorted by offset. */
  edits: ReplacedRange[];
}

export type ApplyResult = { ok: true; files: FileEditResult[] } | { ok: false; errors: EditError[] };

const SEARCH_MARKER = /^\s*<{5,9}\s*SEARCH\s*$/;
const DIVIDER = /^\s*={7}\s*$/;
const REPLACE_MARKER = /^\s*>{5,9}\s*REPLACE\s*$/;
const FENCE = /^\s*(`{3,}|~{3,})/;

/** First lines of a SEARCH, for error messages that let the user find the block. */
function describeSearch(search: readonly string[]): string {
  const shown = search
    .filter((l) => l.trim() !== '')
    .slice(0, 2)
    .map((l) => (l.trim().length > 60 ? `${l.trim().slice(0, 57)}...` : l.trim()));
  return shown.map((l) => `"${l}"`).join(' / ');
}

/** A workspace-relative path, or a reason it is not one. */
export function normalizeEditPath(raw: string): { path: string } | { problem: string } {
  let path = raw.trim().replace(/\\/g, '/');
  while (path.startsWith('./')) path = path.slice(2);
  if (path === '') return { problem: 'the file path is empty' };
  if (path.startsWith('/') || path.startsWith('~') || /^[a-zA-Z]:\//.test(path))
    return { problem: `"${raw}" is an absolute path; edits must name files inside the workspace` };
  if (path.split('/').some((segment) => segment === '..')) return { problem: `"${raw}" points outside the workspace` };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f<>"|?*]/.test(path)) return { problem: `"${raw}" is not a valid file path` };
  return {
    path: path
      .split('/')
      .filter((segment) => segment !== '.' && segment !== '')
      .join('/'),
  };
}

/** The path a line names, if the line is nothing but a path (possibly dressed in markdown). */
function pathOnLine(line: string): string | undefined {
  let text = line.trim();
  text = text.replace(/^#+\s*/, '').replace(/^[-*]\s+/, '');
  text = text.replace(/^(file|path|filename)\s*:\s*/i, '');
  for (let i = 0; i < 3; i++) text = text.replace(/^(\*\*|__|`|"|')(.*)\1$/, '$2').trim();
  text = text.replace(/:$/, '');
  if (text === '' || FENCE.test(text) || /^[<>=]{3,}/.test(text)) return undefined;
  if (!/\s/.test(text)) return text;
  // A sentence naming the file in backticks ("Update `src/a.ts`:"): take the last path-like one.
  const quoted = [...text.matchAll(/`([^`\s]+)`/g)].map((m) => m[1]).filter((t) => /[./]/.test(t));
  return quoted[quoted.length - 1];
}

/** Finds every block in a model's answer. Prose and code fences around the blocks are ignored. */
export function parseSearchReplace(answer: string): ParseResult {
  const lines = answer.split(/\r?\n/);
  const blocks: SearchReplaceBlock[] = [];
  const fail = (error: EditError): ParseResult => ({ ok: false, errors: [error] });
  let floor = 0;
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (REPLACE_MARKER.test(line)) {
      return fail({
        kind: 'malformed',
        answerLine: i + 1,
        message: `Line ${i + 1} of the answer has ">>>>>>> REPLACE" without a SEARCH before it; nothing was applied.`,
      });
    }
    if (!SEARCH_MARKER.test(line)) {
      i++;
      continue;
    }
    const answerLine = i + 1;
    // The path is the nearest line above that is not blank or a fence; directly repeated blocks may omit it.
    let rawPath: string | undefined;
    let sawText = false;
    for (let k = i - 1; k >= floor; k--) {
      const above = lines[k];
      if (above.trim() === '' || FENCE.test(above)) continue;
      sawText = true;
      rawPath = pathOnLine(above);
      break;
    }
    if (rawPath === undefined && !sawText && blocks.length > 0) rawPath = blocks[blocks.length - 1].path;
    if (rawPath === undefined) {
      return fail({
        kind: 'malformed',
        answerLine,
        message: `The edit block at line ${answerLine} of the answer has no file path on the line before "<<<<<<< SEARCH"; nothing was applied.`,
      });
    }
    const normalized = normalizeEditPath(rawPath);
    if ('problem' in normalized) {
      return fail({
        kind: 'badPath',
        answerLine,
        message: `The edit block at line ${answerLine} of the answer cannot be applied: ${normalized.problem}. Nothing was applied.`,
      });
    }
    const path = normalized.path;
    const search: string[] = [];
    const replace: string[] = [];
    i++;
    for (;;) {
      if (i >= lines.length) {
        return fail({
          kind: 'partial',
          path,
          answerLine,
          message: `The answer ended inside the SEARCH part of the edit for ${path} (line ${answerLine}); it was probably cut off. Nothing was applied.`,
        });
      }
      const l = lines[i];
      if (DIVIDER.test(l)) break;
      if (SEARCH_MARKER.test(l) || REPLACE_MARKER.test(l)) {
        return fail({
          kind: 'malformed',
          path,
          answerLine,
          message: `The edit for ${path} at line ${answerLine} of the answer has no "=======" between SEARCH and REPLACE; nothing was applied.`,
        });
      }
      search.push(l);
      i++;
    }
    i++;
    for (;;) {
      if (i >= lines.length) {
        return fail({
          kind: 'partial',
          path,
          answerLine,
          message: `The answer ended before ">>>>>>> REPLACE" in the edit for ${path} (line ${answerLine}); it was probably cut off. Nothing was applied.`,
        });
      }
      const l = lines[i];
      if (REPLACE_MARKER.test(l)) break;
      if (SEARCH_MARKER.test(l)) {
        return fail({
          kind: 'malformed',
          path,
          answerLine,
          message: `The edit for ${path} at line ${answerLine} of the answer is missing ">>>>>>> REPLACE" before the next block; nothing was applied.`,
        });
      }
      replace.push(l);
      i++;
    }
    const isCreate = search.every((l) => l.trim() === '');
    blocks.push({ path, search: isCreate ? [] : search, replace, answerLine });
    i++;
    floor = i;
  }
  const last = [...lines].reverse().find((l) => l.trim() !== '');
  if (last !== undefined && /^\s*<{3,}/.test(last) && !SEARCH_MARKER.test(last)) {
    return fail({
      kind: 'partial',
      answerLine: lines.lastIndexOf(last) + 1,
      message: 'The answer ends with an unfinished "<<<<<<< SEARCH" marker; it was probably cut off. Nothing was applied.',
    });
  }
  if (blocks.length === 0) {
    return fail({
      kind: 'noBlocks',
      message: 'The answer contains no search/replace edit blocks, so there is nothing to apply. Ask again, or rephrase the request.',
    });
  }
  return { ok: true, blocks };
}

interface FileLines {
  /** Line contents without line endings; a final line ending does not start another line. */
  contents: string[];
  /** Offset where each content line starts. */
  starts: number[];
  /** Offset just after each content line's ending (or at the end of the text). */
  ends: number[];
  hasEnding: boolean[];
  eol: string;
}

function splitLines(text: string): FileLines {
  const contents: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  const hasEnding: boolean[] = [];
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    const stop = nl === -1 ? text.length : nl;
    const contentEnd = stop > pos && text[stop - 1] === '\r' && nl !== -1 ? stop - 1 : stop;
    starts.push(pos);
    contents.push(text.slice(pos, contentEnd));
    ends.push(nl === -1 ? text.length : nl + 1);
    hasEnding.push(nl !== -1);
    pos = nl === -1 ? text.length : nl + 1;
  }
  const firstNl = text.indexOf('\n');
  const eol = firstNl > 0 && text[firstNl - 1] === '\r' ? '\r\n' : '\n';
  return { contents, starts, ends, hasEnding, eol };
}

function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

function leadingWhitespace(line: string): string {
  return /^\s*/.exec(line)![0];
}

function minIndent(lines: readonly string[]): { width: number; indent: string } {
  let best: string | undefined;
  for (const l of lines) {
    if (l.trim() === '') continue;
    const lead = leadingWhitespace(l);
    if (best === undefined || lead.length < best.length) best = lead;
  }
  return { width: best?.length ?? 0, indent: best ?? '' };
}

interface Match {
  line: number;
  kind: MatchKind;
  /** For indentation matches: the file's indentation and the SEARCH's indentation width. */
  fileIndent?: string;
  searchWidth?: number;
}

function findMatches(file: FileLines, search: readonly string[]): Match[] {
  const n = search.length;
  const last = file.contents.length - n;
  const tiers: { kind: MatchKind; test: (start: number) => Match | undefined }[] = [
    { kind: 'exact', test: (s) => (search.every((l, k) => file.contents[s + k] === l) ? { line: s, kind: 'exact' } : undefined) },
    {
      kind: 'trailingWhitespace',
      test: (s) =>
        search.every((l, k) => file.contents[s + k].trimEnd() === l.trimEnd()) ? { line: s, kind: 'trailingWhitespace' } : undefined,
    },
    {
      kind: 'indentation',
      test: (s) => {
        const window = file.contents.slice(s, s + n);
        const fileIndent = minIndent(window);
        const searchIndent = minIndent(search);
        const same = search.every((l, k) => {
          const f = window[k];
          if (l.trim() === '' || f.trim() === '') return l.trim() === '' && f.trim() === '';
          return f.slice(fileIndent.width).trimEnd() === l.slice(searchIndent.width).trimEnd();
        });
        return same ? { line: s, kind: 'indentation', fileIndent: fileIndent.indent, searchWidth: searchIndent.width } : undefined;
      },
    },
  ];
  for (const tier of tiers) {
    const found: Match[] = [];
    for (let s = 0; s <= last; s++) {
      const m = tier.test(s);
      if (m) found.push(m);
    }
    if (found.length > 0) return found;
  }
  return [];
}

/** Moves a REPLACE line by the same indentation shift that made its SEARCH match. */
function reindent(line: string, searchWidth: number, fileIndent: string): string {
  if (line.trim() === '') return line.trim();
  const lead = leadingWhitespace(line).length;
  if (lead >= searchWidth) return fileIndent + line.slice(searchWidth);
  const width = fileIndent.length - (searchWidth - lead);
  return (width > 0 ? fileIndent.slice(0, width) : '') + line.slice(lead);
}

/**
 * Applies parsed blocks to the files' current text. `files` maps each workspace-relative path
 * (as `normalizeEditPath` gives it) to its text; a missing key means the file does not exist.
 * Every SEARCH matches against the original text. Any error means no file result at all.
 */
export function applySearchReplace(blocks: readonly SearchReplaceBlock[], files: ReadonlyMap<string, string>): ApplyResult {
  const errors: EditError[] = [];
  const byPath = new Map<string, SearchReplaceBlock[]>();
  for (const block of blocks) {
    const list = byPath.get(block.path) ?? [];
    list.push(block);
    byPath.set(block.path, list);
  }
  const results: FileEditResult[] = [];
  for (const [path, fileBlocks] of byPath) {
    const original = files.get(path);
    const exists = original !== undefined && original.trim() !== '';
    const creates = fileBlocks.filter((b) => b.search.length === 0);
    const changes = fileBlocks.filter((b) => b.search.length > 0);
    if (!exists) {
      if (changes.length > 0) {
        const b = changes[0];
        errors.push({
          kind: 'missingFile',
          path,
          answerLine: b.answerLine,
          message: `${path} does not exist (or is empty), so the SEARCH starting ${describeSearch(b.search)} cannot match. To create the file, leave SEARCH empty.`,
        });
        continue;
      }
      const text = original ?? '';
      const newText = creates.map((b) => (b.replace.length === 0 ? '' : `${b.replace.join('\n')}\n`)).join('');
      results.push({
        path,
        isNew: true,
        originalText: text,
        newText,
        edits: [
          {
            start: { line: 0, character: 0 },
            end: positionAt(text, text.length),
            startOffset: 0,
            endOffset: text.length,
            newText,
            match: 'create',
            answerLine: creates[0].answerLine,
          },
        ],
      });
      continue;
    }
    if (creates.length > 0) {
      errors.push({
        kind: 'fileExists',
        path,
        answerLine: creates[0].answerLine,
        message: `The edit at line ${creates[0].answerLine} of the answer would create ${path}, but that file already exists. To change it, SEARCH must quote the lines to replace.`,
      });
      continue;
    }
    const lines = splitLines(original);
    const edits: ReplacedRange[] = [];
    let fileOk = true;
    for (const block of changes) {
      const matches = findMatches(lines, block.search);
      if (matches.length === 0) {
        errors.push({
          kind: 'noMatch',
          path,
          answerLine: block.answerLine,
          message: `${path}: the SEARCH starting ${describeSearch(block.search)} (line ${block.answerLine} of the answer) matches nothing in the file, even ignoring indentation and trailing spaces.`,
        });
        fileOk = false;
        continue;
      }
      if (matches.length > 1) {
        errors.push({
          kind: 'ambiguous',
          path,
          answerLine: block.answerLine,
          message: `${path}: the SEARCH starting ${describeSearch(block.search)} (line ${block.answerLine} of the answer) matches ${matches.length} places (lines ${matches.map((m) => m.line + 1).join(', ')}); it must match exactly one.`,
        });
        fileOk = false;
        continue;
      }
      const match = matches[0];
      const first = match.line;
      const lastLine = first + block.search.length - 1;
      const replacement =
        match.kind === 'indentation' ? block.replace.map((l) => reindent(l, match.searchWidth!, match.fileIndent!)) : block.replace;
      const startOffset = lines.starts[first];
      const endOffset = lines.ends[lastLine];
      const newText = replacement.length === 0 ? '' : replacement.join(lines.eol) + (lines.hasEnding[lastLine] ? lines.eol : '');
      edits.push({
        start: positionAt(original, startOffset),
        end: positionAt(original, endOffset),
        startOffset,
        endOffset,
        newText,
        match: match.kind,
        answerLine: block.answerLine,
      });
    }
    if (!fileOk) continue;
    edits.sort((x, y) => x.startOffset - y.startOffset);
    for (let k = 1; k < edits.length; k++) {
      if (edits[k].startOffset < edits[k - 1].endOffset) {
        errors.push({
          kind: 'overlap',
          path,
          answerLine: edits[k].answerLine,
          message: `${path}: the edits at lines ${edits[k - 1].answerLine} and ${edits[k].answerLine} of the answer change overlapping lines (${edits[k].start.line + 1}); each SEARCH must quote the original file and blocks must not overlap.`,
        });
        fileOk = false;
        break;
      }
    }
    if (!fileOk) continue;
    let newText = original;
    for (let k = edits.length - 1; k >= 0; k--)
      newText = newText.slice(0, edits[k].startOffset) + edits[k].newText + newText.slice(edits[k].endOffset);
    results.push({ path, isNew: false, originalText: original, newText, edits });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, files: results };
}

/** Parses the answer and applies it in one step: the result is all files or none. */
export function parseAndApplySearchReplace(answer: string, files: ReadonlyMap<string, string>): ApplyResult {
  const parsed = parseSearchReplace(answer);
  return parsed.ok ? applySearchReplace(parsed.blocks, files) : parsed;
}

/** The distinct paths the blocks touch, in order of first mention: what the caller must read before applying. */
export function pathsOfBlocks(blocks: readonly SearchReplaceBlock[]): string[] {
  return [...new Set(blocks.map((b) => b.path))];
}
