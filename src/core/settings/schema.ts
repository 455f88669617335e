// The settings schema, declared once: each setting's validator, default, scope and trust rule, and the snapshot types derived from them.
import { z } from 'zod';
import type { ModelRef, ProviderKind, TaskKind, Tier } from '../types';
import { DEFAULT_RETENTION, MIN_RETENTION_DAYS } from '../cost/ledgerRetention';

export const SETTINGS_SECTION = 'switchboard';

export const FIM_FAMILY_SETTINGS = ['auto', 'qwen2.5-coder', 'starcoder2', 'deepseek-coder', 'codellama', 'codestral'] as const;
export type FimFamilySetting = (typeof FIM_FAMILY_SETTINGS)[number];

/** Whose spend a day/month cap counts: a cap from user settings counts everything, one from the workspace counts that workspace. */
export type SpendScope = 'all' | 'workspace';

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
    id: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .refine((id) => !isReservedName(id), { message: 'a reserved JavaScript name cannot be a model id' }),
    provider: z.enum(PROVIDERS),
    model: z.string().trim().min(1).max(200),
    tier: z.enum(TIER_VALUES),
    contextWindow: z.number().int().min(256).max(100_000_000),
    baseUrl: httpUrl.optional(),
    price: priceSchema.optional(),
    fimTemplate: z.string().min(1).max(2000).optional(),
    // Whether it is local (free, allowed in local-only mode); unset: only an Ollama model on a local address is.
    local: z.boolean().optional(),
  })
  .superRefine((m, ctx) => {
    if (m.provider === 'openai-compatible' && m.baseUrl === undefined) {
      ctx.addIssue({ code: 'custom', path: ['baseUrl'], message: 'an openai-compatible model needs a baseUrl', input: undefined });
    }
  });

// Annotated with the core's own types, so the snapshot reads `ModelRef[]` and `Record<TaskKind, …>`.
const modelsSchema: z.ZodType<ModelRef[]> = z.array(modelSchema);
const routeSchema = z.array(z.string().trim().min(1)).max(32);
const routesSchema = z.strictObject({
  completion: routeSchema,
  edit: routeSchema,
  refactor: routeSchema,
  chat: routeSchema,
}) satisfies z.ZodType<Record<TaskKind, string[]>>;

/** How chat decides to hand a question to the frontier tier. */
const escalationSchema = z.strictObject({
  /** `auto`: escalate when the difficulty score reaches `threshold`; `never`/`always` force it. */
  mode: z.enum(['auto', 'never', 'always']),
  /** Difficulty score in [0, 1] at which `auto` escalates. */
  threshold: z.number().min(0).max(1),
  /** Model ids to escalate to, in order; empty means the models of `switchboard.routes.refactor`. */
  models: z.array(z.string().trim().min(1)).max(32),
});
export type ChatEscalation = z.output<typeof escalationSchema>;

const latencyMs = z.number().int().min(0).max(3_600_000);
const latencySchema = z.strictObject({
  completion: latencyMs,
  edit: latencyMs,
  refactor: latencyMs,
  chat: latencyMs,
}) satisfies z.ZodType<Record<TaskKind, number>>;
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

// ---------------------------------------------------------------------------------------------
// The setting table: one entry per key, the single source of the setting types, the defaults, the
// merge, the validation and the package.json configuration consistency test.

/** How layers combine: later layers replace, merge object properties, or merge model entries by id. */
export type MergeRule = 'replace' | 'properties' | 'modelsById';

/**
 * What an untrusted workspace may do with a setting: anything, nothing, only make it stricter
 * (judged by `atLeastAsStrict`: whether `candidate` is at least as strict as `base`), or (models)
 * add entries that cannot redirect code or keys.
 */
type UntrustedRule =
  | { untrusted: 'allow' | 'ignore' | 'modelEntries' }
  | { untrusted: 'tightenOnly'; atLeastAsStrict: (candidate: unknown, base: unknown) => boolean };

export type SettingSpec<S extends z.ZodType = z.ZodType> = {
  /** What a valid value is; the setting's type is this schema's output. */
  schema: S;
  /** The value when no layer sets one (package.json's `default` must equal it). */
  default: NoInfer<z.output<S>>;
  scope: SettingScope;
  merge: MergeRule;
  /** How to put it right, appended to validation messages. */
  fix: string;
} & UntrustedRule;

/** One table entry; a function only so that each entry keeps its own schema type. */
function setting<S extends z.ZodType>(spec: SettingSpec<S>): SettingSpec<S> {
  return spec;
}

const noStricterThanNone = (candidate: unknown, base: unknown): boolean => {
  // A cap: 0 means none. A stricter cap is a positive number no larger than the base's.
  if (typeof candidate !== 'number' || !Number.isFinite(candidate) || candidate < 0) return false;
  if (typeof base !== 'number' || base <= 0) return true;
  return candidate > 0 && candidate <= base;
};

/** A budget in US dollars (per request, day or month): 0 means no limit; a workspace may only make it stricter. */
function usdBudget(): SettingSpec<typeof usdCap> {
  return setting({
    schema: usdCap,
    default: 0,
    scope: 'window',
    merge: 'replace',
    untrusted: 'tightenOnly',
    atLeastAsStrict: noStricterThanNone,
    fix: 'set a number of US dollars, or 0 for no limit',
  });
}

// A dotted key nests in the snapshot: `budget.perDayUsd` is `snapshot.budget.perDayUsd`.
export const SETTING_SPECS = {
  models: setting({
    schema: modelsSchema,
    default: DEFAULT_MODELS.map((m) => ({ ...m })),
    scope: 'window',
    merge: 'modelsById',
    untrusted: 'modelEntries',
    fix: 'each model needs id, provider (ollama, openai, anthropic or openai-compatible), model, tier (local, mid or frontier) and contextWindow',
  }),
  routes: setting({
    schema: routesSchema,
    default: {
      completion: ['qwen2.5-coder:1.5b-base'],
      edit: ['gpt-6-luna', 'claude-haiku-4-5'],
      refactor: ['claude-sonnet-5-5', 'gpt-6.1-sol'],
      chat: ['gpt-6-luna', 'claude-haiku-4-5'],
    },
    scope: 'resource',
    merge: 'properties',
    untrusted: 'allow',
    fix: 'give completion, edit, refactor and chat each an ordered list of model ids from switchboard.models',
  }),
  'chat.escalation': setting({
    schema: escalationSchema,
    default: { mode: 'auto', threshold: 0.5, models: [] },
    scope: 'resource',
    merge: 'properties',
    untrusted: 'allow',
    fix: 'use { "mode": "auto" | "never" | "always", "threshold": 0…1, "models": [model ids] }',
  }),
  // Budgets in USD; 0 means no limit.
  'budget.perRequestUsd': usdBudget(),
  'budget.perDayUsd': usdBudget(),
  'budget.perMonthUsd': usdBudget(),
  // Most a model's typical (p50) time to first token may be, per task; 0 means no limit.
  latencyBudgetMs: setting({
    schema: latencySchema,
    default: { completion: 1500, edit: 10_000, refactor: 0, chat: 10_000 },
    scope: 'resource',
    merge: 'properties',
    untrusted: 'allow',
    fix: 'give completion, edit, refactor and chat each a whole number of milliseconds, or 0 for no limit',
  }),
  'privacy.localOnly': setting({
    schema: z.boolean(),
    default: false,
    scope: 'resource',
    merge: 'replace',
    untrusted: 'tightenOnly',
    atLeastAsStrict: (candidate, base) => candidate === true || candidate === base,
    fix: 'use true or false',
  }),
  'fallback.degradeTier': setting({
    schema: z.boolean(),
    default: false,
    scope: 'resource',
    merge: 'replace',
    untrusted: 'allow',
    fix: 'use true or false',
  }),
  'endpoints.ollama': setting({
    schema: httpUrl,
    default: 'http://127.0.0.1:11434',
    scope: 'window',
    merge: 'replace',
    untrusted: 'ignore',
    fix: 'use an http(s) URL such as http://127.0.0.1:11434',
  }),
  'endpoints.openai': setting({
    schema: httpUrl,
    default: 'https://api.openai.com/v1',
    scope: 'window',
    merge: 'replace',
    untrusted: 'ignore',
    fix: 'use an http(s) URL such as https://api.openai.com/v1',
  }),
  'endpoints.anthropic': setting({
    schema: httpUrl,
    default: 'https://api.anthropic.com',
    scope: 'window',
    merge: 'replace',
    untrusted: 'ignore',
    fix: 'use an http(s) URL such as https://api.anthropic.com',
  }),
  'completion.enabled': setting({
    schema: z.boolean(),
    default: true,
    scope: 'resource',
    merge: 'replace',
    untrusted: 'allow',
    fix: 'use true or false',
  }),
  'completion.perLanguage': setting({
    schema: z.record(z.string().min(1), z.boolean()),
    default: { '*': true, plaintext: false, markdown: false, scminput: false },
    scope: 'resource',
    merge: 'properties',
    untrusted: 'allow',
    fix: 'map language ids (or "*") to true or false, e.g. { "*": true, "markdown": false }',
  }),
  'completion.fimFamily': setting({
    schema: z.enum(FIM_FAMILY_SETTINGS),
    default: 'auto',
    scope: 'resource',
    merge: 'replace',
    untrusted: 'allow',
    fix: `use one of ${FIM_FAMILY_SETTINGS.join(', ')}`,
  }),
  'completion.maxLines': setting({
    schema: z.number().int().min(1).max(200),
    default: 8,
    scope: 'resource',
    merge: 'replace',
    untrusted: 'allow',
    fix: 'use a whole number from 1 to 200',
  }),
  'completion.allowCloudFallback': setting({
    schema: z.boolean(),
    default: false,
    scope: 'resource',
    merge: 'replace',
    untrusted: 'tightenOnly',
    atLeastAsStrict: (candidate, base) => candidate === false || candidate === base,
    fix: 'use true or false',
  }),
  'completion.keepAlive': setting({
    schema: keepAliveSchema,
    default: '30m',
    scope: 'window',
    merge: 'replace',
    untrusted: 'allow',
    fix: 'use a duration such as "30m", "1h" or "-1" (keep loaded)',
  }),
  'ab.sampleRate': setting({
    schema: z.number().min(0).max(1),
    default: 0,
    scope: 'window',
    merge: 'replace',
    untrusted: 'tightenOnly',
    atLeastAsStrict: (candidate, base) => typeof candidate === 'number' && typeof base === 'number' && candidate >= 0 && candidate <= base,
    fix: 'use a fraction from 0 (never) to 1 (every request)',
  }),
  'ab.autoApplyRoutes': setting({
    schema: z.boolean(),
    default: false,
    scope: 'application',
    merge: 'replace',
    untrusted: 'ignore',
    fix: 'use true or false',
  }),
  // How long the spend ledger keeps rotated files, and how large it may grow. One ledger serves every
  // window and workspace, so only user settings may say how much of it to keep.
  'ledger.retentionDays': setting({
    schema: z.number().int().min(MIN_RETENTION_DAYS).max(36_500),
    default: DEFAULT_RETENTION.retentionDays,
    scope: 'application',
    merge: 'replace',
    untrusted: 'ignore',
    fix: `use a whole number of days from ${MIN_RETENTION_DAYS} (this month's budget totals need a full month) to 36500; the default is ${DEFAULT_RETENTION.retentionDays}`,
  }),
  'ledger.maxMegabytes': setting({
    schema: z.number().int().min(0).max(1_000_000),
    default: DEFAULT_RETENTION.maxMegabytes,
    scope: 'application',
    merge: 'replace',
    untrusted: 'ignore',
    fix: `use a whole number of megabytes, or 0 for no size cap; the default is ${DEFAULT_RETENTION.maxMegabytes}`,
  }),
};

// ---------------------------------------------------------------------------------------------
// Types derived from the table

export type SettingKey = keyof typeof SETTING_SPECS;

/** Every setting, keyed by its id under `switchboard.`, with the type its schema produces. */
export type SettingValues = { [K in SettingKey]: z.output<(typeof SETTING_SPECS)[K]['schema']> };

/** Which layer chose each provider's endpoint and each model's own baseUrl: a key goes unasked only where the user's settings send it. */
export interface EndpointLayers {
  ollama: SettingLayer;
  openai: SettingLayer;
  anthropic: SettingLayer;
  /** One per model with its own baseUrl: the layer of the entry that set it, and its index in that layer's array. */
  models: readonly { id: string; layer: SettingLayer; index: number }[];
}

export const DEFAULT_ENDPOINT_LAYERS: EndpointLayers = deepFreeze({
  ollama: 'default',
  openai: 'default',
  anthropic: 'default',
  models: [],
});

/** What the snapshot carries beyond the settings: whose spend a cap counts follows from the layer that set it. */
interface SnapshotFacts {
  'budget.spendScope': { day: SpendScope; month: SpendScope };
  'endpoints.layers': EndpointLayers;
}

type GroupOf<K> = K extends `${infer G}.${string}` ? G : K;

/** Flat keys nested as the snapshot reads them: `{ 'a.b': X, c: Y }` becomes `{ a: { b: X }, c: Y }`. */
type Nested<V> = {
  [G in GroupOf<keyof V & string>]: G extends keyof V ? V[G] : { [K in keyof V as K extends `${G}.${infer P}` ? P : never]: V[K] };
};

/** The plain settings the core runs on, grouped by the first part of each key (the resolver hands it out deeply frozen). */
export type SettingsSnapshot = Nested<SettingValues & SnapshotFacts>;

export const SETTING_KEYS = Object.keys(SETTING_SPECS) as SettingKey[];

export const DEFAULT_SETTING_VALUES: Readonly<SettingValues> = deepFreeze(
  Object.fromEntries(SETTING_KEYS.map((key) => [key, SETTING_SPECS[key].default])) as SettingValues,
);

// ---------------------------------------------------------------------------------------------
// Snapshot <-> flat values

export function snapshotFromValues(
  values: SettingValues,
  spendScope: SettingsSnapshot['budget']['spendScope'] = { day: 'all', month: 'all' },
  endpointLayers: EndpointLayers = DEFAULT_ENDPOINT_LAYERS,
): SettingsSnapshot {
  const out: Record<string, unknown> = {};
  const flat: Record<string, unknown> = { ...values, 'budget.spendScope': spendScope, 'endpoints.layers': endpointLayers };
  for (const key of [...SETTING_KEYS, 'budget.spendScope', 'endpoints.layers']) {
    const dot = key.indexOf('.');
    if (dot < 0) out[key] = flat[key];
    else ((out[key.slice(0, dot)] ??= {}) as Record<string, unknown>)[key.slice(dot + 1)] = flat[key];
  }
  return out as SettingsSnapshot;
}

export function valuesFromSnapshot(s: SettingsSnapshot): SettingValues {
  const tree = s as unknown as Record<string, Record<string, unknown>>;
  const out: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const dot = key.indexOf('.');
    out[key] = dot < 0 ? tree[key] : tree[key.slice(0, dot)][key.slice(dot + 1)];
  }
  return out as SettingValues;
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
  // Own keys only: a language id such as `constructor` must not read Object.prototype.
  const map = settings.completion.perLanguage;
  if (Object.hasOwn(map, languageId)) return map[languageId];
  return Object.hasOwn(map, '*') ? map['*'] : true;
}

/**
 * Names a JavaScript object already answers to: Object.prototype's members and `prototype`. A model id
 * like these would read or write the prototype wherever an id indexes a plain object, so none may be one.
 */
const RESERVED_NAMES: ReadonlySet<string> = new Set([
  '__proto__',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  '__lookupSetter__',
  'constructor',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'prototype',
  'toLocaleString',
  'toString',
  'valueOf',
]);

export function isReservedName(name: string): boolean {
  return RESERVED_NAMES.has(name);
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
