// API keys live in VS Code's SecretStorage; OPENAI_API_KEY / ANTHROPIC_API_KEY are the fallback.
// A key goes only where the user sent it (src/core/keyDestinations.ts; answers kept in global state),
// never to settings, logs, the ledger or a webview.
import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import type { ProviderKind } from '../core/types';
import type { KeyApproval, KeyDestination } from '../core/keyDestinations';
import { KeyGate, parseApprovals, withApproval, withoutApproval } from '../core/keyDestinations';
import { Disposable } from './lifecycle';
import { askAboutKeyDestination, currentKeyFolder } from './keyConsent';

/** Providers that take a key, with how the user recognises them. */
export const KEYED_PROVIDERS = [
  { provider: 'openai', label: 'OpenAI', env: 'OPENAI_API_KEY', hint: 'starts with sk-' },
  { provider: 'anthropic', label: 'Anthropic', env: 'ANTHROPIC_API_KEY', hint: 'starts with sk-ant-' },
  {
    provider: 'openai-compatible',
    label: 'OpenAI-compatible server (vLLM, LM Studio, LiteLLM, OpenRouter…)',
    env: 'OPENAI_COMPATIBLE_API_KEY',
    hint: 'whatever your server expects',
  },
] as const satisfies readonly { provider: ProviderKind; label: string; env: string; hint: string }[];

const secretId = (provider: ProviderKind) => `switchboard.apiKey.${provider}`;
/** Global-state entry holding the remembered answers (origins and folders only, never a key). */
const DESTINATIONS_STATE = 'switchboard.keyDestinations';

export class ApiKeys extends Disposable {
  private readonly _onDidChange = this._register(new vscode.EventEmitter<ProviderKind>());
  readonly onDidChange = this._onDidChange.event;
  private readonly gate: KeyGate;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly logger: Logger,
    private readonly state: vscode.Memento,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    super();
    this.gate = new KeyGate({
      lookUp: (provider) => this.get(provider),
      approvals: () => this.destinations(),
      remember: (approval) => this.rememberDestination(approval),
      ask: askAboutKeyDestination,
      folder: currentKeyFolder,
      now: () => Date.now(),
      logger,
    });
    this._register(
      secrets.onDidChange((e) => {
        const entry = KEYED_PROVIDERS.find((p) => secretId(p.provider) === e.key);
        if (entry) this._onDidChange.fire(entry.provider);
      }),
    );
  }

  /** The key for a request about to go to `to`, if the user lets it go there (asking once if need be); throws KeyWithheldError if not. */
  keyFor(provider: ProviderKind, to: KeyDestination, signal?: AbortSignal): Promise<string | undefined> {
    return this.gate.keyFor(provider, to, signal);
  }

  /** Every remembered answer about where a key may go. */
  destinations(): KeyApproval[] {
    return parseApprovals(this.state.get(DESTINATIONS_STATE));
  }

  async rememberDestination(approval: KeyApproval): Promise<void> {
    await this.state.update(DESTINATIONS_STATE, withApproval(this.destinations(), approval));
    // A model that failed for want of this key may be tried again.
    this._onDidChange.fire(approval.provider);
  }

  async forgetDestination(which: Pick<KeyApproval, 'folder' | 'provider' | 'origin'>): Promise<void> {
    await this.state.update(DESTINATIONS_STATE, withoutApproval(this.destinations(), which));
    this._onDidChange.fire(which.provider);
  }

  /** Stored key first, then the environment. Ollama takes none. */
  async get(provider: ProviderKind): Promise<string | undefined> {
    const entry = KEYED_PROVIDERS.find((p) => p.provider === provider);
    if (!entry) return undefined;
    const stored = await this.secrets.get(secretId(provider));
    if (stored) return stored;
    const fromEnv = this.env[entry.env]?.trim();
    return fromEnv || undefined;
  }

  async source(provider: ProviderKind): Promise<'secretStorage' | 'environment' | 'none'> {
    const entry = KEYED_PROVIDERS.find((p) => p.provider === provider);
    if (!entry) return 'none';
    if (await this.secrets.get(secretId(provider))) return 'secretStorage';
    return this.env[entry.env]?.trim() ? 'environment' : 'none';
  }

  async store(provider: ProviderKind, key: string): Promise<void> {
    await this.secrets.store(secretId(provider), key);
    this.logger.info(`API key for ${provider} stored in secret storage`);
  }

  async remove(provider: ProviderKind): Promise<void> {
    await this.secrets.delete(secretId(provider));
    this.logger.info(`API key for ${provider} removed from secret storage`);
  }
}

export function isKeyedProvider(value: unknown): value is (typeof KEYED_PROVIDERS)[number]['provider'] {
  return KEYED_PROVIDERS.some((p) => p.provider === value);
}

/** "Switchboard: Set API Key…": optional provider argument (buttons in error messages pass it). */
export async function setApiKeyCommand(keys: ApiKeys, provider?: unknown): Promise<boolean> {
  const entry = isKeyedProvider(provider)
    ? KEYED_PROVIDERS.find((p) => p.provider === provider)
    : await vscode.window
        .showQuickPick(
          await Promise.all(
            KEYED_PROVIDERS.map(async (p) => {
              const source = await keys.source(p.provider);
              return {
                label: p.label,
                description: source === 'secretStorage' ? 'key stored' : source === 'environment' ? `using ${p.env}` : 'no key',
                entry: p,
              };
            }),
          ),
          { title: 'Switchboard: Set API Key', placeHolder: 'Which provider?' },
        )
        .then((pick) => pick?.entry);
  if (!entry) return false;
  const key = await vscode.window.showInputBox({
    title: `Switchboard: ${entry.label} API key`,
    prompt: `Stored in VS Code's secret storage, never in settings (${entry.hint}).`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) =>
      v.trim().length === 0 ? 'Enter a key, or press Escape to cancel.' : /\s/.test(v.trim()) ? 'A key has no spaces in it.' : undefined,
  });
  if (key === undefined) return false;
  await keys.store(entry.provider, key.trim());
  void vscode.window.showInformationMessage(`Switchboard: ${entry.label} API key saved.`);
  return true;
}

export async function clearApiKeyCommand(keys: ApiKeys): Promise<void> {
  const stored = [];
  for (const p of KEYED_PROVIDERS) if ((await keys.source(p.provider)) === 'secretStorage') stored.push(p);
  if (stored.length === 0) {
    void vscode.window.showInformationMessage('Switchboard: no API key is stored.');
    return;
  }
  const pick = await vscode.window.showQuickPick(
    stored.map((p) => ({ label: p.label, entry: p })),
    { title: 'Switchboard: Remove API Key' },
  );
  if (!pick) return;
  await keys.remove(pick.entry.provider);
  void vscode.window.showInformationMessage(`Switchboard: ${pick.entry.label} API key removed.`);
}
