// Text from outside (a webview, a model, a workspace) made safe to log: one line, control characters escaped, capped.

/** What a value from outside may take of a log line. */
export const MAX_LOGGED_VALUE_CHARS = 200;
/** What a whole log line may take: longer lines (a 5 MB answer in an error, say) are cut. */
export const MAX_LOG_LINE_CHARS = 8_000;

// C0 and C1 controls, DEL, and the Unicode line and paragraph separators: each could start a forged line.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

function escapeControl(ch: string): string {
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  return `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** `value` on one line, control characters escaped, at most `max` characters (then "…(N chars in all)"). */
export function logValue(value: unknown, max: number = MAX_LOGGED_VALUE_CHARS): string {
  const text = typeof value === 'string' ? value : String(value);
  // Cut before escaping so a huge value costs no more than its first `max` characters.
  const cut = text.length > max ? text.slice(0, max) : text;
  const escaped = cut.replace(CONTROL, escapeControl);
  const kept = escaped.length > max ? escaped.slice(0, max) : escaped;
  return kept.length < escaped.length || cut.length < text.length ? `${kept}…(${text.length} chars in all)` : kept;
}

/** A whole log line: the same escaping, with the line's larger cap. Multi-line messages stay one line. */
export function logLine(message: string): string {
  return logValue(message, MAX_LOG_LINE_CHARS);
}
