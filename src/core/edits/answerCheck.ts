// Whether a finished answer may be applied: only one that ended by itself. A cut-off answer (output
// limit, lost stream, Stop) must never pass for a complete one. Pure, unit-tested.
import type { RunResult } from '../router/execute';

/** Why the answer must not be applied, or undefined when it may be. An aborted run is not a problem to report: check `aborted` first. */
export function unusableAnswer(result: Pick<RunResult, 'aborted' | 'final' | 'model'>): string | undefined {
  const who = result.model.id;
  if (result.aborted) return `The answer from ${who} was stopped before it was complete, so nothing was applied.`;
  if (result.final === null)
    return `The answer from ${who} ended without its closing record, so it may be incomplete; nothing was applied. Try again.`;
  switch (result.final.stopReason) {
    case 'stop':
      return undefined;
    case 'length':
      return `The answer from ${who} hit its output-token limit and was cut off, so nothing was applied. Ask for a smaller change, or select less code.`;
    case 'aborted':
      return `The answer from ${who} was stopped before it was complete, so nothing was applied.`;
    default:
      return `The answer from ${who} ended early (stop reason "${result.final.stopReason}"), so nothing was applied. Try again.`;
  }
}
