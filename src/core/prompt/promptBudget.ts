// How many prompt tokens a request may use: what the smallest model of its route can take with room
// for the answer, and never more than the feature's own cap (cost and latency). Pure, unit-tested.
import type { SettingsSnapshot } from '../settings/schema';
import type { TaskKind } from '../types';
import { DEFAULT_OUTPUT_TOKENS } from '../router/route';

/** Below this a prompt is not worth sending; the route's models are too small for the task. */
export const MIN_PROMPT_TOKENS = 1024;

export function promptBudgetTokens(settings: SettingsSnapshot, task: TaskKind, capTokens: number): number {
  const ids = new Set(settings.routes[task]);
  if (task === 'chat') for (const id of settings.chat.escalation.models) ids.add(id);
  const windows = settings.models.filter((m) => ids.has(m.id)).map((m) => m.contextWindow);
  if (windows.length === 0) return capTokens;
  // Leave room for the answer, and a tenth for the estimate being off (it is ~4 chars per token).
  const fits = Math.floor((Math.min(...windows) - DEFAULT_OUTPUT_TOKENS[task]) * 0.9);
  return Math.max(MIN_PROMPT_TOKENS, Math.min(capTokens, fits));
}
