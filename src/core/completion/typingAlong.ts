// Whether what was typed since agrees with what is already there: the suggestion on screen (typing along it) or
// the document's latest request (reusing its answer). Pure.
import type { ModelRequest } from './modelRequest';
import { describeCursor, postprocessCompletion } from './postprocess';
import type { CompletionShape } from './postprocess';

/** The suggestion on screen in a document, and where it was shown. */
export interface Shown {
  prefix: string;
  suffix: string;
  text: string;
  shape: CompletionShape;
  resultId: number;
  requestId: number | null;
  model: string;
}

/** The rest of the suggestion on screen when the user has typed the start of it (and nothing else). */
export function typingAlong(
  shown: Shown | undefined,
  prefix: string,
  suffix: string,
  cursor: { model: string; languageId: string; specialTokens: readonly string[]; maxLines: number },
): { text: string; shape: CompletionShape; requestId: number | null } | undefined {
  const { model, languageId, specialTokens, maxLines } = cursor;
  if (!shown || shown.model !== model) return undefined;
  if (prefix.length < shown.prefix.length || !prefix.startsWith(shown.prefix)) return undefined;
  const typed = prefix.slice(shown.prefix.length);
  if (typed.length >= shown.text.length || !shown.text.startsWith(typed)) return undefined;
  let text = shown.text.slice(typed.length);
  if (suffix !== shown.suffix) {
    if (!suffix.endsWith(shown.suffix)) return undefined;
    // Text appeared right of the cursor (an auto-closed bracket or quote): the rules must see it.
    const facts = describeCursor(prefix, suffix, {
      languageId,
      specialTokens,
      maxLines,
      shape: shown.shape,
    });
    text = postprocessCompletion(text, facts, true).text;
    if (text === '') return undefined;
  }
  return { text, shape: shown.shape, requestId: shown.requestId };
}

/** The document's latest request when the text typed since it started agrees with its answer so far. */
export function reusableRequest(
  request: ModelRequest | undefined,
  model: string,
  prefix: string,
  suffix: string,
): { request: ModelRequest; extra: string } | undefined {
  if (!request || request.model !== model || request.error !== undefined) return undefined;
  if (!request.running && !request.modelFinished && !request.stoppedEarly) return undefined;
  if (prefix.length < request.prefix.length || !prefix.startsWith(request.prefix)) return undefined;
  if (suffix !== request.suffix && !suffix.endsWith(request.suffix)) return undefined;
  const extra = prefix.slice(request.prefix.length);
  const { text } = request.answer();
  const agrees = text.length >= extra.length ? text.startsWith(extra) : request.running && extra.startsWith(text);
  return agrees ? { request, extra } : undefined;
}
