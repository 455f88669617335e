// Usage → US dollars, from the dated price table or a price the user set.
//
// Contract with the provider layer: `Usage.inputTokens` EXCLUDES cached tokens. Anthropic reports
// it that way (input_tokens, cache_read_input_tokens and cache_creation_input_tokens are disjoint);
// OpenAI's prompt_tokens INCLUDES prompt_tokens_details.cached_tokens, so the OpenAI provider
// subtracts them before handing Usage on. Pricing therefore never subtracts anything itself.
import type { ModelRef, Price, Usage } from '../types';
import bundled from './prices.json';

/** Rates that apply to a whole request once its prompt exceeds `aboveTokens`. */
export interface LongPromptPrice extends Price {
  aboveTokens: number;
}

export interface PriceTableEntry extends Price {
  provider: 'anthropic' | 'openai';
  longPrompt?: LongPromptPrice;
  /** Date (YYYY-MM-DD) the provider stops serving the model. */
  retires?: string;
  replacement?: string;
}

export interface PriceTable {
  asOf: string;
  models: Readonly<Record<string, PriceTableEntry>>;
}

export const BUNDLED_PRICES: PriceTable = bundled as PriceTable;

/** A price the router and the ledger can use, and where it came from. */
export interface ResolvedPrice extends Price {
  source: 'settings' | 'table' | 'local';
  longPrompt?: LongPromptPrice;
}

export const FREE: ResolvedPrice = Object.freeze({ source: 'local', input: 0, output: 0, cachedInput: 0, cacheWrite: 0 });

const DATE_SUFFIX = /-(\d{4}-\d{2}-\d{2}|\d{8})$/;

/**
 * The table's entry for a model, matched on the provider's model id with any dated snapshot
 * suffix (`-2025-04-14`, `-20251001`) or router prefix (`openai/`) removed. Only for the vendors'
 * own protocols and OpenAI-compatible resellers; a model served by Ollama is never matched.
 */
export function priceTableEntry(
  model: Pick<ModelRef, 'provider' | 'model'>,
  table: PriceTable = BUNDLED_PRICES,
): PriceTableEntry | undefined {
  if (model.provider === 'ollama') return undefined;
  let name = model.model.trim().toLowerCase();
  const slash = name.lastIndexOf('/');
  if (slash >= 0) name = name.slice(slash + 1);
  const entry = table.models[name] ?? table.models[name.replace(DATE_SUFFIX, '')];
  if (entry === undefined) return undefined;
  if (model.provider !== 'openai-compatible' && entry.provider !== model.provider) return undefined;
  return entry;
}

/**
 * The price for a model: the user's setting wins; a local model (`isLocal`: from `isLocalModel`, by
 * provider or the user's "local", never by a loopback address alone) is free; else the bundled table;
 * `null` when nothing is known (a cloud model the table does not list).
 */
export function priceOf(model: ModelRef, isLocal: boolean, table: PriceTable = BUNDLED_PRICES): ResolvedPrice | null {
  if (model.price !== undefined) return { source: 'settings', ...model.price };
  if (isLocal) return FREE;
  const entry = priceTableEntry(model, table);
  if (entry === undefined) return null;
  const { input, output, cachedInput, cacheWrite, longPrompt } = entry;
  return { source: 'table', input, output, cachedInput, cacheWrite, longPrompt };
}

/** USD for one request's usage. Cache reads and writes fall back to the input rate when the price has none. */
export function costOfUsage(usage: Usage, price: ResolvedPrice): number {
  const promptTokens = usage.inputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
  const rates: Price = price.longPrompt && promptTokens > price.longPrompt.aboveTokens ? price.longPrompt : price;
  const micro =
    usage.inputTokens * rates.input +
    usage.cacheReadTokens * (rates.cachedInput ?? rates.input) +
    usage.cacheWriteTokens * (rates.cacheWrite ?? rates.input) +
    usage.outputTokens * rates.output;
  return micro / 1_000_000;
}

/** What a request is expected to cost before it is sent: every prompt token uncached (the worst case). */
export function estimateCost(promptTokens: number, outputTokens: number, price: ResolvedPrice): number {
  const rates: Price = price.longPrompt && promptTokens > price.longPrompt.aboveTokens ? price.longPrompt : price;
  return (promptTokens * rates.input + outputTokens * rates.output) / 1_000_000;
}
