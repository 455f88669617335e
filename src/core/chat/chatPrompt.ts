// The messages a chat question sends: the conversation so far and the enabled editor context, each
// under its own token budget. Pure (no vscode import), so it is unit-tested in test/unit/chat.
import type { Message } from '../types';
import { assembleContext, estimateTokens, fenceFor } from '../prompt/context';
import type { ContextCandidate } from '../prompt/context';

export const CHAT_SYSTEM_PROMPT = `You are Switchboard, a coding assistant inside the user's editor.
Answer accurately and concisely. Use Markdown; put code in fenced blocks with a language tag.
When the user shares code from their editor, refer to files by their paths. If you are not sure, say so.`;

/**
 * What the prompt reads of an earlier turn. The chat protocol's ChatTurn extends it (shared may
 * import core, not the reverse), so a change to either shape fails to compile rather than drift.
 */
export interface ChatPromptTurn {
  userText: string;
  /** The answer as shown ('' before the first delta). */
  answerText: string;
  /** Present once the answer finished; `stopped` when the user cut it short. */
  meta?: { stopped: boolean };
  /** Present when the answer failed: such a turn is not sent. */
  error?: { message: string };
}

/** One piece of editor context, read from an enabled chip. */
export interface ChatContextSource {
  kind: 'selection' | 'activeFile' | 'file';
  /** Workspace-relative path with forward slashes (or the file name of an unsaved file). */
  path: string;
  languageId?: string;
  text: string;
  /** Selection only: 1-based, inclusive. */
  startLine?: number;
  endLine?: number;
}

export interface ChatPromptInput {
  /** Earlier turns, oldest first; only finished answers are sent. */
  history: readonly ChatPromptTurn[];
  question: string;
  /** In priority order: what comes first survives a tight budget. */
  context: readonly ChatContextSource[];
  contextBudgetTokens: number;
  historyBudgetTokens: number;
}

export interface ChatPrompt {
  messages: Message[];
  promptTokens: number;
  /** What was shortened or left out, one line each. */
  notes: string[];
  /** Distinct files whose content was sent. */
  fileCount: number;
}

const STOPPED_NOTE = '\n\n(The user stopped this answer before it was complete.)';

function heading(source: ChatContextSource): string {
  if (source.kind === 'selection') {
    const lines = source.startLine !== undefined && source.endLine !== undefined ? ` (lines ${source.startLine}–${source.endLine})` : '';
    return `Selected code in ${source.path}${lines}:`;
  }
  return source.kind === 'activeFile' ? `The file open in my editor, ${source.path}:` : `File ${source.path}:`;
}

/** Drops whole-file sources that repeat an earlier one (the same file added twice, or also open). */
function distinct(context: readonly ChatContextSource[]): ChatContextSource[] {
  const seenFiles = new Set<string>();
  const out: ChatContextSource[] = [];
  for (const source of context) {
    if (source.kind !== 'selection') {
      if (seenFiles.has(source.path)) continue;
      seenFiles.add(source.path);
    }
    out.push(source);
  }
  return out;
}

/** Earlier question/answer pairs, newest kept first, that fit the budget; returned oldest first. */
function historyMessages(history: readonly ChatPromptTurn[], budgetTokens: number): { messages: Message[]; dropped: number } {
  const pairs: Message[][] = [];
  let remaining = budgetTokens;
  let dropped = 0;
  const usable = history.filter((t) => t.error === undefined && t.answerText.trim() !== '');
  for (let i = usable.length - 1; i >= 0; i--) {
    const turn = usable[i];
    const answer = turn.meta?.stopped ? turn.answerText + STOPPED_NOTE : turn.answerText;
    const cost = estimateTokens(turn.userText) + estimateTokens(answer) + 8;
    if (cost > remaining) {
      dropped = i + 1;
      break;
    }
    remaining -= cost;
    pairs.unshift([
      { role: 'user', content: turn.userText },
      { role: 'assistant', content: answer },
    ]);
  }
  return { messages: pairs.flat(), dropped };
}

export function buildChatPrompt(input: ChatPromptInput): ChatPrompt {
  const sources = distinct(input.context);
  const candidates: ContextCandidate[] = sources.map((source, i) => ({
    // Labels must be unique: assembleContext reports pieces by label.
    label: `#${i} ${source.path}`,
    text: source.text,
    keep: 'start',
    overheadTokens: estimateTokens(
      `${heading(source)}\n\`\`\`\`${source.languageId ?? ''}\n\`\`\`\`\n(only the first 99999 of 99999 lines are shown)\n\n`,
    ),
  }));
  const assembled = assembleContext(candidates, input.contextBudgetTokens);
  const byLabel = new Map(assembled.pieces.map((p) => [p.label, p]));
  const parts: string[] = [];
  const files = new Set<string>();
  sources.forEach((source, i) => {
    const piece = byLabel.get(`#${i} ${source.path}`);
    if (!piece) return;
    files.add(source.path);
    const fence = fenceFor(piece.text);
    const body = piece.text === '' || piece.text.endsWith('\n') ? piece.text : `${piece.text}\n`;
    const cut =
      piece.omittedLines > 0 ? `\n(only the first ${piece.totalLines - piece.omittedLines} of ${piece.totalLines} lines are shown)` : '';
    parts.push(`${heading(source)}\n${fence}${source.languageId ?? ''}\n${body}${fence}${cut}`);
  });
  const notes = assembled.notes.map((n) => n.replace(/^#\d+ /, ''));
  const question =
    parts.length > 0 ? `Context from my editor:\n\n${parts.join('\n\n')}\n\nMy question:\n${input.question}` : input.question;

  const history = historyMessages(input.history, input.historyBudgetTokens);
  if (history.dropped > 0)
    notes.push(
      `The ${history.dropped} oldest turn${history.dropped === 1 ? '' : 's'} of the conversation were left out to stay within the prompt budget.`,
    );
  const messages: Message[] = [{ role: 'system', content: CHAT_SYSTEM_PROMPT }, ...history.messages, { role: 'user', content: question }];
  const promptTokens = messages.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
  return { messages, promptTokens, notes, fileCount: files.size };
}
