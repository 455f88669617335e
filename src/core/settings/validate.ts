// Validation of merged settings: an invalid part keeps its previous value, and a diagnostic names the setting, the value and the fix.
import type { z } from 'zod';
import type { ModelRef, TaskKind } from '../types';
import { priceTableEntry } from '../cost/price';
import type { EndpointLayers, SettingKey, SettingLayer, SettingSpec, SettingValues, SettingsSnapshot } from './schema';
import {
  DEFAULT_SETTINGS,
  DEFAULT_SETTING_VALUES,
  SETTING_KEYS,
  SETTING_SPECS,
  SETTINGS_SECTION,
  TASKS,
  WORKSPACE_LAYERS,
  deepFreeze,
  isRecord,
  isReservedName,
  modelSchema,
  snapshotFromValues,
  valuesFromSnapshot,
} from './schema';
import type { InspectedSettings, MergedSettings, ModelOrigin, SettingsDiagnostic, SettingsNote } from './merge';
import { LAYER_NAMES, cutName, mergeSettingScopes, shortJson } from './merge';

export interface ResolvedSettings {
  settings: SettingsSnapshot;
  diagnostics: SettingsDiagnostic[];
}

/** The user's own settings (user settings over the defaults, validated): what a broken workspace route falls back to. */
export interface OwnSettings {
  settings: SettingsSnapshot;
  /** Tasks whose route the user set in user settings (the others are the default route). */
  routesSet: ReadonlySet<string>;
}

/**
 * Validates merged values. Any part that is invalid (a whole key, one property of an object
 * setting, one model entry, one route) keeps its value from `previousValid`, and a diagnostic
 * names the setting, the bad value and the fix. The result is deeply frozen.
 */
export function resolveSettings(
  previousValid: SettingsSnapshot,
  merged: Pick<MergedSettings, 'values'> &
    Partial<Pick<MergedSettings, 'origins' | 'modelOrigins' | 'propertyLayers' | 'ignoredForTrust' | 'trusted'>>,
  own?: OwnSettings,
): ResolvedSettings {
  const diagnostics: SettingsDiagnostic[] = [];
  const previous = valuesFromSnapshot(previousValid);
  const out = {} as Record<SettingKey, unknown>;
  let modelOrigins: (ModelOrigin | undefined)[] = [];
  const keptPrevious = new Set<SettingKey>();
  const routeFallback = new RouteFallback(previous, merged, own);

  for (const key of SETTING_KEYS) {
    const id = `${SETTINGS_SECTION}.${key}`;
    const raw = key in merged.values ? merged.values[key] : DEFAULT_SETTING_VALUES[key];
    const spec: SettingSpec = SETTING_SPECS[key];
    if (key === 'models') {
      const validated = validateModels(raw, merged.modelOrigins ?? [], previous.models, diagnostics);
      out.models = validated.models;
      modelOrigins = validated.origins;
    } else if (spec.merge === 'properties' && isRecord(raw)) {
      out[key] = validateProperties(key, raw, previous[key] as unknown as Record<string, unknown>, diagnostics, routeFallback);
    } else {
      const parsed = spec.schema.safeParse(raw);
      if (parsed.success) out[key] = parsed.data;
      else {
        addIssues(id, raw, parsed.error.issues, spec.fix, diagnostics, `using ${shortJson(previous[key])}`);
        out[key] = structuredClone(previous[key]);
        keptPrevious.add(key);
      }
    }
  }

  const values = out as unknown as SettingValues;
  checkModelReferences(values, previous, diagnostics, routeFallback, merged.ignoredForTrust ?? new Map(), merged.trusted ?? true);
  warnRetiringModels(values.models, modelOrigins, diagnostics);

  const origins = merged.origins;
  const spendScope = {
    day: origins && WORKSPACE_LAYERS.has(origins['budget.perDayUsd']) ? 'workspace' : 'all',
    month: origins && WORKSPACE_LAYERS.has(origins['budget.perMonthUsd']) ? 'workspace' : 'all',
  } as const;
  const endpointLayers = endpointLayersOf(values.models, modelOrigins, origins, keptPrevious, previousValid.endpoints.layers);
  return { settings: deepFreeze(snapshotFromValues(values, spendScope, endpointLayers)), diagnostics };
}

/** Which layer set each endpoint and each model's baseUrl; a value kept from before keeps the layer it had. */
function endpointLayersOf(
  models: readonly ModelRef[],
  modelOrigins: readonly (ModelOrigin | undefined)[],
  origins: Partial<Record<SettingKey, SettingLayer>> | undefined,
  keptPrevious: ReadonlySet<SettingKey>,
  previous: EndpointLayers,
): EndpointLayers {
  const layerOf = (key: 'endpoints.ollama' | 'endpoints.openai' | 'endpoints.anthropic', provider: 'ollama' | 'openai' | 'anthropic') =>
    keptPrevious.has(key) ? previous[provider] : (origins?.[key] ?? 'default');
  const withBaseUrl: EndpointLayers['models'][number][] = [];
  models.forEach((m, i) => {
    if (m.baseUrl === undefined) return;
    const origin = modelOrigins[i];
    const entry = origin ? { id: m.id, layer: origin.layer, index: origin.index } : previous.models.find((p) => p.id === m.id);
    // Unknown (e.g. a model with no recorded origin): left out, so its key is asked about.
    if (entry) withBaseUrl.push(entry);
  });
  return {
    ollama: layerOf('endpoints.ollama', 'ollama'),
    openai: layerOf('endpoints.openai', 'openai'),
    anthropic: layerOf('endpoints.anthropic', 'anthropic'),
    models: withBaseUrl,
  };
}

/**
 * Merge then resolve: what the VS Code adapter calls whenever configuration or trust changes. Without a
 * previous valid snapshot (a folder's first resolution), what is broken falls back to the user's own settings.
 */
export function effectiveSettings(
  inspected: InspectedSettings,
  options: { trusted: boolean; previousValid?: SettingsSnapshot; multiRoot?: boolean },
): ResolvedSettings & { notes: SettingsNote[] } {
  const merged = mergeSettingScopes(inspected, { trusted: options.trusted, multiRoot: options.multiRoot });
  const own = ownSettings(inspected);
  const resolved = resolveSettings(options.previousValid ?? own.settings, merged, own);
  return { settings: resolved.settings, diagnostics: [...merged.diagnostics, ...resolved.diagnostics], notes: merged.notes };
}

/** The user's own settings alone, validated against the defaults (its own problems are reported by the full resolution). */
function ownSettings(inspected: InspectedSettings): OwnSettings {
  const userOnly: Record<string, { globalValue: unknown }> = Object.create(null) as Record<string, { globalValue: unknown }>;
  for (const key of SETTING_KEYS) {
    const reported = inspected[key] ?? inspected[`${SETTINGS_SECTION}.${key}`];
    userOnly[key] = { globalValue: reported?.globalValue };
  }
  const settings = resolveSettings(DEFAULT_SETTINGS, mergeSettingScopes(userOnly, { trusted: true })).settings;
  const userRoutes = userOnly.routes.globalValue;
  return { settings, routesSet: new Set(isRecord(userRoutes) ? Object.keys(userRoutes) : []) };
}

/**
 * What a broken route is replaced by, and how the notice names it. A route the workspace broke falls back to
 * the previous valid route, or, when that is gone (a folder's first resolution, or its models vanished), to
 * the user's own route; the notice says which ("refactor uses your own route: …").
 */
class RouteFallback {
  constructor(
    private readonly previous: SettingValues,
    private readonly merged: Partial<Pick<MergedSettings, 'origins' | 'propertyLayers'>>,
    private readonly own: OwnSettings | undefined,
  ) {}

  fromWorkspace(task: string): boolean {
    return this.layerOf('routes', task);
  }

  /** Whether a property of an object setting came from the workspace or a folder. */
  layerOf(key: 'routes' | 'chat.escalation', prop: string): boolean {
    const layer = this.merged.propertyLayers?.get(key)?.get(prop) ?? this.merged.origins?.[key];
    return layer !== undefined && WORKSPACE_LAYERS.has(layer);
  }

  /** The route to use instead, among models that exist (`known`), and the text for the notice. */
  pick(task: TaskKind, known: ReadonlySet<string> | undefined): { ids: string[]; using: string } {
    const usable = (ids: readonly string[]) => (known === undefined ? [...ids] : ids.filter((id) => known.has(id)));
    const previous = usable(this.previous.routes[task] ?? []);
    const own = this.own === undefined ? undefined : usable(this.own.settings.routes[task]);
    const ids = this.fromWorkspace(task) && previous.length === 0 && own !== undefined ? own : previous;
    const isOwn = own !== undefined && this.fromWorkspace(task) && sameIds(ids, own);
    const label = !isOwn ? 'the previous route' : this.own?.routesSet.has(task) ? 'your own route' : 'the default route';
    return { ids, using: ids.length === 0 ? `${task} has no models` : `${task} uses ${label}: ${ids.map(cutName).join(', ')}` };
  }
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
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
    const reserved = isRecord(entry) && typeof entry.id === 'string' && isReservedName(entry.id.trim()) ? entry.id.trim() : undefined;
    if (reserved !== undefined) {
      const at = `${modelPath(origin, i)}.id`;
      const where = origin !== undefined && origin.layer !== 'user' ? ` (in ${LAYER_NAMES[origin.layer]})` : '';
      diagnostics.push({
        setting: at,
        severity: 'error',
        message: `${at}: ${shortJson(reserved)} is a reserved JavaScript name and cannot be a model id — rename the model (for example "${reserved.replace(/^_+|_+$/g, '')}-model") and use the new name in switchboard.routes${where}`,
        using: 'this model is left out',
      });
      return;
    }
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
  routeFallback: RouteFallback,
): unknown {
  const id = `${SETTINGS_SECTION}.${key}`;
  const spec: SettingSpec = SETTING_SPECS[key];
  if (key === 'completion.perLanguage') {
    // Keys are language ids the user typed: collected in a Map, read as own keys only, and made into a
    // plain object by Object.fromEntries, which defines `__proto__` as an ordinary key instead of setting a prototype.
    const out = new Map<string, boolean>();
    for (const [lang, v] of Object.entries(raw)) {
      const before = Object.hasOwn(previous, lang) ? previous[lang] : undefined;
      if (typeof v === 'boolean' && lang.length > 0) out.set(lang, v);
      else
        addIssues(
          `${id}.${cutName(lang)}`,
          v,
          [{ code: 'invalid_type', expected: 'boolean', path: [], message: '' }],
          spec.fix,
          diagnostics,
          typeof before === 'boolean' ? `using ${shortJson(before)}` : 'this entry is left out',
        );
      if (typeof v !== 'boolean' && typeof before === 'boolean') out.set(lang, before);
    }
    return Object.fromEntries(out);
  }
  const shape = (spec.schema as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  for (const [prop, propSchema] of Object.entries(shape)) {
    const v = Object.hasOwn(raw, prop) ? raw[prop] : previous[prop];
    const parsed = propSchema.safeParse(v);
    if (parsed.success) out[prop] = parsed.data;
    else if (key === 'routes') {
      const fallback = routeFallback.pick(prop as TaskKind, undefined);
      addIssues(`${id}.${prop}`, v, parsed.error.issues, spec.fix, diagnostics, fallback.using);
      out[prop] = fallback.ids;
    } else {
      addIssues(`${id}.${prop}`, v, parsed.error.issues, spec.fix, diagnostics, `using ${shortJson(previous[prop])}`);
      out[prop] = structuredClone(previous[prop]);
    }
  }
  for (const prop of Object.keys(raw)) {
    if (!Object.hasOwn(shape, prop)) {
      const name = cutName(prop);
      diagnostics.push({
        setting: `${id}.${name}`,
        severity: 'warning',
        message: `${id}.${name}: ${shortJson(prop)} is not a known property — remove it (known: ${Object.keys(shape).join(', ')})`,
      });
    }
  }
  return out;
}

function checkModelReferences(
  values: SettingValues,
  previous: SettingValues,
  diagnostics: SettingsDiagnostic[],
  routeFallback: RouteFallback,
  ignoredForTrust: ReadonlyMap<string, string>,
  trusted: boolean,
): void {
  const known = new Set(values.models.map((m) => m.id));
  const check = (
    path: string,
    ids: readonly string[],
    what: string,
    fromWorkspace: boolean,
    fallback: () => { ids: string[]; using: string },
  ): string[] => {
    const bad = ids.map((mid, i) => [mid, i] as const).filter(([mid]) => !known.has(mid));
    if (bad.length === 0) return [...ids];
    const instead = fallback();
    for (const [mid, i] of bad) {
      const ignored = ignoredForTrust.get(mid);
      // In restricted mode VS Code hides the workspace's switchboard.models from extensions, so a workspace
      // route naming one of its own models is not a typo to "add there": the definition was ignored for trust.
      const hidden = ignored === undefined && !trusted && fromWorkspace;
      const problem = isReservedName(mid)
        ? 'is a reserved JavaScript name and cannot be a model id — remove it'
        : ignored !== undefined
          ? `is defined in this workspace's settings, but restricted mode ignores it (${ignored}) — trust the workspace to use it, or remove it`
          : hidden
            ? "is not one of your models, and restricted mode ignores model definitions from this workspace's settings — trust the workspace to use a model it defines, or remove it"
            : 'is not a model in switchboard.models — add it there or remove it';
      diagnostics.push({
        setting: `${path}[${i}]`,
        severity: ignored !== undefined || hidden ? 'warning' : 'error',
        message: `${path}[${i}]: ${shortJson(mid)} ${problem} from the ${what}`,
        using: instead.using,
      });
    }
    return instead.ids;
  };
  for (const task of TASKS) {
    values.routes[task] = check(`switchboard.routes.${task}`, values.routes[task], 'route', routeFallback.fromWorkspace(task), () =>
      routeFallback.pick(task, known),
    );
  }
  const esc = values['chat.escalation'];
  const escalationFromWorkspace = routeFallback.layerOf('chat.escalation', 'models');
  esc.models = check('switchboard.chat.escalation.models', esc.models, 'escalation list', escalationFromWorkspace, () => ({
    ids: previous['chat.escalation'].models.filter((mid) => known.has(mid)),
    using: 'the previous escalation list',
  }));
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

function stripUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
