// The cloud models the end-to-end tests route to, each with an explicit price so a test can work out
// the cost it expects: USD per 1M input and output tokens.
export const PRICED_MODELS = {
  luna: {
    id: 'gpt-6-luna',
    provider: 'openai',
    model: 'gpt-6-luna',
    tier: 'mid',
    contextWindow: 1_050_000,
    price: { input: 1.25, output: 10 },
  },
  sol: {
    id: 'gpt-6.1-sol',
    provider: 'openai',
    model: 'gpt-6.1-sol',
    tier: 'frontier',
    contextWindow: 1_050_000,
    price: { input: 2, output: 10 },
  },
  haiku: {
    id: 'claude-haiku-4-5',
    provider: 'anthropic',
    model: 'claude-haiku-4-5',
    tier: 'mid',
    contextWindow: 200_000,
    price: { input: 1, output: 5 },
  },
  sonnet: {
    id: 'claude-sonnet-5-5',
    provider: 'anthropic',
    model: 'claude-sonnet-5-5',
    tier: 'frontier',
    contextWindow: 1_000_000,
    price: { input: 3, output: 15 },
  },
} as const;

/** USD for one request's usage at a model's price above. */
export function costOf(model: keyof typeof PRICED_MODELS, inputTokens: number, outputTokens: number): number {
  const { price } = PRICED_MODELS[model];
  return (inputTokens * price.input + outputTokens * price.output) / 1e6;
}
