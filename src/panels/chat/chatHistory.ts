// The conversation as kept in workspace state: bounded in turns and characters, and read back
// defensively (an older or damaged entry must not break the panel). Pure, unit-tested.
import type { ChatTurn } from '../../shared/protocol';
import { MESSAGE_ID_PATTERN } from '../../shared/protocol';

export const HISTORY_STATE_KEY = 'switchboard.chat.history';
export const MAX_HISTORY_TURNS = 50;
/** Longest answer kept per turn; a longer one keeps its start and says so. */
export const MAX_STORED_ANSWER_CHARS = 200_000;
export const MAX_STORED_QUESTION_CHARS = 100_000;

export interface StoredHistory {
  version: 1;
  turns: ChatTurn[];
}

const CUT_NOTE = '\n\n… (the rest of this answer was not kept)';

function bounded(turn: ChatTurn): ChatTurn {
  if (turn.answerText.length <= MAX_STORED_ANSWER_CHARS && turn.userText.length <= MAX_STORED_QUESTION_CHARS) return turn;
  return {
    ...turn,
    userText: turn.userText.slice(0, MAX_STORED_QUESTION_CHARS),
    answerText:
      turn.answerText.length > MAX_STORED_ANSWER_CHARS ? turn.answerText.slice(0, MAX_STORED_ANSWER_CHARS) + CUT_NOTE : turn.answerText,
  };
}

/** The newest turns, each bounded: what is stored and what a fresh view is given. */
export function boundHistory(turns: readonly ChatTurn[]): ChatTurn[] {
  return turns.slice(-MAX_HISTORY_TURNS).map(bounded);
}

export function toStoredHistory(turns: readonly ChatTurn[]): StoredHistory {
  return { version: 1, turns: boundHistory(turns) };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readTurn(raw: unknown): ChatTurn | undefined {
  if (!isRecord(raw)) return undefined;
  const { id, userText, answerText, model, meta, error } = raw;
  if (typeof id !== 'string' || !MESSAGE_ID_PATTERN.test(id) || typeof userText !== 'string' || typeof answerText !== 'string')
    return undefined;
  const turn: ChatTurn = { id, userText, answerText };
  if (isRecord(model) && typeof model['id'] === 'string' && typeof model['label'] === 'string')
    turn.model = model as unknown as ChatTurn['model'];
  if (
    isRecord(meta) &&
    typeof meta['modelLabel'] === 'string' &&
    isRecord(meta['usage']) &&
    Array.isArray(meta['reasons']) &&
    Array.isArray(meta['dropped']) &&
    Array.isArray(meta['fallbacks'])
  ) {
    turn.meta = meta as unknown as ChatTurn['meta'];
  }
  if (isRecord(error) && typeof error['message'] === 'string') turn.error = { message: error['message'] };
  return turn;
}

/** Turns from workspace state; anything unreadable is dropped, never thrown. */
export function readStoredHistory(raw: unknown): ChatTurn[] {
  if (!isRecord(raw) || raw['version'] !== 1 || !Array.isArray(raw['turns'])) return [];
  const seen = new Set<string>();
  const turns: ChatTurn[] = [];
  for (const entry of raw['turns']) {
    const turn = readTurn(entry);
    if (!turn || seen.has(turn.id)) continue;
    seen.add(turn.id);
    turns.push(turn);
  }
  return boundHistory(turns);
}
