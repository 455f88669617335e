// Which FIM format a model speaks, and whether Ollama can build the prompt itself (native `suffix`)
// or we must send the family's raw template. Decided from the model's Ollama template (/api/show),
// its name, and the user's override, in that order of trust after the override.
import { FIM_FAMILIES, FIM_TEMPLATES } from './fimTemplates';
import type { FimFamilyId } from './fimTemplates';

/** The per-model setting: `auto` (default), `native` (trust Ollama's template), or a family id. */
export type FimOverride = 'auto' | 'native' | FimFamilyId;
export const FIM_OVERRIDES: readonly FimOverride[] = ['auto', 'native', ...FIM_FAMILIES];

/**
 * `native`: send prefix and suffix, Ollama applies the model's template.
 * `raw`: send the family's template verbatim (`rawPrompt`).
 * `prefixOnly`: the format is unknown, so only the code before the cursor is sent, as plain text.
 */
export type FimMode = 'native' | 'raw' | 'prefixOnly';

export type FamilySource = 'override' | 'template' | 'name';

export interface FimPlan {
  model: string;
  family: FimFamilyId | null;
  familySource: FamilySource | null;
  mode: FimMode;
  /** One line saying why this mode, for logs and the router panel. */
  reason: string;
  /** Something the user should act on; absent when all is well. */
  warning?: string;
}

export interface FimModelInfo {
  /** Provider model id, e.g. `qwen2.5-coder:1.5b-base`. */
  model: string;
  /** The model's template text from Ollama's /api/show; undefined when not known (not fetched, not Ollama). */
  template?: string;
  /** The user's override (ModelRef.fimTemplate); undefined or `auto` to detect. */
  override?: string;
}

/** Native FIM only works when the template places `.Suffix`; otherwise Ollama silently drops the suffix. */
export function templateReferencesSuffix(template: string): boolean {
  return /\{\{[^}]*\.Suffix\b[^}]*\}\}/.test(template);
}

// Order matters: CodeGemma reuses Qwen's `<|fim_prefix|>` spelling, so it is recognised by its other tokens first.
const TEMPLATE_MARKERS: ReadonlyArray<{ family: FimFamilyId; test: (template: string) => boolean }> = [
  { family: 'codegemma', test: (t) => t.includes('<|fim_prefix|>') && (t.includes('<start_of_turn>') || t.includes('<|file_separator|>')) },
  { family: 'qwen', test: (t) => t.includes('<|fim_prefix|>') },
  { family: 'starcoder2', test: (t) => t.includes('<fim_prefix>') },
  { family: 'deepseek', test: (t) => t.includes('<｜fim▁begin｜>') },
  { family: 'codellama', test: (t) => t.includes('<PRE>') && t.includes('<SUF>') },
  { family: 'codestral', test: (t) => t.includes('[SUFFIX]') && t.includes('[PREFIX]') },
];

// Names say which token spelling a model was trained with; CodeQwen1.5 and stable-code use StarCoder's.
const NAME_PATTERNS: ReadonlyArray<{ family: FimFamilyId; pattern: RegExp }> = [
  { family: 'codegemma', pattern: /codegemma/ },
  { family: 'starcoder2', pattern: /codeqwen|starcoder|stable-?code/ },
  { family: 'qwen', pattern: /qwen[\d.]*[-_]?coder/ },
  { family: 'deepseek', pattern: /deepseek[-_]?coder/ },
  { family: 'codellama', pattern: /code[-_]?llama/ },
  { family: 'codestral', pattern: /codestral/ },
];

export function familyFromTemplate(template: string): FimFamilyId | null {
  return TEMPLATE_MARKERS.find((m) => m.test(template))?.family ?? null;
}

export function familyFromName(model: string): FimFamilyId | null {
  const name = model.toLowerCase();
  return NAME_PATTERNS.find((p) => p.pattern.test(name))?.family ?? null;
}

// Families whose templates look alike: there the name tells them apart (their stop tokens differ).
const SHARED_SPELLING: ReadonlyArray<ReadonlySet<FimFamilyId>> = [new Set<FimFamilyId>(['qwen', 'codegemma'])];

export function detectFamily(model: string, template: string | undefined): { family: FimFamilyId | null; source: FamilySource | null } {
  const fromTemplate = template ? familyFromTemplate(template) : null;
  const fromName = familyFromName(model);
  if (fromTemplate) {
    const nameRefines =
      fromName !== null && fromName !== fromTemplate && SHARED_SPELLING.some((group) => group.has(fromName) && group.has(fromTemplate));
    return nameRefines ? { family: fromName, source: 'name' } : { family: fromTemplate, source: 'template' };
  }
  if (fromName) return { family: fromName, source: 'name' };
  return { family: null, source: null };
}

const NAME_SAYS_BASE = /[-_:./](base|code)([-_:./]|$)/;
const NAME_SAYS_CHAT = /(^|[-_:./])(instruct|chat|it)([-_:./]|$)/;
// Ollama tags of these families without `-base` are the instruct models.
const UNTAGGED_IS_INSTRUCT = [/qwen2\.5[-_]?coder/];
const CHAT_TEMPLATE_MARKERS = ['.Messages', '<|im_start|>', '[INST]', '<start_of_turn>', '### Instruction', '<｜User｜>'];

/**
 * Whether this is an instruct/chat tune (poor at FIM). A `-base`/`-code` tag wins; otherwise the name or a
 * chat-shaped template says so — Ollama's untagged `qwen2.5-coder:7b` is the instruct model.
 */
export function isChatTuned(model: string, template: string | undefined): boolean {
  const name = model.toLowerCase();
  if (NAME_SAYS_BASE.test(name)) return false;
  if (NAME_SAYS_CHAT.test(name) || UNTAGGED_IS_INSTRUCT.some((p) => p.test(name))) return true;
  return template !== undefined && CHAT_TEMPLATE_MARKERS.some((m) => template.includes(m));
}

export function parseFimOverride(value: string | undefined): { override: FimOverride; problem?: string } {
  if (value === undefined || value.trim() === '') return { override: 'auto' };
  const normalised = value.trim().toLowerCase();
  if ((FIM_OVERRIDES as readonly string[]).includes(normalised)) return { override: normalised as FimOverride };
  return {
    override: 'auto',
    problem: `Unknown fimTemplate "${value}": use one of ${FIM_OVERRIDES.join(', ')}. Detecting the format instead.`,
  };
}

function joinWarnings(...warnings: Array<string | undefined>): string | undefined {
  const present = warnings.filter((w): w is string => w !== undefined);
  return present.length > 0 ? present.join(' ') : undefined;
}

/** Decides how completions for this model are prompted. Pure: the caller fetches the template. */
export function planFim(info: FimModelInfo): FimPlan {
  const { model, template } = info;
  const { override, problem } = parseFimOverride(info.override);
  const detected = detectFamily(model, template);
  const suffixInTemplate = template !== undefined && templateReferencesSuffix(template);
  // A template with a .Suffix branch also serving chat is a FIM model: there only the name can say "instruct".
  const chatWarning = isChatTuned(model, suffixInTemplate ? undefined : template)
    ? `${model} looks like an instruct/chat model, and these are poor at fill-in-the-middle: prefer a base tag (e.g. qwen2.5-coder:1.5b-base).`
    : undefined;

  if (override !== 'auto' && override !== 'native') {
    return {
      model,
      family: override,
      familySource: 'override',
      mode: 'raw',
      reason: `fimTemplate is set to ${override}: sending the ${FIM_TEMPLATES[override].label} FIM format as a raw prompt.`,
      warning: joinWarnings(problem, chatWarning),
    };
  }
  if (override === 'native') {
    const suffixWarning =
      template !== undefined && !templateReferencesSuffix(template)
        ? `fimTemplate is "native" but ${model}'s template does not place .Suffix, so Ollama will ignore the code after the cursor.`
        : undefined;
    return {
      model,
      ...familyOf(detected),
      mode: 'native',
      reason: `fimTemplate is "native": Ollama builds the FIM prompt from ${model}'s own template.`,
      warning: joinWarnings(suffixWarning, chatWarning),
    };
  }

  if (suffixInTemplate) {
    return {
      model,
      ...familyOf(detected),
      mode: 'native',
      reason: `${model}'s Ollama template places .Suffix, so Ollama builds the FIM prompt itself.`,
      warning: joinWarnings(problem, chatWarning),
    };
  }
  if (detected.family !== null) {
    const why = template === undefined ? 'its template is not known' : 'its template does not place .Suffix';
    return {
      model,
      ...familyOf(detected),
      mode: 'raw',
      reason: `${model}: ${why}; sending the ${FIM_TEMPLATES[detected.family].label} FIM format (recognised from its ${detected.source}) as a raw prompt.`,
      warning: joinWarnings(problem, chatWarning),
    };
  }
  return {
    model,
    family: null,
    familySource: null,
    mode: 'prefixOnly',
    reason: `${model}: no known FIM format; completing from the code before the cursor only.`,
    warning: joinWarnings(
      problem,
      `Switchboard does not know the fill-in-the-middle format of ${model} (${
        template === undefined ? 'its template is not known' : 'its template does not place .Suffix'
      } and its name matches no known family), so completions ignore the code after the cursor. ` +
        `Set this model's fimTemplate to one of ${FIM_FAMILIES.join(', ')}, or "native".`,
      chatWarning,
    ),
  };
}

function familyOf(detected: { family: FimFamilyId | null; source: FamilySource | null }): Pick<FimPlan, 'family' | 'familySource'> {
  return { family: detected.family, familySource: detected.source };
}
