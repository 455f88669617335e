// The settings snapshot the core runs on: schema, defaults, scope merging, trust filtering and validation.
import { z } from 'zod';
import type { ModelRef, ProviderKind, TaskKind, Tier } from '../types';
import { priceTableEntry } from '../cost/price';
import type { LedgerRetention } from '../cost/ledgerRetention';
import { DEFAULT_RETENTION, MIN_RETENTION_DAYS } from '../cost/ledgerRetention';

export const SETTINGS_SECTION = 'switchboard';

/** How chat decides to hand a question to the frontier tier. */
export interface ChatEscalation {
  /** `auto`: escalate when the difficulty score reaches `threshold`; `never`/`always` force it. */
  mode: 'auto' | 'never' | 'always';
  /** Difficulty score in [0, 1] at which `auto` escalates. */
  threshold: number;
  /** Model ids to escalate to, in order; empty means the models of `switchboard.routes.refactor`. */
  models: string[];
}

export type FimFamilySetting = 'auto' | 'qwen2.5-coder' | 'starcoder2' | 'deepseek-coder' | 'codellama' | 'codestral';
export const FIM_FAMILY_SETTINGS: readonly FimFamilySetting[] = [
  'auto',
  'qwen2.5-coder',
  'starcoder2',
  'deepseek-coder',
  'codellama',
  'codestral',
];

/** Whose spend a day/month cap counts: a cap from user settings counts everything, one from the workspace counts that workspace. */
export type SpendScope = 'all' | 'workspace';

export interface SettingsSnapshot {
  models: ModelRef[];
  routes: Record<TaskKind, string[]>;
  chat: { escalation: ChatEscalation };
  /** USD; 0 means no limit. */
  budget: {
    perRequestUsd: number;
    perDayUsd: number;
    perMonthUsd: number;
    spendScope: { day: SpendScope; month: SpendScope };
  };
  /** Most a model's typical (p50) time to first token may be, per task; 0 means no limit. */
  latencyBudgetMs: Record<TaskKind, number>;
  privacy: { localOnly: boolean };
  fallback: { degradeTier: boolean };
  endpoints: { ollama: string; openai: string; anthropic: string };
  completion: {
    enabled: boolean;
    perLanguage: Record<string, boolean>;
    fimFamily: FimFamilySetting;
    maxLines: number;
    allowCloudFallback: boolean;
    keepAlive: string;
  };
  ab: { sampleRate: number; autoApplyRoutes: boolean };
  /** How long the spend ledger keeps rotated files, and how large it may grow. */
  ledger: LedgerRetention;
}

/** Every setting, keyed by its id under `switchboard.`, with the type it holds. */
export interface SettingValues {
  models: ModelRef[];
  routes: Record<TaskKind, string[]>;
  'chat.escalation': ChatEscalation;
  'budget.perRequestUsd': number;
  'budget.perDayUsd': number;
  'budget.perMonthUsd': number;
  latencyBudgetMs: Record<TaskKind, number>;
  'privacy.localOnly': boolean;
  'fallback.degradeTier': boolean;
  'endpoints.ollama': string;
  'endpoints.openai': string;
  'endpoints.anthropic': string;
  'completion.enabled': boolean;
  'completion.perLanguage': Record<string, boolean>;
  'completion.fimFamily': FimFamilySetting;
  'completion.maxLines': number;
  'completion.allowCloudFallback': boolean;
  'completion.keepAlive': string;
  'ab.sampleRate': number;
  'ab.autoApplyRoutes': boolean;
  'ledger.retentionDays': number;
  'ledger.maxMegabytes': number;
}
export type SettingKey = keyof SettingValues;

/** VS Code's configuration scopes: `application`/`machine` settings are never taken from a workspace. */
export type SettingScope = 'application' | 'machine' | 'window' | 'resource';

/** Where a value came from, lowest precedence first. */
export type SettingLayer = 'default' | 'user' | 'workspace' | 'workspaceFolder';

// ---------------------------------------------------------------------------------------------
// Schema

const TASKS = ['completion', 'edit', 'refactor', 'chat'] as const satisfies readonly TaskKind[];
const TIER_VALUES = ['local', 'mid', 'frontier'] as const satisfies readonly Tier[];
const PROVIDERS = ['ollama', 'openai', 'anthropic', 'openai-compatible'] as const satisfies readonly ProviderKind[];

const httpUrl = z.string().refine(isHttpUrl, { message: 'not an http(s) URL' });
const usdPerMillion = z.number().min(0).max(10_000);
const usdCap = z.number().min(0).max(1_000_000);

const priceSchema = z.strictObject({
  input: usdPerMillion,
  output: usdPerMillion,
  cachedInput: usdPerMillion.optional(),
  cacheWrite: usdPerMillion.optional(),
});

export const modelSchema = z
  .strictObject({
    id: z.string().trim().min(1).max(200),
    provider: z.enum(PROVIDERS),
    model: z.string().trim().min(1).max(200),
    tier: z.enum(TIER_VALUES),
    contextWindow: z.number().int().min(256).max(100_000_000),
    baseUrl: httpUrl.optional(),
    price: priceSchema.optional(),
    fimTemplate: z.string().min(1).max(2000).optional(),
  })
  .superRefine((m, ctx) => {
    if (m.provider === 'openai-compatible' && m.baseUrl === undefined) {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'an openai-compatible model needs a baseUrl', input: undefined });
    }
  });

const routeSchema = z.array(z.string().trim().min(1)).max(32);
const routesSchema = z.strictObject({ completion: routeSchema, edit: routeSchema, refactor: routeSchema, chat: routeSchema });
const escalationSchema = z.strictObject({
  mode: z.enum(['auto', 'never', 'always']),
  threshold: z.number().min(0).max(1),
  models: z.array(z.string().trim().min(1)).max(32),
});
const latencyMs = z.number().int().min(0).max(3_600_000);
const latencySchema = z.strictObject({ completion: latencyMs, edit: latencyMs, refactor: latencyMs, chat: latencyMs });
const keepAliveSchema = z.string().regex(/^(-1|0|\d+(\.\d+)?(ms|s|m|h))$/);

// ---------------------------------------------------------------------------------------------
// Defaults. Model ids are current ones from the SDKs' type definitions (see docs in the report):
// claude-sonnet-4-5 reaches end of life 2026-11-30 and gpt-4.1-mini shuts down 2027-01-14.

export const DEFAULT_MODELS: readonly ModelRef[] = deepFreeze([
  { id: 'qwen2.5-coder:1.5b-base', provider: 'ollama', model: 'qwen2.5-coder:1.5b-base', tier: 'local', contextWindow: 32_768 },
  { id: 'gpt-6-luna', provider: 'openai', model: 'gpt-6-luna', tier: 'mid', contextWindow: 1_050_000 },
  { id: 'claude-haiku-4-5', provider: 'anthropic', model: 'claude-haiku-4-5', tier: 'mid', contextWindow: 200_000 },
  { id: 'claude-sonnet-5-5', provider: 'anthropic', model: 'claude-sonnet-5-5', tier: 'frontier', contextWindow: 1_000_000 },
  { id: 'gpt-6.1-sol', provider: 'openai', model: 'gpt-6.1-sol', tier: 'frontier', contextWindow: 1_050_000 },
]);

export const DEFAULT_SETTING_VALUES: Readonly<SettingValues> = deepFreeze({
  models: DEFAULT_MODELS.map((m) => ({ ...m })),
  routes: {
    completion: ['qwen2.5-coder:1.5b-base'],
    edit: ['gpt-6-luna', 'claude-haiku-4-5'],
    refactor: ['claude-sonnet-5-5', 'gpt-6.1-sol'],
    chat: ['gpt-6-luna', 'claude-haiku-4-5'],
  },
  'chat.escalation': { mode: 'auto', threshold: 0.5, models: [] },
  'budget.perRequestUsd': 0,
  'budget.perDayUsd': 0,
  'budget.perMonthUsd': 0,
  latencyBudgetMs: { completion: 1500, edit: 10_000, refactor: 0, chat: 10_000 },
  'privacy.localOnly': false,
  'fallback.degradeTier': false,
  'endpoints.ollama': 'http://127.0.0.1:11434',
  'endpoints.openai': 'https://api.openai.com/v1',
  'endpoints.anthropic': 'https://api.anthropic.com',
  'completion.enabled': true,
  'completion.perLanguage': { '*': true, plaintext: false, markdown: false, scminput: false },
  'completion.fimFamily': 'auto',
  'completion.maxLines': 8,
  'completion.allowCloudFallback': false,
  'completion.keepAlive': '30m',
  'ab.sampleRate': 0,
  'ab.autoApplyRoutes': false,
  'ledger.retentionDays': DEFAULT_RETENTION.retentionDays,
  'ledger.maxMegabytes': DEFAULT_RETENTION.maxMegabytes,
});

// ---------------------------------------------------------------------------------------------
// The setting table: one entry per key, the single source the merge, the validation and the
// package.json configuration consistency test read.

/** How layers combine: later layers replace, merge object properties, or merge model entries by id. */
type MergeRule = 'replace' | 'properties' | 'modelsById';

/**
 * What an untrusted workspace may do with a setting: anything, nothing, only make it stricter,
 * or (models) add entries that cannot redirect code or keys.
 */
type UntrustedRule = 'allow' | 'ignore' | 'tightenOnly' | 'modelEntries';

interface SettingSpec<K extends SettingKey> {
  schema: z.ZodType<SettingValues[K]>;
  scope: SettingScope;
  merge: MergeRule;
  untrusted: UntrustedRule;
  /** For `tightenOnly`: whether `candidate` is at least as strict as `base`. */
  atLeastAsStrict?: (candidate: unknown, base: unknown) => boolean;
  /** How to put it right, appended to validation messages. */
  fix: string;
}

const noStricterThanNone = (candidate: unknown, base: unknown): boolean => {
  // A cap: 0 means none. A stricter cap is a positive number no larger than the base's.
  if (typeof candidate !== 'number' || !Number.isFinite(candidate) || candidate < 0) return false;
  if (typeof base !== 'number' || base <= 0) return true;
  return candidate > 0 && candidate <= base;
};

export const SETTING_SPECS: { readonly [K in SettingKey]: SettingSpec<K> } = {
  models: {
    schema: z.array(modelSchema),
    scope: 'window',
    merge: 'modelsById',
    untrusted: 'modelEntries',
    fix: 'each model needs id, provider (ollama, openai, anthropic or openai-compatible), model, tier (local, mid or frontier) and contextWindow',
  },
  routes: {
    schema: routesSchema,
    scope: 'resource',
    merge: 'properties',
    untrusted: 'allow',
    fix: 'give completion, edit, refactor and chat each an ordered list of model ids from switchboard.models',
  },
  'chat.escalation': {
    schema: escalationSchema,
    scope: 'resource',
    merge: 'properties',
    untrusted: 'allow',
    fix: 'use { "mode": "auto" | "never" | "always", "threshold": 0…1, "models": [model ids] }',
  },
  'budget.perRequestUsd': {
    schema: usdCap,
    scope: 'window',
    merge: 'replace',
    untrusted: 'tightenOnly',
    atLeastAsStrict: noStricterThanNone,
    fix: 'set a number of US dollars, or 0 for no limit',
  },
  'budget.perDayUsd': {
    schema: usdCap,
    scope: 'window',
    merge: 'replace',
    untrusted: 'tightenOnly',
    atLeastAsStrict: noStricterThanNone,
    fix: 'set a number of US dollars, or 0 for no limit',
  },
  'budget.perMonthUsd': {
    schema: usdCap,
    scope: 'window',
    merge: 'replace',
    untrusted: 'tightenOnly',
    atLeastAsStrict: noStricterThanNone,
    fix: 'set a number of US dollars, or 0 for no limit',
  },
  latencyBudgetMs: {
    schema: latencySchema,
    scope: 'resource',
    merge: 'properties',
    untrusted: 'allow',
    fix: 'give completion, edit, refactor and chat each a whole number of milliseconds, or 0 for no limit',
  },
  'privacy.localOnly': {
    schema: z.boolean(),
    scope: 'resource',
    merge: 'replace',
    untrusted: 'tightenOnly',
    atLeastAsStrict: (candidate, base) => candidate === true || candidate === base,
    fix: 'use true or false',
  },
  'fallback.degradeTier': { schema: z.boolean(), scope: 'resource', merge: 'replace', untrusted: 'allow', fix: 'use true or false' },
  'endpoints.ollama': {
    schema: httpUrl,
    scope: 'window',
    merge: 'replace',
    untrusted: 'ignore',
    fix: 'use an http(s) URL such as http://127.0.0.1:11434',
  },
  'endpoints.openai': {
    schema: httpUrl,
    scope: 'window',
    merge: 'replace',
    untrusted: 'ignore',
    fix: 'use an http(s) URL such as https://api.openai.com/v1',
  },
  'endpoints.anthropic': {
    schema: httpUrl,
    scope: 'window',
    merge: 'replace',
    untrusted: 'ignore',
    fix: 'use an http(s) URL such as https://api.anthropic.com',
  },
  'completion.enabled': { schema: z.boolean(), scope: 'resource', merge: 'replace', untrusted: 'allow', fix: 'use true or false' },
  'completion.perLanguage': {
    schema: z.record(z.string().min(1), z.boolean()),
    scope: 'resource',
    merge: 'properties',
    untrusted: 'allow',
    fix: 'map language ids (or "*") to true or false, e.g. { "*": true, "markdown": false }',
  },
  'completion.fimFamily': {
    schema: z.enum(FIM_FAMILY_SETTINGS as [FimFamilySetting, ...FimFamilySetting[]]),
    scope: 'resource',
    merge: 'replace',
    untrusted: 'allow',
    fix: `use one of ${FIM_FAMILY_SETTINGS.join(', ')}`,
  },
  'completion.maxLines': {
    schema: z.number().int().min(1).max(200),
    scope: 'resource',
    merge: 'replace',
    untrusted: 'allow',
    fix: 'use a whole number from 1 to 200',
  },
  'completion.allowCloudFallback': {
    schema: z.boolean(),
    scope: 'resource',
    merge: 'replace',
    untrusted: 'tightenOnly',
    atLeastAsStrict: (candidate, base) => candidate === false || candidate === base,
    fix: 'use true or false',
  },
  'completion.keepAlive': {
    schema: keepAliveSchema,
    scope: 'window',
    merge: 'replace',
    untrusted: 'allow',
    fix: 'use a duration such as "30m", "1h" or "-1" (keep loaded)',
  },
  'ab.sampleRate': {
    schema: z.number().min(0).max(1),
    scope: 'window',
    merge: 'replace',
    untrusted: 'tightenOnly',
    atLeastAsStrict: (candidate, base) => typeof candidate === 'number' && typeof base === 'number' && candidate >= 0 && candidate <= base,
    fix: 'use a fraction from 0 (never) to 1 (every request)',
  },
  'ab.autoApplyRoutes': { schema: z.boolean(), scope: 'application', merge: 'replace', untrusted: 'ignore', fix: 'use true or false' },
  // One ledger serves every window and workspace, so only user settings may say how much of it to keep.
  'ledger.retentionDays': {
    schema: z.number().int().min(MIN_RETENTION_DAYS).max(36_500),
    scope: 'application',
    merge: 'replace',
    untrusted: 'ignore',
    fix: `use a whole number of days from ${MIN_RETENTION_DAYS} (this month's budget totals need a full month) to 36500; the default is ${DEFAULT_RETENTION.retentionDays}`,
  },
  'ledger.maxMegabytes': {
    schema: z.number().int().min(0).max(1_000_000),
    scope: 'application',
    merge: 'replace',
    untrusted: 'ignore',
    fix: `use a whole number of megabytes, or 0 for no size cap; the default is ${DEFAULT_RETENTION.maxMegabytes}`,
  },
};

export const SETTING_KEYS = Object.keys(SETTING_SPECS) as SettingKey[];

// ---------------------------------------------------------------------------------------------
// Snapshot <-> flat values

export function snapshotFromValues(
  values: SettingValues,
  spendScope: SettingsSnapshot['budget']['spendScope'] = { day: 'all', month: 'all' },
): SettingsSnapshot {
  return {
    models: values.models,
    routes: values.routes,
    chat: { escalation: values['chat.escalation'] },
    budget: {
      perRequestUsd: values['budget.perRequestUsd'],
      perDayUsd: values['budget.perDayUsd'],
      perMonthUsd: values['budget.perMonthUsd'],
      spendScope,
    },
    latencyBudgetMs: values.latencyBudgetMs,
    privacy: { localOnly: values['privacy.localOnly'] },
    fallback: { degradeTier: values['fallback.degradeTier'] },
    endpoints: { ollama: values['endpoints.ollama'], openai: values['endpoints.openai'], anthropic: values['endpoints.anthropic'] },
    completion: {
      enabled: values['completion.enabled'],
      perLanguage: values['completion.perLanguage'],
      fimFamily: values['completion.fimFamily'],
      maxLines: values['completion.maxLines'],
      allowCloudFallback: values['completion.allowCloudFallback'],
      keepAlive: values['completion.keepAlive'],
    },
    ab: { sampleRate: values['ab.sampleRate'], autoApplyRoutes: values['ab.autoApplyRoutes'] },
    ledger: { retentionDays: values['ledger.retentionDays'], maxMegabytes: values['ledger.maxMegabytes'] },
  };
}

export function valuesFromSnapshot(s: SettingsSnapshot): SettingValues {
  return {
    models: s.models,
    routes: s.routes,
    'chat.escalation': s.chat.escalation,
    'budget.perRequestUsd': s.budget.perRequestUsd,
    'budget.perDayUsd': s.budget.perDayUsd,
    'budget.perMonthUsd': s.budget.perMonthUsd,
    latencyBudgetMs: s.latencyBudgetMs,
    'privacy.localOnly': s.privacy.localOnly,
    'fallback.degradeTier': s.fallback.degradeTier,
    'endpoints.ollama': s.endpoints.ollama,
    'endpoints.openai': s.endpoints.openai,
    'endpoints.anthropic': s.endpoints.anthropic,
    'completion.enabled': s.completion.enabled,
    'completion.perLanguage': s.completion.perLanguage,
    'completion.fimFamily': s.completion.fimFamily,
    'completion.maxLines': s.completion.maxLines,
    'completion.allowCloudFallback': s.completion.allowCloudFallback,
    'completion.keepAlive': s.completion.keepAlive,
    'ab.sampleRate': s.ab.sampleRate,
    'ab.autoApplyRoutes': s.ab.autoApplyRoutes,
    'ledger.retentionDays': s.ledger.retentionDays,
    'ledger.maxMegabytes': s.ledger.maxMegabytes,
  };
}

export const DEFAULT_SETTINGS: SettingsSnapshot = deepFreeze(snapshotFromValues(structuredClone(DEFAULT_SETTING_VALUES) as SettingValues));

// ---------------------------------------------------------------------------------------------
// Scope merging

/** What VS Code's `WorkspaceConfiguration.inspect(key)` reports for one key (only these fields are read). */
export interface InspectedValue {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** Inspected values keyed by setting id, with or without the `switchboard.` prefix. */
export type InspectedSettings = Readonly<Record<string, InspectedValue | undefined>>;

/** A value from the workspace that was not used, and why. */
export interface SettingsNote {
  setting: string;
  layer: SettingLayer;
  message: string;
}

export interface SettingsDiagnostic {
  /** Full path of the offending value, e.g. `switchboard.routes.edit[1]`. */
  setting: string;
  severity: 'error' | 'warning';
  /** `<setting>: <bad value> <problem> — <fix>` */
  message: string;
  /** What Switchboard uses meanwhile, when it is not the value itself. */
  using?: string;
}

/** The merged but not yet validated values, and which layer each came from. */
export interface MergedSettings {
  values: Record<SettingKey, unknown>;
  /** The highest layer that contributed to each key. */
  origins: Record<SettingKey, SettingLayer>;
  /** Where each entry of `values.models` came from, so messages point at the user's own array index. */
  modelOrigins: ModelOrigin[];
  notes: SettingsNote[];
  diagnostics: SettingsDiagnostic[];
}

export interface ModelOrigin {
  layer: SettingLayer;
  /** Index in that layer's own `switchboard.models` array. */
  index: number;
}

const WORKSPACE_LAYERS: ReadonlySet<SettingLayer> = new Set(['workspace', 'workspaceFolder']);

const LAYER_NAMES: Record<SettingLayer, string> = {
  default: 'the default',
  user: 'user settings',
  workspace: 'workspace settings',
  workspaceFolder: 'folder settings',
};

/**
 * Combines what VS Code reports per scope into one set of values: folder over workspace over user
 * over default. Object settings merge property by property; models merge by id. In an untrusted
 * workspace, anything from the workspace or a folder that could send code or keys somewhere new,
 * or loosen a limit the user set, is left out with a note saying so.
 */
export function mergeSettingScopes(inspected: InspectedSettings, options: { trusted: boolean }): MergedSettings {
  const values = {} as Record<SettingKey, unknown>;
  const origins = {} as Record<SettingKey, SettingLayer>;
  const notes: SettingsNote[] = [];
  const diagnostics: SettingsDiagnostic[] = [];
  let modelOrigins: ModelOrigin[] = DEFAULT_MODELS.map((_, index) => ({ layer: 'default', index }));
  // Model ids the user (or the defaults) defined: an untrusted workspace may not re-point them.
  const trustedModelIds = new Set<string>(DEFAULT_MODELS.map((m) => m.id));

  for (const key of SETTING_KEYS) {
    const spec: SettingSpec<SettingKey> = SETTING_SPECS[key];
    const reported = inspected[key] ?? inspected[`${SETTINGS_SECTION}.${key}`];
    const id = `${SETTINGS_SECTION}.${key}`;
    const layers: [SettingLayer, unknown][] = [
      ['user', reported?.globalValue],
      ['workspace', reported?.workspaceValue],
      ['workspaceFolder', reported?.workspaceFolderValue],
    ];
    let value: unknown = structuredClone(DEFAULT_SETTING_VALUES[key]);
    let origin: SettingLayer = 'default';

    for (const [layer, layerValue] of layers) {
      if (layerValue === undefined) continue;
      const fromWorkspace = WORKSPACE_LAYERS.has(layer);
      if (fromWorkspace && (spec.scope === 'application' || spec.scope === 'machine')) {
        notes.push({ setting: id, layer, message: `${id} from ${LAYER_NAMES[layer]} is ignored: it can only be set in user settings.` });
        continue;
      }
      if (layer === 'workspaceFolder' && spec.scope === 'window') {
        notes.push({ setting: id, layer, message: `${id} from folder settings is ignored: set it in the workspace or user settings.` });
        continue;
      }
      if (spec.merge === 'modelsById') {
        const entries =
          fromWorkspace && !options.trusted
            ? untrustedModelEntries(layerValue, layer, trustedModelIds, notes)
            : Array.isArray(layerValue)
              ? layerValue.map((entry, index) => ({ entry, index }))
              : null;
        if (layer === 'user' && entries !== null)
          for (const { entry } of entries) if (isRecord(entry) && typeof entry.id === 'string') trustedModelIds.add(entry.id);
        if (entries === null || !Array.isArray(value)) {
          value = structuredClone(layerValue);
          modelOrigins = [];
        } else {
          modelOrigins = mergeModels(value, modelOrigins, entries, layer, diagnostics);
        }
        origin = layer;
        continue;
      }
      if (fromWorkspace && !options.trusted) {
        if (spec.untrusted === 'ignore') {
          if (!sameJson(layerValue, value)) {
            notes.push({
              setting: id,
              layer,
              message: `${id} from ${LAYER_NAMES[layer]} (${shortJson(layerValue)}) is ignored: this workspace is not trusted, and the value could send your code or keys somewhere new. Trust the workspace to use it.`,
            });
          }
          continue;
        }
        if (spec.untrusted === 'tightenOnly' && !spec.atLeastAsStrict!(layerValue, value)) {
          notes.push({
            setting: id,
            layer,
            message: `${id} from ${LAYER_NAMES[layer]} (${shortJson(layerValue)}) is ignored: an untrusted workspace may only make it stricter than ${shortJson(value)}. Trust the workspace to use it.`,
          });
          continue;
        }
      }
      value = mergeLayer(spec.merge, value, layerValue);
      origin = layer;
    }
    values[key] = value;
    origins[key] = origin;
  }
  return { values, origins, modelOrigins, notes, diagnostics };
}

interface LayerEntry {
  entry: unknown;
  index: number;
}

function untrustedModelEntries(
  layerValue: unknown,
  layer: SettingLayer,
  trustedIds: ReadonlySet<string>,
  notes: SettingsNote[],
): LayerEntry[] {
  if (!Array.isArray(layerValue)) {
    notes.push({
      setting: 'switchboard.models',
      layer,
      message: `switchboard.models from ${LAYER_NAMES[layer]} is ignored: this workspace is not trusted.`,
    });
    return [];
  }
  const kept: LayerEntry[] = [];
  layerValue.forEach((entry, i) => {
    const at = `switchboard.models[${i}]`;
    if (!isRecord(entry)) {
      notes.push({ setting: at, layer, message: `${at} from ${LAYER_NAMES[layer]} is ignored: this workspace is not trusted.` });
      return;
    }
    const name = typeof entry.id === 'string' ? `"${entry.id}"` : 'the entry';
    if (typeof entry.id === 'string' && trustedIds.has(entry.id)) {
      notes.push({
        setting: at,
        layer,
        message: `${at} from ${LAYER_NAMES[layer]} is ignored: it re-defines model ${name} from your settings, which could send your code somewhere new, and this workspace is not trusted.`,
      });
      return;
    }
    if (entry.baseUrl !== undefined || entry.provider === 'openai-compatible') {
      notes.push({
        setting: at,
        layer,
        message: `${at} (${name}) from ${LAYER_NAMES[layer]} is ignored: it points at its own URL (${shortJson(entry.baseUrl)}), which could send your code or keys somewhere new, and this workspace is not trusted.`,
      });
      return;
    }
    if (entry.price !== undefined) {
      notes.push({
        setting: `${at}.price`,
        layer,
        message: `${at}.price (${name}) from ${LAYER_NAMES[layer]} is ignored: an untrusted workspace cannot set prices that budgets rely on; the bundled price table is used.`,
      });
      const { price: _price, ...rest } = entry;
      kept.push({ entry: rest, index: i });
      return;
    }
    kept.push({ entry, index: i });
  });
  return kept;
}

function mergeLayer(rule: MergeRule, base: unknown, incoming: unknown): unknown {
  if (rule === 'properties' && isRecord(base) && isRecord(incoming)) return { ...base, ...structuredClone(incoming) };
  return structuredClone(incoming);
}

/** Merges one layer's model entries into `models` by id (in place); returns the updated origins. */
function mergeModels(
  models: unknown[],
  origins: ModelOrigin[],
  entries: readonly LayerEntry[],
  layer: SettingLayer,
  diagnostics: SettingsDiagnostic[],
): ModelOrigin[] {
  const out = [...origins];
  const seenInLayer = new Set<string>();
  for (const { entry, index } of entries) {
    const entryId = isRecord(entry) && typeof entry.id === 'string' ? entry.id : undefined;
    const origin: ModelOrigin = { layer, index };
    if (entryId !== undefined && seenInLayer.has(entryId)) {
      diagnostics.push({
        setting: `switchboard.models[${index}]`,
        severity: 'warning',
        message: `switchboard.models[${index}]: "${entryId}" appears more than once in ${LAYER_NAMES[layer]} — keep one entry per id (the last one is used)`,
      });
    }
    if (entryId !== undefined) seenInLayer.add(entryId);
    const at = entryId === undefined ? -1 : models.findIndex((m) => isRecord(m) && m.id === entryId);
    if (at >= 0) {
      models[at] = structuredClone(entry);
      out[at] = origin;
    } else {
      models.push(structuredClone(entry));
      out.push(origin);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Validation

export interface ResolvedSettings {
  settings: SettingsSnapshot;
  diagnostics: SettingsDiagnostic[];
}

/**
 * Validates merged values. Any part that is invalid (a whole key, one property of an object
 * setting, one model entry, one route) keeps its value from `previousValid`, and a diagnostic
 * names the setting, the bad value and the fix. The result is deeply frozen.
 */
export function resolveSettings(
  previousValid: SettingsSnapshot,
  merged: Pick<MergedSettings, 'values'> & Partial<Pick<MergedSettings, 'origins' | 'modelOrigins'>>,
): ResolvedSettings {
  const diagnostics: SettingsDiagnostic[] = [];
  const previous = valuesFromSnapshot(previousValid);
  const out = {} as Record<SettingKey, unknown>;
  let modelOrigins: (ModelOrigin | undefined)[] = [];

  for (const key of SETTING_KEYS) {
    const id = `${SETTINGS_SECTION}.${key}`;
    const raw = key in merged.values ? merged.values[key] : DEFAULT_SETTING_VALUES[key];
    const spec: SettingSpec<SettingKey> = SETTING_SPECS[key];
    if (key === 'models') {
      const validated = validateModels(raw, merged.modelOrigins ?? [], previous.models, diagnostics);
      out.models = validated.models;
      modelOrigins = validated.origins;
    } else if (spec.merge === 'properties' && isRecord(raw)) {
      out[key] = validateProperties(key, raw, previous[key] as unknown as Record<string, unknown>, diagnostics);
    } else {
      const parsed = spec.schema.safeParse(raw);
      if (parsed.success) out[key] = parsed.data;
      else {
        addIssues(id, raw, parsed.error.issues, spec.fix, diagnostics, `using ${shortJson(previous[key])}`);
        out[key] = structuredClone(previous[key]);
      }
    }
  }

  const values = out as unknown as SettingValues;
  checkModelReferences(values, previous, diagnostics);
  warnRetiringModels(values.models, modelOrigins, diagnostics);

  const origins = merged.origins;
  const spendScope = {
    day: origins && WORKSPACE_LAYERS.has(origins['budget.perDayUsd']) ? 'workspace' : 'all',
    month: origins && WORKSPACE_LAYERS.has(origins['budget.perMonthUsd']) ? 'workspace' : 'all',
  } as const;
  return { settings: deepFreeze(snapshotFromValues(values, spendScope)), diagnostics };
}

/** Merge then resolve: what the VS Code adapter calls whenever configuration or trust changes. */
export function effectiveSettings(
  inspected: InspectedSettings,
  options: { trusted: boolean; previousValid?: SettingsSnapshot },
): ResolvedSettings & { notes: SettingsNote[] } {
  const merged = mergeSettingScopes(inspected, { trusted: options.trusted });
  const resolved = resolveSettings(options.previousValid ?? DEFAULT_SETTINGS, merged);
  return { settings: resolved.settings, diagnostics: [...merged.diagnostics, ...resolved.diagnostics], notes: merged.notes };
}

function validateModels(
  raw: unknown,
  origins: readonly ModelOrigin[],
  previousModels: readonly ModelRef[],
  diagnostics: SettingsDiagnostic[],
): { models: ModelRef[]; origins: (ModelOrigin | undefined)[] } {
  const id = 'switchboard.models';
  if (!Array.isArray(raw)) {
    addIssues(
      id,
      raw,
      [{ code: 'invalid_type', expected: 'array', path: [], message: '' }],
      SETTING_SPECS.models.fix,
      diagnostics,
      'using the previous models',
    );
    return { models: structuredClone([...previousModels]), origins: [] };
  }
  const models: ModelRef[] = [];
  const kept: (ModelOrigin | undefined)[] = [];
  raw.forEach((entry, i) => {
    const origin = origins[i];
    const parsed = modelSchema.safeParse(entry);
    if (parsed.success) {
      models.push(stripUndefined(parsed.data) as ModelRef);
      kept.push(origin);
      return;
    }
    const entryId = isRecord(entry) && typeof entry.id === 'string' ? entry.id : undefined;
    const fallback = entryId === undefined ? undefined : previousModels.find((m) => m.id === entryId);
    const before = diagnostics.length;
    addIssues(
      modelPath(origin, i),
      entry,
      parsed.error.issues,
      SETTING_SPECS.models.fix,
      diagnostics,
      fallback ? `using the previous definition of "${entryId}"` : 'this model is left out',
    );
    if (origin !== undefined && origin.layer !== 'user')
      for (const d of diagnostics.slice(before)) d.message += ` (in ${LAYER_NAMES[origin.layer]})`;
    if (fallback) {
      models.push(structuredClone(fallback));
      kept.push(undefined);
    }
  });
  return { models, origins: kept };
}

function modelPath(origin: ModelOrigin | undefined, mergedIndex: number): string {
  return `switchboard.models[${origin?.index ?? mergedIndex}]`;
}

function validateProperties(
  key: SettingKey,
  raw: Record<string, unknown>,
  previous: Record<string, unknown>,
  diagnostics: SettingsDiagnostic[],
): unknown {
  const id = `${SETTINGS_SECTION}.${key}`;
  const spec: SettingSpec<SettingKey> = SETTING_SPECS[key];
  if (key === 'completion.perLanguage') {
    const out: Record<string, boolean> = {};
    for (const [lang, v] of Object.entries(raw)) {
      if (typeof v === 'boolean' && lang.length > 0) out[lang] = v;
      else
        addIssues(
          `${id}.${lang}`,
          v,
          [{ code: 'invalid_type', expected: 'boolean', path: [], message: '' }],
          spec.fix,
          diagnostics,
          previous[lang] === undefined ? 'this entry is left out' : `using ${shortJson(previous[lang])}`,
        );
      if (typeof v !== 'boolean' && typeof previous[lang] === 'boolean') out[lang] = previous[lang];
    }
    return out;
  }
  const shape = (spec.schema as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  for (const [prop, propSchema] of Object.entries(shape)) {
    const v = prop in raw ? raw[prop] : previous[prop];
    const parsed = propSchema.safeParse(v);
    if (parsed.success) out[prop] = parsed.data;
    else {
      addIssues(`${id}.${prop}`, v, parsed.error.issues, spec.fix, diagnostics, `using ${shortJson(previous[prop])}`);
      out[prop] = structuredClone(previous[prop]);
    }
  }
  for (const prop of Object.keys(raw)) {
    if (!(prop in shape)) {
      diagnostics.push({
        setting: `${id}.${prop}`,
        severity: 'warning',
        message: `${id}.${prop}: "${prop}" is not a known property — remove it (known: ${Object.keys(shape).join(', ')})`,
      });
    }
  }
  return out;
}

function checkModelReferences(values: SettingValues, previous: SettingValues, diagnostics: SettingsDiagnostic[]): void {
  const known = new Set(values.models.map((m) => m.id));
  const check = (path: string, ids: readonly string[], previousIds: readonly string[], what: string): string[] => {
    const bad = ids.map((mid, i) => [mid, i] as const).filter(([mid]) => !known.has(mid));
    if (bad.length === 0) return [...ids];
    for (const [mid, i] of bad) {
      diagnostics.push({
        setting: `${path}[${i}]`,
        severity: 'error',
        message: `${path}[${i}]: "${mid}" is not a model in switchboard.models — add it there or remove it from the ${what}`,
        using: `the previous ${what}`,
      });
    }
    return previousIds.filter((mid) => known.has(mid));
  };
  for (const task of TASKS) {
    values.routes[task] = check(`switchboard.routes.${task}`, values.routes[task], previous.routes[task] ?? [], 'route');
  }
  const esc = values['chat.escalation'];
  esc.models = check('switchboard.chat.escalation.models', esc.models, previous['chat.escalation'].models, 'escalation list');
}

function warnRetiringModels(
  models: readonly ModelRef[],
  origins: readonly (ModelOrigin | undefined)[],
  diagnostics: SettingsDiagnostic[],
): void {
  models.forEach((m, i) => {
    const entry = priceTableEntry(m);
    if (entry?.retires === undefined) return;
    const at = modelPath(origins[i], i);
    const replace = entry.replacement ? ` — switch to ${entry.replacement}` : ' — switch to a current model';
    diagnostics.push({
      setting: at,
      severity: 'warning',
      message: `${at}: "${m.model}" is deprecated and stops working on ${entry.retires}${replace}`,
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Messages

interface IssueLike {
  code?: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  values?: unknown[];
  keys?: string[];
  format?: string;
  origin?: string;
}

function addIssues(
  id: string,
  raw: unknown,
  issues: readonly IssueLike[],
  fix: string,
  diagnostics: SettingsDiagnostic[],
  using: string,
): void {
  for (const issue of issues) {
    const path = id + issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    const bad = valueAt(raw, issue.path);
    diagnostics.push({ setting: path, severity: 'error', message: `${path}: ${shortJson(bad)} ${problemOf(issue)} — ${fix}`, using });
  }
}

function problemOf(issue: IssueLike): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'int' ? 'is not a whole number' : `is not ${article(issue.expected ?? 'value')}`;
    case 'too_small':
      return issue.origin === 'string'
        ? 'is empty'
        : issue.origin === 'array'
          ? 'is too short'
          : `is below the minimum of ${String(issue.minimum)}`;
    case 'too_big':
      return issue.origin === 'string' || issue.origin === 'array' ? 'is too long' : `is above the maximum of ${String(issue.maximum)}`;
    case 'invalid_value':
      return `is not one of ${(issue.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `has unknown ${issue.keys && issue.keys.length > 1 ? 'properties' : 'property'} ${(issue.keys ?? []).map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'regex' ? 'is not in the expected format' : `is not a valid ${issue.format ?? 'value'}`;
    default:
      return issue.message ? `is invalid: ${issue.message}` : 'is invalid';
  }
}

function article(expected: string): string {
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let v = root;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function shortJson(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

// ---------------------------------------------------------------------------------------------
// Helpers

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** The URL a model's requests go to: its own baseUrl, else the provider's endpoint setting. */
export function modelEndpoint(model: ModelRef, endpoints: SettingsSnapshot['endpoints']): string | undefined {
  if (model.baseUrl !== undefined) return model.baseUrl;
  switch (model.provider) {
    case 'ollama':
      return endpoints.ollama;
    case 'openai':
      return endpoints.openai;
    case 'anthropic':
      return endpoints.anthropic;
    case 'openai-compatible':
      return undefined;
  }
}

/**
 * Whether a URL stays on this machine or the local network (loopback, RFC 1918, link-local, ULA,
 * `.local`). Local-only privacy and $0 pricing are judged by this, never by a model's tier label.
 */
export function isLocalEndpoint(url: string | undefined): boolean {
  if (url === undefined) return false;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local')) return true;
  if (host === '::1') return true;
  if (/^f[cd][0-9a-f]{2}:/.test(host) || /^fe[89ab][0-9a-f]:/.test(host)) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!v4) return false;
  const [a, b] = [Number(v4[1]), Number(v4[2])];
  return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
}

/** Whether completion is switched on for a language id, honouring the `*` entry. */
export function completionEnabledFor(settings: SettingsSnapshot, languageId: string): boolean {
  if (!settings.completion.enabled) return false;
  const map = settings.completion.perLanguage;
  return map[languageId] ?? map['*'] ?? true;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}
