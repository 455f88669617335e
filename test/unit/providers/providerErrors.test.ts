import assert from 'node:assert/strict';
import { ProviderError } from '../../../src/core/providers/provider';
import type { ProviderErrorKind } from '../../../src/core/providers/provider';
import {
  errorFromHttpStatus,
  errorFromTransport,
  looksLikeContextTooLong,
  parseRetryAfterMs,
  redactSecrets,
} from '../../../src/core/providers/providerErrors';
import type { CallContext } from '../../../src/core/providers/providerErrors';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const ctx: CallContext = { provider: 'openai', model: 'gpt-4.1', baseUrl: 'https://api.openai.com/v1', apiKey: 'sk-live-SECRETSECRET123' };

describe('provider errors', () => {
  describe('parseRetryAfterMs', () => {
    it('reads retry-after as seconds, fractions included', () => {
      assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': '20' }), NOW), 20_000);
      assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': '0.25' }), NOW), 250);
    });

    it('reads retry-after as an HTTP date relative to now', () => {
      assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': 'Sun, 01 Mar 2026 12:00:30 GMT' }), NOW), 30_000);
      assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': 'Sun, 01 Mar 2026 11:59:00 GMT' }), NOW), 0);
    });

    it('prefers retry-after-ms', () => {
      assert.equal(parseRetryAfterMs(new Headers({ 'retry-after-ms': '1234.6', 'retry-after': '60' }), NOW), 1235);
    });

    it('ignores what it cannot read', () => {
      assert.equal(parseRetryAfterMs(new Headers({ 'retry-after': 'soon' }), NOW), undefined);
      assert.equal(parseRetryAfterMs(new Headers({ 'retry-after-ms': '-5' }), NOW), undefined);
      assert.equal(parseRetryAfterMs(new Headers(), NOW), undefined);
      assert.equal(parseRetryAfterMs(undefined, NOW), undefined);
    });
  });

  describe('redactSecrets', () => {
    it('removes the call key, key-shaped tokens and bearer values', () => {
      const text = redactSecrets('bad key sk-live-SECRETSECRET123, also sk-proj-********wxyz and Bearer abc.def', ctx.apiKey);
      assert.equal(text, 'bad key [redacted], also [redacted] and Bearer [redacted]');
    });

    it('shortens very long server messages', () => {
      const text = redactSecrets('x'.repeat(1000));
      assert.equal(text.length, 301);
      assert.ok(text.endsWith('…'));
    });
  });

  it('recognises each provider’s prompt-too-long wording', () => {
    assert.equal(
      looksLikeContextTooLong("This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens."),
      true,
    );
    assert.equal(looksLikeContextTooLong('prompt is too long: 212345 tokens > 200000 maximum'), true);
    assert.equal(looksLikeContextTooLong('input length exceeds the context length'), true);
    assert.equal(looksLikeContextTooLong('whatever', 'context_length_exceeded'), true);
    assert.equal(looksLikeContextTooLong('temperature must be between 0 and 2'), false);
  });

  describe('errorFromHttpStatus', () => {
    const cases: [number, ProviderErrorKind][] = [
      [401, 'auth'],
      [403, 'auth'],
      [404, 'notFound'],
      [408, 'timeout'],
      [413, 'contextTooLong'],
      [429, 'rateLimit'],
      [500, 'server'],
      [502, 'server'],
      [503, 'overloaded'],
      [529, 'overloaded'],
      [400, 'badResponse'],
      [422, 'badResponse'],
    ];
    for (const [status, kind] of cases) {
      it(`${status} → ${kind}`, () => {
        const error = errorFromHttpStatus(ctx, { status, serverMessage: 'nope' }, NOW);
        assert.equal(error.kind, kind);
        assert.equal(error.status, status);
        assert.equal(error.provider, 'openai');
        assert.equal(error.model, 'gpt-4.1');
      });
    }

    it('never repeats the key the server echoed', () => {
      const error = errorFromHttpStatus(ctx, { status: 401, serverMessage: `Incorrect API key provided: ${ctx.apiKey}` }, NOW);
      assert.ok(!error.message.includes(ctx.apiKey as string));
    });
  });

  it('an error after text is shown is not retriable, whatever its kind', () => {
    const before = new ProviderError({ kind: 'network', provider: 'anthropic', model: 'm', message: 'x' });
    const after = new ProviderError({ kind: 'network', provider: 'anthropic', model: 'm', message: 'x', afterOutput: true });
    assert.equal(before.retriable, true);
    assert.equal(after.retriable, false);
  });

  it('says how to start Ollama when it refuses the connection', () => {
    const refused = Object.assign(new TypeError('fetch failed'), {
      cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    });
    const error = errorFromTransport({ provider: 'ollama', model: 'qwen', baseUrl: 'http://127.0.0.1:11434' }, refused, false);
    assert.equal(error.kind, 'network');
    assert.equal(error.message, 'Ollama is not running at http://127.0.0.1:11434 — start it with `ollama serve`.');
  });
});
