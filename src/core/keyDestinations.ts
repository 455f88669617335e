// Where an API key may go: the provider's official origin and origins from the user's own settings
// without asking; an origin a workspace's settings name only once the user allowed it for that folder.
// Pure: the host supplies the stored answers and the prompt (src/vscode/keyConsent.ts).
import type { Logger } from './ports';
import type { SettingLayer, SettingsSnapshot } from './settings/schema';
import type { ModelRef, ProviderKind } from './types';
import { ProviderError } from './providers/provider';
import { logValue } from './logText';

/** Where a request, and the key with it, is about to go, and which setting sent it there. */
export interface KeyDestination {
  /** `scheme://host[:port]` of the endpoint. */
  origin: string;
  /** The setting that chose the endpoint, e.g. `switchboard.endpoints.openai` or `switchboard.models[2].baseUrl`. */
  setting: string;
  /** The settings layer that set it; undefined when unknown, which is treated like a workspace's. */
  layer?: SettingLayer;
}

/** What the provider cache knows about a destination; the provider adds the origin of its base URL. */
export type KeySource = Omit<KeyDestination, 'origin'>;

/** The origins the providers' own keys are made for: never asked about. */
export const OFFICIAL_KEY_ORIGINS: ReadonlyMap<ProviderKind, string> = new Map<ProviderKind, string>([
  ['openai', 'https://api.openai.com'],
  ['anthropic', 'https://api.anthropic.com'],
]);

export const PROVIDER_KEY_NAMES: ReadonlyMap<ProviderKind, string> = new Map<ProviderKind, string>([
  ['openai', 'OpenAI'],
  ['anthropic', 'Anthropic'],
  ['openai-compatible', 'OpenAI-compatible'],
  ['ollama', 'Ollama'],
]);

export const MANAGE_KEY_DESTINATIONS_COMMAND = '"Switchboard: Manage Key Destinations…"';

/** The origin of a URL (scheme, host, port; default ports dropped, host lower-cased); the text itself when it is no URL. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

/** Where a provider at `baseUrl` sends its key, from what the provider cache knew (fail closed: an unknown source is asked about). */
export function keyDestinationFor(provider: ProviderKind, baseUrl: string, source?: KeySource): KeyDestination {
  const setting =
    source?.setting ?? (provider === 'openai-compatible' ? 'switchboard.models (a baseUrl)' : `switchboard.endpoints.${provider}`);
  return { origin: originOf(baseUrl), setting, ...(source?.layer === undefined ? {} : { layer: source.layer }) };
}

/** Which setting (and layer) chose where `model`'s requests go under `settings`. */
export function keySourceOf(model: ModelRef, settings: SettingsSnapshot): KeySource {
  if (model.baseUrl !== undefined) {
    const entry = settings.endpoints.layers.models.find((m) => m.id === model.id);
    return entry
      ? { setting: `switchboard.models[${entry.index}].baseUrl`, layer: entry.layer }
      : { setting: `the baseUrl of model "${logValue(model.id, 80)}"` };
  }
  switch (model.provider) {
    case 'ollama':
    case 'openai':
    case 'anthropic':
      return { setting: `switchboard.endpoints.${model.provider}`, layer: settings.endpoints.layers[model.provider] };
    case 'openai-compatible':
      return { setting: 'switchboard.models (a baseUrl)' };
  }
}

export type KeyAnswer = 'allow' | 'deny';

/** One remembered answer: may `provider`'s key go to `origin` when `folder`'s settings send it there. */
export interface KeyApproval {
  folder: string;
  provider: ProviderKind;
  origin: string;
  answer: KeyAnswer;
  /** When it was answered (ms since the epoch). */
  at: number;
}

export type KeyVerdict = 'send' | 'ask' | 'withhold';

/**
 * Whether `provider`'s key may go to `to`: the official origin and anything the user's own settings
 * (or the defaults) name, yes; an origin from a workspace (or of unknown source), only as the folder's
 * remembered answer says, and asked about when there is none.
 */
export function judgeKeyDestination(
  provider: ProviderKind,
  to: KeyDestination,
  approvals: readonly KeyApproval[],
  folder: string,
): KeyVerdict {
  if (OFFICIAL_KEY_ORIGINS.get(provider) === to.origin) return 'send';
  if (to.layer === 'user' || to.layer === 'default') return 'send';
  const answer = findApproval(approvals, folder, provider, to.origin)?.answer;
  return answer === 'allow' ? 'send' : answer === 'deny' ? 'withhold' : 'ask';
}

export function findApproval(
  approvals: readonly KeyApproval[],
  folder: string,
  provider: ProviderKind,
  origin: string,
): KeyApproval | undefined {
  return approvals.find((a) => a.folder === folder && a.provider === provider && a.origin === origin);
}

/** `approvals` with `approval` in place of any earlier answer for the same folder, provider and origin. */
export function withApproval(approvals: readonly KeyApproval[], approval: KeyApproval): KeyApproval[] {
  return [...withoutApproval(approvals, approval), approval];
}

export function withoutApproval(
  approvals: readonly KeyApproval[],
  which: Pick<KeyApproval, 'folder' | 'provider' | 'origin'>,
): KeyApproval[] {
  return approvals.filter((a) => !(a.folder === which.folder && a.provider === which.provider && a.origin === which.origin));
}

/** Stored answers as read back from storage: anything malformed is dropped, never trusted. */
export function parseApprovals(value: unknown): KeyApproval[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (a): a is KeyApproval =>
      typeof a === 'object' &&
      a !== null &&
      typeof a.folder === 'string' &&
      OFFICIAL_OR_KEYED.has(a.provider) &&
      typeof a.origin === 'string' &&
      (a.answer === 'allow' || a.answer === 'deny') &&
      typeof a.at === 'number',
  );
}

const OFFICIAL_OR_KEYED: ReadonlySet<unknown> = new Set<ProviderKind>(['openai', 'anthropic', 'openai-compatible', 'ollama']);

function whereSet(to: KeyDestination): string {
  switch (to.layer) {
    case 'workspace':
    case 'workspaceFolder':
      return `${to.setting} in this folder's settings`;
    case undefined:
      return to.setting;
    default:
      return `${to.setting} in your settings`;
  }
}

/** The question the host asks, in its words. */
export function keyQuestion(provider: ProviderKind, to: KeyDestination): string {
  const name = PROVIDER_KEY_NAMES.get(provider) ?? provider;
  return `This folder sends ${name} requests to ${to.origin} — send your ${name} key there? (${whereSet(to)})`;
}

/** Why the key stayed home, naming the setting that sent the request elsewhere and how to allow it. */
export function keyWithheldMessage(provider: ProviderKind, to: KeyDestination, why: 'declined' | 'unanswered'): string {
  const name = PROVIDER_KEY_NAMES.get(provider) ?? provider;
  const head = `${whereSet(to)} points at ${to.origin}; your ${name} key is not sent there`;
  return why === 'declined'
    ? `${head} (you chose Don't Send). Allow it with ${MANAGE_KEY_DESTINATIONS_COMMAND}.`
    : `${head} until you allow it: send the request again and choose "Allow for This Folder", or change the setting.`;
}

/** Marks KeyWithheldErrors across bundles: the host and dist/providers.js each have their own copy of this class. */
const KEY_WITHHELD_BRAND = Symbol.for('switchboard.KeyWithheldError');

/** Thrown by the host's key lookup when the key must not go where the request is going. */
export class KeyWithheldError extends Error {
  readonly [KEY_WITHHELD_BRAND] = true;
  constructor(message: string) {
    super(message);
    this.name = 'KeyWithheldError';
  }
}

export function isKeyWithheldError(e: unknown): e is KeyWithheldError {
  return e instanceof KeyWithheldError || (e instanceof Error && (e as unknown as Record<symbol, unknown>)[KEY_WITHHELD_BRAND] === true);
}

/**
 * A provider's key lookup for one request: the key, undefined when none is set, or an `auth`
 * ProviderError (naming the setting) when the user has not let the key go where the request goes.
 */
export async function apiKeyFor(
  ports: { getApiKey(provider: ProviderKind, to: KeyDestination, signal?: AbortSignal): Promise<string | undefined> },
  call: { provider: ProviderKind; model: string },
  to: KeyDestination,
  signal?: AbortSignal,
): Promise<string | undefined> {
  try {
    return await ports.getApiKey(call.provider, to, signal);
  } catch (e) {
    if (isKeyWithheldError(e))
      throw new ProviderError({ kind: 'auth', provider: call.provider, model: call.model, message: e.message, keyWithheld: true });
    throw e;
  }
}

/** What the gate needs from its host. */
export interface KeyGateHost {
  /** The stored key, else the environment's; undefined when there is none. Never logged. */
  lookUp(provider: ProviderKind): Promise<string | undefined>;
  /** The remembered answers. */
  approvals(): readonly KeyApproval[];
  /** Remembers an answer (replacing an earlier one for the same folder, provider and origin). */
  remember(approval: KeyApproval): Promise<void>;
  /** Asks the user once; undefined when the question was dismissed. */
  ask(provider: ProviderKind, to: KeyDestination, question: string): Promise<KeyAnswer | undefined>;
  /** The folder answers are remembered for. */
  folder(): string;
  now(): number;
  logger: Logger;
}

/**
 * Hands out a key only where it may go. An open question is shared: requests to the same origin
 * wait on the one prompt, and a request whose signal aborts stops waiting without answering it.
 */
export class KeyGate {
  private readonly open = new Map<string, Promise<KeyAnswer | undefined>>();

  constructor(private readonly host: KeyGateHost) {}

  /** The key for a request to `to`; throws KeyWithheldError when the user declined or has not answered. */
  async keyFor(provider: ProviderKind, to: KeyDestination, signal?: AbortSignal): Promise<string | undefined> {
    const key = await this.host.lookUp(provider);
    // No key, nothing to protect: the provider reports a missing key, or a keyless server gets none.
    if (!key) return undefined;
    const folder = this.host.folder();
    const verdict = judgeKeyDestination(provider, to, this.host.approvals(), folder);
    if (verdict === 'send') return key;
    if (verdict === 'withhold') throw new KeyWithheldError(keyWithheldMessage(provider, to, 'declined'));
    const answer = await untilAborted(this.answer(provider, to, folder), signal);
    if (answer === 'allow') return key;
    throw new KeyWithheldError(keyWithheldMessage(provider, to, answer === 'deny' ? 'declined' : 'unanswered'));
  }

  private answer(provider: ProviderKind, to: KeyDestination, folder: string): Promise<KeyAnswer | undefined> {
    const id = `${folder}\u0000${provider}\u0000${to.origin}`;
    let pending = this.open.get(id);
    if (pending) return pending;
    pending = (async () => {
      try {
        const answer = await this.host.ask(provider, to, keyQuestion(provider, to));
        const where = `${logValue(to.origin)} (${logValue(to.setting)})`;
        if (answer === undefined) {
          this.host.logger.info(`key for ${provider}: the question about ${where} was dismissed; the key was not sent`);
          return undefined;
        }
        await this.host.remember({ folder, provider, origin: to.origin, answer, at: this.host.now() });
        this.host.logger.info(`key for ${provider}: ${answer === 'allow' ? 'allowed' : 'not sent'} to ${where} for this folder`);
        return answer;
      } finally {
        this.open.delete(id);
      }
    })();
    this.open.set(id, pending);
    return pending;
  }
}

/** `promise`, or undefined as soon as `signal` aborts (the promise itself runs on for whoever else waits on it). */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T | undefined> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.resolve(undefined);
  return new Promise<T | undefined>((resolve, reject) => {
    const onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
