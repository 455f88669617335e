// Prompts for "edit selection" and "refactor", with context fitted to a token budget, and reading the edit answer back.
import type { Message } from '../types';
import { PromptTooLargeError, assembleContext, estimateTokens, fenced } from '../prompt/context';
import { SEARCH_REPLACE_INSTRUCTIONS } from './searchReplace';

export interface BuiltPrompt {
  messages: Message[];
  estimatedTokens: number;
  /** What was truncated or left out, for the user. */
  notes: string[];
}

export interface EditSelectionInput {
  instruction: string;
  /** Workspace-relative path of the file, for the model's orientation. */
  path: string;
  languageId: string;
  /** The file's text before the selection, the selection, and the text after it. */
  before: string;
  selection: string;
  after: string;
  /** Budget for the whole prompt in estimated tokens; leave room for the answer when choosing it. */
  maxPromptTokens: number;
}

export const EDIT_SELECTION_SYSTEM_PROMPT = `You edit code in the user's editor. You get part of a file: code before a selection, the selected code, and code after it, plus an instruction.
Answer with only the code that replaces the selected code, exactly as it should appear in the file, in the file's indentation style.
Do not repeat the code before or after the selection. Do not explain. If you use a code fence, write nothing outside it.`;

/** Builds the messages for "edit selection": the selection is always whole; the code around it fills what budget is left, nearest lines first. */
export function buildEditSelectionPrompt(input: EditSelectionInput): BuiltPrompt {
  const lang = input.languageId;
  const header = `Edit the selected code in ${input.path} (${lang}).\n\nInstruction: ${input.instruction}\n\n`;
  const selectionPart = `Selected code:\n${fenced(input.selection, lang)}\n\n`;
  const footer = 'Reply with only the code that replaces the selected code.';
  const fixedTokens = estimateTokens(EDIT_SELECTION_SYSTEM_PROMPT) + estimateTokens(header + selectionPart + footer);
  if (fixedTokens > input.maxPromptTokens)
    throw new PromptTooLargeError('The selection with its instruction', fixedTokens, input.maxPromptTokens);

  const sectionOverhead = estimateTokens('Code before the selection (the first 9999 lines are not shown):\n``````\n\n') + 4;
  let room = input.maxPromptTokens - fixedTokens;
  const beforeCost = input.before === '' ? 0 : estimateTokens(input.before) + sectionOverhead;
  const afterCost = input.after === '' ? 0 : estimateTokens(input.after) + sectionOverhead;
  // Code above usually matters more, but do not let it starve the code below.
  const beforeBudget = Math.min(beforeCost, Math.max(Math.floor((room * 2) / 3), room - afterCost));
  const notes: string[] = [];
  let beforePart = '';
  let afterPart = '';
  if (input.before !== '') {
    const got = assembleContext(
      [{ label: 'code before the selection', text: input.before, keep: 'end', overheadTokens: sectionOverhead }],
      beforeBudget,
    );
    notes.push(...got.notes);
    room -= got.usedTokens;
    const piece = got.pieces[0];
    if (piece) {
      const missing = piece.omittedLines > 0 ? ` (the ${piece.omittedLines} lines above these are not shown)` : '';
      beforePart = `Code before the selection${missing}:\n${fenced(piece.text, lang)}\n\n`;
    }
  }
  if (input.after !== '') {
    const got = assembleContext(
      [{ label: 'code after the selection', text: input.after, keep: 'start', overheadTokens: sectionOverhead }],
      room,
    );
    notes.push(...got.notes);
    const piece = got.pieces[0];
    if (piece) {
      const missing = piece.omittedLines > 0 ? ` (the ${piece.omittedLines} lines below these are not shown)` : '';
      afterPart = `Code after the selection${missing}:\n${fenced(piece.text, lang)}\n\n`;
    }
  }
  const user = header + beforePart + selectionPart + afterPart + footer;
  const messages: Message[] = [
    { role: 'system', content: EDIT_SELECTION_SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
  return { messages, estimatedTokens: estimateTokens(EDIT_SELECTION_SYSTEM_PROMPT) + estimateTokens(user), notes };
}

interface FencedBlock {
  body: string;
  closed: boolean;
}

function fencedBlocks(text: string): FencedBlock[] {
  const lines = text.split(/\r?\n/);
  const blocks: FencedBlock[] = [];
  let open: { char: string; length: number; body: string[] } | undefined;
  for (const line of lines) {
    const m = /^\s*(`{3,}|~{3,})(.*)$/.exec(line);
    if (!open) {
      if (m) open = { char: m[1][0], length: m[1].length, body: [] };
      continue;
    }
    if (m && m[1][0] === open.char && m[1].length >= open.length && m[2].trim() === '') {
      blocks.push({ body: open.body.join('\n'), closed: true });
      open = undefined;
      continue;
    }
    open.body.push(line);
  }
  if (open) blocks.push({ body: open.body.join('\n'), closed: false });
  return blocks;
}

function trimBlankLines(text: string): string {
  return text.replace(/^(?:[ \t]*\r?\n)+/, '').replace(/(?:\r?\n[ \t]*)+$/, '');
}

/**
 * The replacement code from an "edit selection" answer. A model that wraps its answer in a
 * fence (often with a sentence around it) gets the longest fenced block taken; a bare answer is
 * used as is. Given the selection, the result takes its line endings, its final newline (or
 * lack of one) and, when the model dropped it, its indentation.
 */
export function extractReplacementCode(answer: string, selection?: string): string {
  let code: string;
  const selectionHasFence = selection !== undefined && /^\s*(`{3,}|~{3,})/m.test(selection);
  const blocks = fencedBlocks(answer);
  const trimmed = trimBlankLines(answer);
  if (blocks.length === 0) {
    code = trimmed;
  } else if (selectionHasFence) {
    // Fences are part of the code (markdown): unwrap only an outer fence around the whole answer.
    const lines = trimmed.split(/\r?\n/);
    const opener = /^(`{3,}|~{3,})/.exec(lines[0]);
    const closer = lines.length > 1 ? /^(`{3,}|~{3,})\s*$/.exec(lines[lines.length - 1]) : null;
    code =
      opener && closer && closer[1][0] === opener[1][0] && closer[1].length >= opener[1].length ? lines.slice(1, -1).join('\n') : trimmed;
  } else {
    code = blocks.reduce((best, b) => (b.body.length > best.body.length ? b : best)).body;
  }
  if (selection === undefined) return code;

  code = code.replace(/\r\n/g, '\n');
  const selectionIndent = /^[ \t]*/.exec(selection)![0];
  const codeLines = code.split('\n');
  const codeIndent = minIndentWidth(codeLines);
  const selectionLines = selection.replace(/\r\n/g, '\n').split('\n');
  if (codeIndent === 0 && selectionIndent !== '' && minIndentWidth(selectionLines) >= selectionIndent.length) {
    code = codeLines.map((l) => (l.trim() === '' ? l : selectionIndent + l)).join('\n');
  }
  // Keep the selection's trailing line breaks, so the lines after it stay where they were.
  const trailingBreaks = (/(?:\r?\n)*$/.exec(selection)![0].match(/\n/g) ?? []).length;
  code = code.replace(/\n+$/, '');
  if (code !== '') code += '\n'.repeat(trailingBreaks);
  if (selection.includes('\r\n')) code = code.replace(/\n/g, '\r\n');
  return code;
}

function minIndentWidth(lines: readonly string[]): number {
  let width = Infinity;
  for (const l of lines) if (l.trim() !== '') width = Math.min(width, /^[ \t]*/.exec(l)![0].length);
  return width === Infinity ? 0 : width;
}

export interface PromptFile {
  /** Workspace-relative, forward slashes: the same path the model must write in its edits. */
  path: string;
  text: string;
  languageId?: string;
}

export interface RefactorInput {
  instruction: string;
  /** The selection the user started from, if any; lines are 1-based and inclusive. */
  selection?: { path: string; text: string; startLine: number; endLine: number; languageId?: string };
  /** Files the user picked, in the order picked. */
  pickedFiles: readonly PromptFile[];
  /** Files the picked ones reference (imports, definitions), most relevant first. */
  referencedFiles: readonly PromptFile[];
  /** Budget for the whole prompt in estimated tokens; leave room for the answer when choosing it. */
  maxPromptTokens: number;
}

export interface RefactorPrompt extends BuiltPrompt {
  /** Paths shown whole. */
  includedFiles: string[];
  /** Paths shown in part (the start of the file). */
  truncatedFiles: string[];
  /** Paths left out. */
  omittedFiles: string[];
}

const FILES_TO_CHANGE = 'Files to change:\n\n';
const FILES_FOR_REFERENCE = 'Files for reference (change them only if the instruction needs it):\n\n';
const omittedNoteFor = (paths: string): string => `Not shown to save space (do not edit them): ${paths}.\n\n`;

export const REFACTOR_SYSTEM_PROMPT = `You are an expert programmer making changes across a codebase. You get an instruction and the relevant files.
Think about the change briefly, then make it.

${SEARCH_REPLACE_INSTRUCTIONS}`;

/**
 * Builds the messages for "refactor". Priority: the instruction and selection (must fit), then
 * the selection's file, the picked files, then the referenced files; a file that does not fit
 * whole is shown from its start with a note, or left out.
 */
export function buildRefactorPrompt(input: RefactorInput): RefactorPrompt {
  const sel = input.selection;
  const selectionPart = sel
    ? `Selected code in ${sel.path} (lines ${sel.startLine}–${sel.endLine}):\n${fenced(sel.text, sel.languageId)}\n\n`
    : '';
  const header = `Instruction: ${input.instruction}\n\n${selectionPart}`;
  const footer = 'Make the change with search/replace blocks as described. Quote SEARCH lines exactly as the files above show them.';
  const fixedTokens = estimateTokens(REFACTOR_SYSTEM_PROMPT) + estimateTokens(header + footer);
  if (fixedTokens > input.maxPromptTokens)
    throw new PromptTooLargeError('The instruction with the selected code', fixedTokens, input.maxPromptTokens);
  // Room for the section headings and the list of left-out files, whatever ends up in it.
  const allPaths = [...input.pickedFiles, ...input.referencedFiles].map((f) => f.path).join(', ');
  const reserve = estimateTokens(`${FILES_TO_CHANGE}${FILES_FOR_REFERENCE}${omittedNoteFor(allPaths)}`);

  // Order by priority and drop repeats: the selection's file, then picked, then referenced.
  const seen = new Set<string>();
  const ordered: { file: PromptFile; referenced: boolean }[] = [];
  const all = [
    ...input.pickedFiles.map((file) => ({ file, referenced: false })),
    ...input.referencedFiles.map((file) => ({ file, referenced: true })),
  ];
  const selectionFile = sel ? all.find((f) => f.file.path === sel.path) : undefined;
  for (const entry of selectionFile ? [{ ...selectionFile, referenced: false }, ...all] : all) {
    if (seen.has(entry.file.path)) continue;
    seen.add(entry.file.path);
    ordered.push(entry);
  }
  const assembled = assembleContext(
    ordered.map(({ file }) => ({
      label: file.path,
      text: file.text,
      keep: 'start' as const,
      overheadTokens: estimateTokens(
        `${file.path}\n\`\`\`\`${file.languageId ?? ''}\n\`\`\`\`\n(only the first 99999 of 99999 lines are shown; do not edit the rest)\n\n`,
      ),
    })),
    input.maxPromptTokens - fixedTokens - reserve,
  );
  const byPath = new Map(assembled.pieces.map((p) => [p.label, p]));
  const render = (file: PromptFile): string => {
    const piece = byPath.get(file.path)!;
    const note =
      piece.omittedLines > 0
        ? `\n(only the first ${piece.totalLines - piece.omittedLines} of ${piece.totalLines} lines are shown; do not edit the rest)`
        : '';
    return `${file.path}\n${fenced(piece.text, file.languageId)}${note}\n\n`;
  };
  const editable = ordered
    .filter((o) => !o.referenced && byPath.has(o.file.path))
    .map((o) => render(o.file))
    .join('');
  const reference = ordered
    .filter((o) => o.referenced && byPath.has(o.file.path))
    .map((o) => render(o.file))
    .join('');
  const omittedNote = assembled.omitted.length > 0 ? omittedNoteFor(assembled.omitted.join(', ')) : '';
  const user =
    header +
    (editable ? `${FILES_TO_CHANGE}${editable}` : '') +
    (reference ? `${FILES_FOR_REFERENCE}${reference}` : '') +
    omittedNote +
    footer;
  const messages: Message[] = [
    { role: 'system', content: REFACTOR_SYSTEM_PROMPT },
    { role: 'user', content: user },
  ];
  return {
    messages,
    estimatedTokens: estimateTokens(REFACTOR_SYSTEM_PROMPT) + estimateTokens(user),
    notes: assembled.notes,
    includedFiles: assembled.pieces.filter((p) => p.omittedLines === 0).map((p) => p.label),
    truncatedFiles: assembled.pieces.filter((p) => p.omittedLines > 0).map((p) => p.label),
    omittedFiles: assembled.omitted,
  };
}
