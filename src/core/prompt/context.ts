// The prompt toolkit chat, edits and compare share: a cheap token estimate, context fitted to a token
// budget, code fences the fenced text cannot close, and the error for a prompt that cannot fit.

/** Characters per token for the cheap estimate: code averages roughly 3–4 with today's tokenizers. */
export const CHARS_PER_TOKEN = 3.5;

/** A cheap, tokenizer-free token estimate; slightly pessimistic for English, about right for code. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

/** One piece of context to fit into the budget, in priority order. */
export interface ContextCandidate {
  /** Shown in notes, usually a path. */
  label: string;
  text: string;
  /** Which end survives truncation; `none` means the whole text or nothing. */
  keep: 'start' | 'end' | 'none';
  /** Tokens the prompt adds around the text (headers, fences, notes). */
  overheadTokens?: number;
}

export interface AssembledPiece {
  label: string;
  /** The full text, or the kept lines when truncated. */
  text: string;
  keep: ContextCandidate['keep'];
  totalLines: number;
  /** Lines left out; 0 when the piece is whole. */
  omittedLines: number;
  tokens: number;
}

export interface AssembledContext {
  /** Included pieces, in the candidates' order. */
  pieces: AssembledPiece[];
  /** Labels of candidates left out entirely. */
  omitted: string[];
  /** One line per truncation or omission, for the user (and the model). */
  notes: string[];
  usedTokens: number;
}

/** Below this many tokens a truncated piece is not worth including. */
export const MIN_USEFUL_TOKENS = 64;

function lineCount(text: string): number {
  if (text === '') return 0;
  const n = text.split('\n').length;
  return text.endsWith('\n') ? n - 1 : n;
}

/** The most lines from the kept end whose estimate fits in `tokens`. */
function truncateToTokens(text: string, keep: 'start' | 'end', tokens: number): { text: string; keptLines: number } {
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  const order = keep === 'start' ? lines : [...lines].reverse();
  let chars = 0;
  let kept = 0;
  for (const line of order) {
    const next = chars + line.length + 1;
    if (Math.ceil(next / CHARS_PER_TOKEN) > tokens) break;
    chars = next;
    kept++;
  }
  const chosen = keep === 'start' ? lines.slice(0, kept) : lines.slice(lines.length - kept);
  return { text: chosen.length === 0 ? '' : `${chosen.join('\n')}\n`, keptLines: kept };
}

/**
 * Takes candidates in priority order: each goes in whole if it fits, else truncated from the
 * end it does not keep if at least MIN_USEFUL_TOKENS remain, else it is left out.
 */
export function assembleContext(candidates: readonly ContextCandidate[], budgetTokens: number): AssembledContext {
  const pieces: AssembledPiece[] = [];
  const omitted: string[] = [];
  const notes: string[] = [];
  let remaining = Math.max(0, budgetTokens);
  for (const c of candidates) {
    const overhead = c.overheadTokens ?? 0;
    const tokens = estimateTokens(c.text);
    const totalLines = lineCount(c.text);
    if (overhead + tokens <= remaining) {
      pieces.push({ label: c.label, text: c.text, keep: c.keep, totalLines, omittedLines: 0, tokens: overhead + tokens });
      remaining -= overhead + tokens;
      continue;
    }
    const room = remaining - overhead;
    if (c.keep !== 'none' && room >= MIN_USEFUL_TOKENS) {
      const cut = truncateToTokens(c.text, c.keep, room);
      if (cut.keptLines > 0) {
        const used = overhead + estimateTokens(cut.text);
        pieces.push({ label: c.label, text: cut.text, keep: c.keep, totalLines, omittedLines: totalLines - cut.keptLines, tokens: used });
        remaining -= used;
        notes.push(
          `${c.label}: showing the ${c.keep === 'start' ? 'first' : 'last'} ${cut.keptLines} of ${totalLines} lines to stay within the prompt budget.`,
        );
        continue;
      }
    }
    omitted.push(c.label);
    notes.push(`${c.label}: left out (about ${tokens} tokens) to stay within the prompt budget.`);
  }
  return { pieces, omitted, notes, usedTokens: Math.max(0, budgetTokens) - remaining };
}

/** A fence longer than any backtick run at the start of a line in the text, so the text cannot close it. */
export function fenceFor(text: string): string {
  let longest = 0;
  for (const m of text.matchAll(/^\s*(`{3,})/gm)) longest = Math.max(longest, m[1].length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** `text` in a fence it cannot close, tagged with its language. */
export function fenced(text: string, languageId: string | undefined): string {
  const fence = fenceFor(text);
  const body = text === '' || text.endsWith('\n') ? text : `${text}\n`;
  return `${fence}${languageId ?? ''}\n${body}${fence}`;
}

/** The whole prompt would not fit even without optional context. */
export class PromptTooLargeError extends Error {
  readonly neededTokens: number;
  readonly budgetTokens: number;
  constructor(what: string, neededTokens: number, budgetTokens: number) {
    super(
      `${what} is about ${neededTokens} tokens, over the prompt budget of ${budgetTokens}. Select less, or pick a model with a larger context window.`,
    );
    this.name = 'PromptTooLargeError';
    this.neededTokens = neededTokens;
    this.budgetTokens = budgetTokens;
  }
}
