// The vocabulary every part of Switchboard shares. Pure data: no vscode, no I/O.

export type TaskKind = 'completion' | 'edit' | 'refactor' | 'chat';
export const TASK_KINDS: readonly TaskKind[] = ['completion', 'edit', 'refactor', 'chat'];

export type Tier = 'local' | 'mid' | 'frontier';
export const TIERS: readonly Tier[] = ['local', 'mid', 'frontier'];

/** The wire protocol a model is reached through. `openai-compatible` is the OpenAI protocol at another base URL. */
export type ProviderKind = 'ollama' | 'openai' | 'anthropic' | 'openai-compatible';
export const PROVIDER_KINDS: readonly ProviderKind[] = ['ollama', 'openai', 'anthropic', 'openai-compatible'];

/** USD per one million tokens. */
export interface Price {
  input: number;
  output: number;
  cachedInput?: number;
  cacheWrite?: number;
}

/** A model as the user configured it: `id` is the user's name for it, `model` the provider's id. */
export interface ModelRef {
  id: string;
  provider: ProviderKind;
  model: string;
  tier: Tier;
  contextWindow: number;
  baseUrl?: string;
  price?: Price;
  fimTemplate?: string;
  /** The user's word on whether it is local (free, allowed in local-only mode); unset: only Ollama on a local address is. */
  local?: boolean;
}

export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * Token counts as the provider reported them, normalised: `inputTokens` never includes
 * cached tokens (Anthropic's convention); OpenAI's cached prompt tokens are subtracted out.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export const ZERO_USAGE: Usage = Object.freeze({ inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 });

/** Why a stream ended. `aborted` means the caller's signal fired: the text is incomplete. */
export type StopReason = 'stop' | 'length' | 'stopSequence' | 'toolUse' | 'aborted' | 'other';

/** The last thing every provider stream delivers. */
export interface FinalRecord {
  /** The model that actually answered, as the server named it. */
  model: string;
  usage: Usage;
  /** Milliseconds from the call to the first text delta; null when no text came. */
  ttftMs: number | null;
  totalMs: number;
  stopReason: StopReason;
  /** Digest (Ollama) or dated snapshot id (OpenAI/Anthropic) when the server reports one. */
  version?: string;
  /** The server's own timing breakdown, when it reports one (Ollama's final `done` line). */
  serverTiming?: ServerTiming;
}

/** Milliseconds as the server measured them (Ollama reports nanoseconds; converted). */
export interface ServerTiming {
  totalMs: number;
  loadMs: number;
  promptEvalMs: number;
  evalMs: number;
}

export type Chunk = { type: 'text'; text: string } | { type: 'done'; final: FinalRecord };

export type Outcome = 'pending' | 'ok' | 'accepted' | 'rejected' | 'error' | 'aborted';
