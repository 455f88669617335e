// The completion pipeline's tunables and their defaults: token caps, context budget, debounce, cache and grace periods.
import { DEFAULT_CONTEXT_BUDGET } from './context';
import type { ContextBudget } from './context';
import { DEFAULT_DEBOUNCE } from './debounce';
import type { DebounceSettings } from './debounce';
import { DEFAULT_MAX_LINES } from './postprocess';

export interface CompletionSettings {
  maxTokensSingleLine: number;
  maxTokensMultiLine: number;
  temperature: number;
  /** Line cap of a multi-line suggestion. */
  maxLines: number;
  contextBudget: ContextBudget;
  /** Time allowed for gathering context (snippet search stops there). */
  contextTimeMs: number;
  cacheEntries: number;
  debounce: DebounceSettings;
  /**
   * How long a request whose caller was cancelled keeps streaming, so the next keystroke can adopt it
   * (VS Code cancels the previous call on every keystroke, before asking again).
   */
  orphanGraceMs: number;
  /** Documents whose state is kept (least recently used dropped first). */
  maxDocuments: number;
  repoName?: string;
}

export const DEFAULT_COMPLETION_SETTINGS: Readonly<CompletionSettings> = Object.freeze({
  maxTokensSingleLine: 64,
  maxTokensMultiLine: 256,
  temperature: 0.1,
  maxLines: DEFAULT_MAX_LINES,
  contextBudget: DEFAULT_CONTEXT_BUDGET,
  contextTimeMs: 8,
  cacheEntries: 500,
  debounce: DEFAULT_DEBOUNCE,
  orphanGraceMs: 150,
  maxDocuments: 50,
});
