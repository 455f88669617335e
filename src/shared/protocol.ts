// Chat panel ↔ extension host messages: types for both directions and host-side validation of the webview's.
// Router-panel messages belong in routerProtocol.ts and may reuse the building blocks exported here.
import { z } from 'zod';
import type { ProviderKind, Tier, Usage } from '../core/types';
import { PROVIDER_KINDS, TIERS } from '../core/types';
import type { ChatPromptTurn } from '../core/chat/chatPrompt';
import { logValue } from '../core/logText';

// ── Limits (the webview enforces them too, so the user sees why before the host refuses) ──

/** Longest question the chat accepts, in UTF-16 code units. */
export const MAX_CHAT_TEXT_CHARS = 100_000;
/** Longest code block the webview may hand back for copy/insert/apply. */
export const MAX_CODE_CHARS = 1_000_000;
/** Request, turn and chip ids: short, URL- and selector-safe. */
export const MESSAGE_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
export const MAX_MODEL_ID_CHARS = 200;

// ── Shared data ──

/** A model the user can pin, as the pin control lists it. `id` is the user's name for it (ModelRef.id). */
export interface ChatModelOption {
  id: string;
  label: string;
  tier: Tier;
  provider: ProviderKind;
}

export type PinScope = 'next' | 'conversation';

/** The user overriding the router: this model, for the next message or for the rest of the conversation. */
export interface ChatPin {
  modelId: string;
  scope: PinScope;
}

export type ContextChipKind = 'selection' | 'file' | 'activeFile';

/** One piece of editor context offered with the question; disabled chips stay visible but are not sent. */
export interface ContextChip {
  id: string;
  kind: ContextChipKind;
  /** Short, e.g. `chat.ts` or `chat.ts:12-30`. */
  label: string;
  /** Longer, e.g. the workspace-relative path; shown as a tooltip. */
  detail?: string;
  enabled: boolean;
}

/** A model that was tried and failed before any output, and the one tried next. Labels are for display. */
export interface ChatFallback {
  from: string;
  to: string;
  /** Short phrase that reads between the two labels: `overloaded`, `rate-limited (retry in 12 s)`. */
  reason: string;
}

export interface DroppedCandidate {
  modelId: string;
  /** One line: why the router did not use it. */
  reason: string;
}

/** Everything shown under a finished answer. */
export interface AnswerMeta {
  modelId: string;
  modelLabel: string;
  tier: Tier;
  provider: ProviderKind;
  /** Why the router chose this model, one line each. */
  reasons: string[];
  dropped: DroppedCandidate[];
  fallbacks: ChatFallback[];
  usage: Usage;
  /** null when the model's price is unknown; 0 for local models. */
  costUsd: number | null;
  /** null when no text came. */
  ttftMs: number | null;
  totalMs: number;
  /** The user stopped the answer: the text is incomplete. */
  stopped: boolean;
  /** `usage` and `costUsd` are estimates: the answer ended (stopped) before the provider reported its usage. */
  estimated?: true;
}

/** A button under an error that runs one of the allow-listed commands. */
export type ChatAction = ChatCommandInvocation & { label: string };

/** One question and its answer, as the view shows it; a ChatPromptTurn, so the chat prompt reads the same fields. */
export interface ChatTurn extends ChatPromptTurn {
  id: string;
  userText: string;
  /** The answer so far ('' before the first delta). */
  answerText: string;
  /** Who is (or was) answering, once known. */
  model?: ChatModelOption;
  /** Present once the answer finished (or was stopped). */
  meta?: AnswerMeta;
  /** Present when the answer failed. */
  error?: { message: string; actions?: ChatAction[] };
}

// ── Commands a webview may ask the host to run (nothing else) ──

export const CHAT_COMMAND_IDS = [
  'switchboard.setApiKey',
  'switchboard.manageKeyDestinations',
  'switchboard.showLog',
  'workbench.action.openSettings',
] as const;
export type ChatCommandId = (typeof CHAT_COMMAND_IDS)[number];

/** A command and its arguments, safe to pass to `executeCommand` as they are: each id and argument is checked. */
export type ChatCommandInvocation =
  | { command: 'switchboard.setApiKey'; args?: [provider: ProviderKind] }
  | { command: 'switchboard.manageKeyDestinations'; args?: [] }
  | { command: 'switchboard.showLog'; args?: [] }
  /** The Settings UI filtered to `query`, which must name a Switchboard setting. */
  | { command: 'workbench.action.openSettings'; args?: [query: string] };

// ── Webview → host ──

export type ChatWebviewMessage =
  /** Sent once when the script has loaded; the host posts nothing before it. */
  | { type: 'ready' }
  /** Ask a question; the host answers with turnStart, answerStart, answerDelta…, then answerEnd or answerError (same id). */
  | { type: 'send'; id: string; text: string; pin?: ChatPin }
  /** Stop the answer to `send` `id`; the host ends it with answerEnd (meta.stopped = true). */
  | { type: 'stop'; id: string }
  | { type: 'copyCode'; code: string; turnId?: string }
  /** Insert at the active editor's cursor. */
  | { type: 'insertCode'; code: string; turnId?: string }
  /** Replace the active editor's selection, as one undoable edit. */
  | { type: 'applyCode'; code: string; turnId?: string }
  /** Show a file picker; the host replies with `chips` carrying `replyTo: id` (also when the user cancels). */
  | { type: 'addFileContext'; id: string }
  | { type: 'removeContext'; chipId: string }
  | { type: 'toggleContext'; chipId: string; enabled: boolean }
  /** Clear the conversation; the host replies with `history`. */
  | { type: 'newConversation' }
  /** Change the pin (null: back to the router); the host confirms with `pin`. */
  | { type: 'setPin'; modelId: string | null; scope: PinScope }
  | { type: 'openRouterPanel' }
  | ({ type: 'runCommand' } & ChatCommandInvocation);

export type ChatWebviewMessageType = ChatWebviewMessage['type'];

// ── Host → webview ──

export type ChatHostMessage =
  /** The reply to `ready`: everything the view shows. `busy` names the turn whose answer is still streaming. */
  | { type: 'init'; history: ChatTurn[]; models: ChatModelOption[]; chips: ContextChip[]; pin: ChatPin | null; busy: { id: string } | null }
  /** The conversation replaced (after newConversation, or changed elsewhere). */
  | { type: 'history'; history: ChatTurn[]; busy: { id: string } | null }
  /** The context chips changed; `replyTo` is the addFileContext request this answers, if any. */
  | { type: 'chips'; chips: ContextChip[]; replyTo?: string }
  /** The configured models changed. */
  | { type: 'models'; models: ChatModelOption[] }
  /** The pin in force (after setPin, after a `next` pin was used, after newConversation). */
  | { type: 'pin'; pin: ChatPin | null }
  /** Put the cursor in the question box (e.g. after "Open Chat"). */
  | { type: 'focusInput' }
  /** A turn began: the reply to `send`, or a question the host asked on the user's behalf. */
  | { type: 'turnStart'; id: string; userText: string }
  /** The model answering; may come again for the same id when the router falls back before any output. */
  | { type: 'answerStart'; id: string; model?: ChatModelOption; fallback?: ChatFallback }
  | { type: 'answerDelta'; id: string; text: string }
  | { type: 'answerEnd'; id: string; meta: AnswerMeta }
  | { type: 'answerError'; id: string; message: string; actions?: ChatAction[] };

export type ChatHostMessageType = ChatHostMessage['type'];

// ── Validation (host side: every message from a webview goes through this) ──

// Schemas are built on first use, so a webview bundle that imports only the constants above leaves zod out.

/** Building blocks for other panels' protocols. */
export function messageIdSchema() {
  return z.string().regex(MESSAGE_ID_PATTERN, 'must be 1–64 letters, digits, - or _');
}

export function modelIdSchema() {
  return (
    z
      .string()
      .min(1)
      .max(MAX_MODEL_ID_CHARS)
      // eslint-disable-next-line no-control-regex -- rejecting control characters is the point
      .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters')
      .refine((s) => s.trim() === s, 'must not start or end with spaces')
  );
}

export function tierSchema() {
  return z.enum(TIERS as [Tier, ...Tier[]]);
}

export function providerKindSchema() {
  return z.enum(PROVIDER_KINDS as [ProviderKind, ...ProviderKind[]]);
}

function buildChatWebviewMessageSchema(): z.ZodType<ChatWebviewMessage> {
  const id = messageIdSchema();
  const modelId = modelIdSchema();
  const pinScope = z.enum(['next', 'conversation']);
  const code = z.string().min(1).max(MAX_CODE_CHARS);
  const settingsQuery = z
    .string()
    .max(200)
    .regex(/^(switchboard(\.[A-Za-z0-9_.-]+)?|@ext:switchboard-dev\.switchboard)$/, 'must name a Switchboard setting');
  const runCommand = z.literal('runCommand');
  return z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('ready') }),
    z.strictObject({
      type: z.literal('send'),
      id,
      text: z
        .string()
        .max(MAX_CHAT_TEXT_CHARS, `must be at most ${MAX_CHAT_TEXT_CHARS} characters`)
        .refine((s) => s.trim().length > 0, 'must not be empty'),
      pin: z.strictObject({ modelId, scope: pinScope }).optional(),
    }),
    z.strictObject({ type: z.literal('stop'), id }),
    z.strictObject({ type: z.literal('copyCode'), code, turnId: id.optional() }),
    z.strictObject({ type: z.literal('insertCode'), code, turnId: id.optional() }),
    z.strictObject({ type: z.literal('applyCode'), code, turnId: id.optional() }),
    z.strictObject({ type: z.literal('addFileContext'), id }),
    z.strictObject({ type: z.literal('removeContext'), chipId: id }),
    z.strictObject({ type: z.literal('toggleContext'), chipId: id, enabled: z.boolean() }),
    z.strictObject({ type: z.literal('newConversation') }),
    z.strictObject({ type: z.literal('setPin'), modelId: modelId.nullable(), scope: pinScope }),
    z.strictObject({ type: z.literal('openRouterPanel') }),
    z.discriminatedUnion('command', [
      z.strictObject({ type: runCommand, command: z.literal('switchboard.setApiKey'), args: z.tuple([providerKindSchema()]).optional() }),
      z.strictObject({ type: runCommand, command: z.literal('switchboard.manageKeyDestinations'), args: z.tuple([]).optional() }),
      z.strictObject({ type: runCommand, command: z.literal('switchboard.showLog'), args: z.tuple([]).optional() }),
      z.strictObject({ type: runCommand, command: z.literal('workbench.action.openSettings'), args: z.tuple([settingsQuery]).optional() }),
    ]),
  ]);
}

/** More own keys than any webview message has (chat and router panel alike): refused before zod walks the object. */
export const MAX_MESSAGE_KEYS = 8;
/** An unknown field is named in a problem only when its name is this plain; anything else could forge or flood a log line. */
const PLAIN_FIELD_NAME = /^[A-Za-z_$][A-Za-z0-9_$]{0,31}$/;

/**
 * The check every protocol runs before its schema: a plain (or null-prototype) object with at most
 * `maxKeys` own keys. Returns the problem, or undefined when the shape is fine; never echoes a key.
 */
export function messageShapeProblem(raw: unknown, maxKeys: number = MAX_MESSAGE_KEYS): string | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'message: must be an object';
  const proto: unknown = Object.getPrototypeOf(raw);
  if (proto !== Object.prototype && proto !== null) return 'message: must be a plain object';
  if (Object.keys(raw).length > maxKeys) return `message: has more fields than any webview message (${maxKeys})`;
  return undefined;
}

/** A zod failure as one short line: the field and rule, never the message's content; unknown keys only when plainly named. */
export function schemaProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'message: invalid';
  const where = issue.path.length > 0 ? logValue(issue.path.map(String).join('.'), 80) : 'message';
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys;
    const named = keys.length === 1 && PLAIN_FIELD_NAME.test(keys[0]) ? ` "${keys[0]}"` : '';
    return keys.length === 1 ? `${where}: has an unknown field${named}` : `${where}: has ${keys.length} unknown fields`;
  }
  return `${where}: ${logValue(issue.message, 120)}`;
}

let chatWebviewMessageSchema: z.ZodType<ChatWebviewMessage> | undefined;

export type ChatWebviewMessageCheck = { ok: true; message: ChatWebviewMessage } | { ok: false; problem: string };

/** Checks a message from the chat webview; `problem` names the field and rule, never the message's content. */
export function checkChatWebviewMessage(raw: unknown): ChatWebviewMessageCheck {
  try {
    const shape = messageShapeProblem(raw);
    if (shape !== undefined) return { ok: false, problem: shape };
    chatWebviewMessageSchema ??= buildChatWebviewMessageSchema();
    const result = chatWebviewMessageSchema.safeParse(raw);
    return result.success ? { ok: true, message: result.data } : { ok: false, problem: schemaProblem(result.error) };
  } catch {
    // Only objects with throwing getters get here; postMessage never delivers those, but never throw anyway.
    return { ok: false, problem: 'message: unreadable' };
  }
}

/** The message if it is one the chat webview may send, otherwise undefined (unknown, malformed or oversized). */
export function parseChatWebviewMessage(raw: unknown): ChatWebviewMessage | undefined {
  const check = checkChatWebviewMessage(raw);
  return check.ok ? check.message : undefined;
}
