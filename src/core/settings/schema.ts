// The settings schema, declared once: each setting's validator, default, scope and trust rule, and the snapshot types.
import { z } from 'zod';
import type { ModelRef, ProviderKind, TaskKind, Tier } from '../types';
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

/** The layers a workspace controls (and an untrusted one may not use freely). */
export const WORKSPACE_LAYERS: ReadonlySet<SettingLayer> = new Set(['workspace', 'workspaceFolder']);

// ---------------------------------------------------------------------------------------------
// Schema

export const TASKS = ['completion', 'edit', 'refactor', 'chat'] as const satisfies readonly TaskKind[];
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
export type MergeRule = 'replace' | 'properties' | 'modelsById';

/**
 * What an untrusted workspace may do with a setting: anything, nothing, only make it stricter,
 * or (models) add entries that cannot redirect code or keys.
 */
type UntrustedRule = 'allow' | 'ignore' | 'tightenOnly' | 'modelEntries';

export interface SettingSpec<K extends SettingKey> {
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
// Helpers

export function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** Whether completion is switched on for a language id, honouring the `*` entry. */
export function completionEnabledFor(settings: SettingsSnapshot, languageId: string): boolean {
  if (!settings.completion.enabled) return false;
  const map = settings.completion.perLanguage;
  return map[languageId] ?? map['*'] ?? true;
}

/** A plain object (not null, not an array): what a raw setting value must be to be read property by property. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Freezes a value and everything in it, so snapshots can be shared and cached by identity. */
export function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as Record<string, unknown>)) deepFreeze(v);
  }
  return o;
}
