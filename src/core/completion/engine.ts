// Sets up the completion model for one workspace: route once, take the provider from the shared
// cache, read the model's template from Ollama, plan the FIM format, and own the pipeline built from
// all that; each model request's line goes to the decision log.
import type { Logger, Ports } from '../ports';
import type { SettingsSnapshot } from '../settings/schema';
import type { ModelRef } from '../types';
import type { ModelProvider } from '../providers/provider';
import { ProviderCache } from '../providers/providerCache';
import type { TaskRunner } from '../taskRunner';
import type { DecisionLog } from '../decisionLog';
import type { Decision } from '../router/route';
import type { DecisionRecord } from '../router/decision';
import { buildDecisionRecord } from '../router/decision';
import { CompletionPipeline } from './pipeline';
import type { RequestRecord } from './pipeline';
import { planFim } from './family';
import type { FimPlan } from './family';
import { systemTimers } from './timers';
import type { Timers } from './timers';

/** Why completions cannot run, with the fix and (optionally) a command that applies it. */
export interface CompletionUnavailable {
  kind: 'unavailable';
  model: string | undefined;
  message: string;
  /** Shell command the user should run, e.g. `ollama serve`. */
  fixCommand?: string;
}

export interface CompletionReady {
  kind: 'ready';
  model: ModelRef;
  plan: FimPlan;
  decision: Decision;
  pipelineFor(languageId: string): CompletionPipeline;
  closeDocument(documentKey: string): void;
  dispose(): void;
}

export type EngineState = CompletionReady | CompletionUnavailable;

export interface EngineDeps {
  runner: Pick<TaskRunner, 'decide'>;
  /** The same cache the TaskRunner takes its providers from. */
  providers: Pick<ProviderCache, 'get'>;
  /** Gets one line per model request when it ends. */
  log: Pick<DecisionLog, 'append'>;
  ports: Ports;
  logger: Logger;
  /** The pipelines' timers; the system's unless a test injects its own. */
  timers?: Timers;
  /** How long the template lookup may take before Ollama counts as not running. */
  detailsTimeoutMs?: number;
}

interface OllamaDetailsSource {
  modelDetails(model: string, signal: AbortSignal): Promise<{ template: string }>;
}

function hasModelDetails(provider: ModelProvider): provider is ModelProvider & OllamaDetailsSource {
  return typeof (provider as Partial<OllamaDetailsSource>).modelDetails === 'function';
}

/** Builds the completion engine for the given settings; never throws (failures come back as `unavailable`). */
export async function prepareCompletionEngine(
  deps: EngineDeps,
  settings: SettingsSnapshot,
  workspace: string | null,
): Promise<EngineState> {
  const decision = await deps.runner.decide(
    {
      task: 'completion',
      call: { kind: 'fim', prefix: '', suffix: '' },
      promptTokens: 0,
      workspace,
      localOnly: !settings.completion.allowCloudFallback,
    },
    settings,
    { preview: true },
  );
  const model = decision.chosen;
  if (!model) return { kind: 'unavailable', model: undefined, message: `No completion model is available: ${decision.explanation}` };

  const baseUrl = ProviderCache.endpointOf(model, settings);
  let provider: ModelProvider;
  try {
    provider = deps.providers.get(model, settings);
  } catch (e) {
    return { kind: 'unavailable', model: model.id, message: errorText(e) };
  }

  let template: string | undefined;
  if (model.provider === 'ollama' && hasModelDetails(provider)) {
    try {
      template = (await provider.modelDetails(model.model, AbortSignal.timeout(deps.detailsTimeoutMs ?? 3000))).template;
    } catch (e) {
      return ollamaProblem(model, baseUrl, e);
    }
  }

  const fimFamily = settings.completion.fimFamily;
  const override = model.fimTemplate ?? (fimFamily === 'auto' ? undefined : fimFamily);
  const plan = planFim({ model: model.model, ...(template !== undefined && { template }), ...(override !== undefined && { override }) });
  if (plan.warning) deps.logger.warn(`completion: ${plan.warning}`);
  deps.logger.info(`completion: ${model.id} — ${plan.reason}`);

  // One pipeline per language, so each ledger line can say which language its request was for.
  const pipelines = new Map<string, CompletionPipeline>();
  const pipelineFor = (languageId: string): CompletionPipeline => {
    let pipeline = pipelines.get(languageId);
    if (!pipeline) {
      pipeline = new CompletionPipeline({
        fetchCompletion: (request, signal) => provider.streamFim(request, signal),
        plan,
        clock: deps.ports.clock,
        timers: deps.timers ?? systemTimers,
        logger: deps.logger,
        settings: { maxLines: settings.completion.maxLines },
        onRequestEnd: (request) => void deps.log.append(recordFor(decision, model, settings, request, languageId, deps.ports.clock.now())),
      });
      pipelines.set(languageId, pipeline);
    }
    return pipeline;
  };
  return {
    kind: 'ready',
    model,
    plan,
    decision,
    pipelineFor,
    closeDocument: (documentKey) => {
      for (const p of pipelines.values()) p.closeDocument(documentKey);
    },
    dispose: () => {
      for (const p of pipelines.values()) p.dispose();
      pipelines.clear();
    },
  };
}

/** One ledger line per model request, with its own id so an acceptance can point at it. */
export function recordFor(
  decision: Decision,
  model: ModelRef,
  settings: SettingsSnapshot,
  request: RequestRecord,
  language: string,
  now: number,
): DecisionRecord {
  // Ids must be unique per line: the routing decision is shared by every request of this engine.
  const perRequest: Decision = { ...decision, id: `${decision.id}-${language}-r${request.requestId}`, at: now };
  const run =
    request.outcome === 'failed'
      ? new Error(errorText(request.error))
      : {
          model,
          final: request.final ?? null,
          hops: [],
          aborted: request.outcome === 'cancelled',
          ttftMs: request.ttftMs,
          totalMs: request.totalMs,
        };
  return buildDecisionRecord({ decision: perRequest, settings, run, language });
}

function ollamaProblem(model: ModelRef, baseUrl: string | undefined, e: unknown): CompletionUnavailable {
  const kind = (e as { kind?: unknown } | undefined)?.kind;
  if (kind === 'notFound') {
    return {
      kind: 'unavailable',
      model: model.id,
      message: `The completion model "${model.model}" is not pulled in Ollama.`,
      fixCommand: `ollama pull ${model.model}`,
    };
  }
  if (kind === 'network' || kind === 'timeout' || (e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError'))) {
    // The provider's own text already says "start it with `ollama serve`": the fix is added once, by the caller.
    return {
      kind: 'unavailable',
      model: model.id,
      message: `Ollama is not answering${baseUrl ? ` at ${baseUrl}` : ''}.`,
      fixCommand: 'ollama serve',
    };
  }
  return { kind: 'unavailable', model: model.id, message: `Could not read "${model.model}" from Ollama: ${errorText(e)}` };
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
