// Scope merging: folder over workspace over user over default, and what an untrusted workspace may not change.
import type { MergeRule, SettingKey, SettingLayer, SettingSpec } from './schema';
import {
  DEFAULT_MODELS,
  DEFAULT_SETTING_VALUES,
  SETTING_KEYS,
  SETTING_SPECS,
  SETTINGS_SECTION,
  WORKSPACE_LAYERS,
  isRecord,
} from './schema';

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
  /** `untrusted`: left out because the workspace is not trusted; `scope`: the setting cannot be set at that layer. */
  kind: 'untrusted' | 'scope';
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
  /** For object settings merged property by property: the layer each property came from. */
  propertyLayers: Map<SettingKey, Map<string, SettingLayer>>;
  /** Whether the workspace was trusted: in restricted mode VS Code itself hides the restricted settings from the workspace. */
  trusted: boolean;
  /** Model ids a workspace defined but restricted mode left out, with why (so a route naming one can say so). */
  ignoredForTrust: Map<string, string>;
  notes: SettingsNote[];
  diagnostics: SettingsDiagnostic[];
}

export interface ModelOrigin {
  layer: SettingLayer;
  /** Index in that layer's own `switchboard.models` array. */
  index: number;
}

/** How each layer is named in notes and diagnostics. */
export const LAYER_NAMES: Record<SettingLayer, string> = {
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
export function mergeSettingScopes(inspected: InspectedSettings, options: { trusted: boolean; multiRoot?: boolean }): MergedSettings {
  const values = {} as Record<SettingKey, unknown>;
  const origins = {} as Record<SettingKey, SettingLayer>;
  const propertyLayers = new Map<SettingKey, Map<string, SettingLayer>>();
  const ignoredForTrust = new Map<string, string>();
  const notes: SettingsNote[] = [];
  const diagnostics: SettingsDiagnostic[] = [];
  let modelOrigins: ModelOrigin[] = DEFAULT_MODELS.map((_, index) => ({ layer: 'default', index }));
  // Model ids the user (or the defaults) defined: an untrusted workspace may not re-point them.
  const trustedModelIds = new Set<string>(DEFAULT_MODELS.map((m) => m.id));

  for (const key of SETTING_KEYS) {
    const spec: SettingSpec = SETTING_SPECS[key];
    const reported = inspected[key] ?? inspected[`${SETTINGS_SECTION}.${key}`];
    const id = `${SETTINGS_SECTION}.${key}`;
    // A single-folder workspace has one settings file, which VS Code reports at both workspace layers.
    const layers: [SettingLayer, unknown][] =
      options.multiRoot === false
        ? [
            ['user', reported?.globalValue],
            ['workspace', reported?.workspaceValue ?? reported?.workspaceFolderValue],
          ]
        : [
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
        notes.push({
          setting: id,
          layer,
          kind: 'scope',
          message: `${id} from ${LAYER_NAMES[layer]} is ignored: it can only be set in user settings.`,
        });
        continue;
      }
      if (layer === 'workspaceFolder' && spec.scope === 'window') {
        notes.push({
          setting: id,
          layer,
          kind: 'scope',
          message: `${id} from folder settings is ignored: set it in the workspace or user settings.`,
        });
        continue;
      }
      if (spec.merge === 'modelsById') {
        const entries =
          fromWorkspace && !options.trusted
            ? untrustedModelEntries(layerValue, layer, trustedModelIds, notes, ignoredForTrust)
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
              kind: 'untrusted',
              message: `${id} from ${LAYER_NAMES[layer]} (${shortJson(layerValue)}) is ignored: this workspace is not trusted, and the value could send your code or keys somewhere new. Trust the workspace to use it.`,
            });
          }
          continue;
        }
        if (spec.untrusted === 'tightenOnly' && !spec.atLeastAsStrict(layerValue, value)) {
          notes.push({
            setting: id,
            layer,
            kind: 'untrusted',
            message: `${id} from ${LAYER_NAMES[layer]} (${shortJson(layerValue)}) is ignored: an untrusted workspace may only make it stricter than ${shortJson(value)}. Trust the workspace to use it.`,
          });
          continue;
        }
      }
      if (spec.merge === 'properties') notePropertyLayers(propertyLayers, key, value, layerValue, layer);
      value = mergeLayer(spec.merge, value, layerValue);
      origin = layer;
    }
    values[key] = value;
    origins[key] = origin;
  }
  return { values, origins, modelOrigins, propertyLayers, trusted: options.trusted, ignoredForTrust, notes, diagnostics };
}

/** Which layer each property of an object setting now comes from (all of them, when a layer replaces the whole value). */
function notePropertyLayers(
  all: Map<SettingKey, Map<string, SettingLayer>>,
  key: SettingKey,
  base: unknown,
  incoming: unknown,
  layer: SettingLayer,
): void {
  let layers = all.get(key);
  if (layers === undefined) all.set(key, (layers = new Map()));
  const replaced = !(isRecord(base) && isRecord(incoming));
  if (replaced) {
    for (const prop of layers.keys()) layers.set(prop, layer);
    if (isRecord(base)) for (const prop of Object.keys(base)) layers.set(prop, layer);
  }
  if (isRecord(incoming)) for (const prop of Object.keys(incoming)) layers.set(prop, layer);
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
  ignoredForTrust: Map<string, string>,
): LayerEntry[] {
  if (!Array.isArray(layerValue)) {
    notes.push({
      setting: 'switchboard.models',
      layer,
      kind: 'untrusted',
      message: `switchboard.models from ${LAYER_NAMES[layer]} is ignored: this workspace is not trusted.`,
    });
    return [];
  }
  const kept: LayerEntry[] = [];
  layerValue.forEach((entry, i) => {
    const at = `switchboard.models[${i}]`;
    if (!isRecord(entry)) {
      notes.push({
        setting: at,
        layer,
        kind: 'untrusted',
        message: `${at} from ${LAYER_NAMES[layer]} is ignored: this workspace is not trusted.`,
      });
      return;
    }
    const name = typeof entry.id === 'string' ? shortJson(entry.id) : 'the entry';
    if (typeof entry.id === 'string' && trustedIds.has(entry.id)) {
      notes.push({
        setting: at,
        layer,
        kind: 'untrusted',
        message: `${at} from ${LAYER_NAMES[layer]} is ignored: it re-defines model ${name} from your settings, which could send your code somewhere new, and this workspace is not trusted.`,
      });
      return;
    }
    if (entry.baseUrl !== undefined || entry.provider === 'openai-compatible') {
      if (typeof entry.id === 'string') ignoredForTrust.set(entry.id.trim(), `it points at its own URL (${shortJson(entry.baseUrl)})`);
      notes.push({
        setting: at,
        layer,
        kind: 'untrusted',
        message: `${at} (${name}) from ${LAYER_NAMES[layer]} is ignored: it points at its own URL (${shortJson(entry.baseUrl)}), which could send your code or keys somewhere new, and this workspace is not trusted.`,
      });
      return;
    }
    let rest: Record<string, unknown> = entry;
    if (entry.price !== undefined) {
      notes.push({
        setting: `${at}.price`,
        layer,
        kind: 'untrusted',
        message: `${at}.price (${name}) from ${LAYER_NAMES[layer]} is ignored: an untrusted workspace cannot set prices that budgets rely on; the bundled price table is used.`,
      });
      const { price: _price, ...withoutPrice } = rest;
      rest = withoutPrice;
    }
    // "local": false only counts a model as cloud (stricter); anything else could make a paid model free or let code out in local-only mode.
    if (entry.local !== undefined && entry.local !== false) {
      notes.push({
        setting: `${at}.local`,
        layer,
        kind: 'untrusted',
        message: `${at}.local (${name}) from ${LAYER_NAMES[layer]} is ignored: an untrusted workspace cannot declare a model local (free, and allowed in local-only mode). Trust the workspace to use it.`,
      });
      const { local: _local, ...withoutLocal } = rest;
      rest = withoutLocal;
    }
    kept.push({ entry: rest, index: i });
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
        message: `switchboard.models[${index}]: ${shortJson(entryId)} appears more than once in ${LAYER_NAMES[layer]} — keep one entry per id (the last one is used)`,
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

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Most characters of a value (or a name from outside) that a message echoes. */
export const MAX_ECHOED_CHARS = 80;

/** A key or name from outside as a message path shows it: cut to 80 characters. */
export function cutName(name: string): string {
  return name.length > MAX_ECHOED_CHARS ? `${name.slice(0, MAX_ECHOED_CHARS - 1)}…` : name;
}

/** A value as a message quotes it: JSON, cut to 80 characters. */
export function shortJson(v: unknown): string {
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > MAX_ECHOED_CHARS ? `${s.slice(0, MAX_ECHOED_CHARS - 3)}…` : s;
}
