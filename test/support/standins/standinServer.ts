// The protocol-independent half of the model-server stand-ins: a loopback HTTP server that records
// every request, answers each with the next scripted step (timing, text, faults), remembers when a
// client hung up, and destroys every socket on close() so no test can hang on it.
import http from 'node:http';
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

/** One request as the stand-in received it. Times are `performance.now()` in the stand-in's process. */
export interface RecordedRequest {
  index: number;
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The body parsed as JSON, or the raw text when it is not JSON. */
  body: unknown;
  rawBody: string;
  /** When the request line and headers arrived. */
  receivedAt: number;
  /** When the last byte of the response was handed to the socket. */
  respondedAt?: number;
  /** When the client closed the connection before the response was complete (abort, timeout). */
  clientClosedAt?: number;
}

/** Failures a step can inject. Token counts say how many text tokens are sent first. */
export type StandinFault =
  /** Any status; `body` defaults to the provider's own error JSON for that status (a string is sent as text). */
  | { type: 'status'; status: number; headers?: Record<string, string>; body?: unknown }
  /** TCP reset (RST) after some tokens. */
  | { type: 'reset'; afterTokens: number }
  /** Sends some tokens, then nothing, keeping the connection open. */
  | { type: 'stall'; afterTokens: number }
  /** A chunk that is not valid JSON for the protocol, after some tokens; the rest follows as normal. */
  | { type: 'malformed'; afterTokens: number }
  /** The provider's in-stream error event (after a 200), then the response ends. */
  | { type: 'streamError'; afterTokens: number; errorType?: string; message?: string }
  /** Ends the response cleanly after some tokens, without the protocol's closing events. */
  | { type: 'truncate'; afterTokens: number }
  /** One token every `intervalMs`, forever (until the client hangs up or the stand-in closes). */
  | { type: 'drip'; intervalMs: number };

/** How one request is answered. `U` is the protocol's usage numbers, in its own wire names. */
export interface StandinStep<U> {
  /** The answer; split into tokens at word boundaries unless `tokens` is given. */
  text?: string;
  tokens?: string[];
  /** Wait before sending anything (status line included). */
  firstByteDelayMs?: number;
  /** Wait between tokens (the token rate). */
  tokenIntervalMs?: number;
  usage?: Partial<U>;
  /** The model name the server reports; defaults to the one requested. */
  model?: string;
  /** The protocol's own stop/finish reason, e.g. 'length' or 'max_tokens'. */
  stopReason?: string;
  fault?: StandinFault;
}

export const DEFAULT_TEXT = 'Hello from the stand-in.';

/** Splits text into word-sized tokens that keep their leading whitespace. */
export function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** What a protocol supplies: its frames and its error bodies. Everything else is common. */
export interface WireFormat<U> {
  /** A non-streaming answer (lists, details, `stream: false`), or undefined to stream. */
  answerJson?(request: RecordedRequest, step: StandinStep<U>, tokens: string[]): { status: number; body: unknown } | undefined;
  /** Whether this path is one the protocol serves; others get 404. */
  serves(request: RecordedRequest): boolean;
  contentType: string;
  open(request: RecordedRequest, step: StandinStep<U>): string[];
  token(request: RecordedRequest, step: StandinStep<U>, text: string): string;
  close(request: RecordedRequest, step: StandinStep<U>, tokens: string[]): string[];
  malformed(request: RecordedRequest): string;
  streamError(request: RecordedRequest, errorType: string | undefined, message: string | undefined): string;
  errorBody(status: number, request: RecordedRequest): unknown;
  errorHeaders?(status: number): Record<string, string>;
}

export interface Standin<U> {
  /** The base URL to give the SDK (OpenAI's includes `/v1`). */
  readonly url: string;
  /** `http://127.0.0.1:PORT`, where the control endpoint (`/__standin/…`) lives. */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** Steps answer the following requests in order; the last one repeats. Replaces any earlier script. */
  script(...steps: StandinStep<U>[]): void;
  /** Answers each request from what it asked (a benchmark's model); undefined falls back to the script. */
  answerWith(respond: ((request: RecordedRequest) => StandinStep<U> | undefined) | undefined): void;
  /** Resolves with `clientClosedAt` once the client has hung up on request `index`. */
  waitForClientClose(index: number, timeoutMs?: number): Promise<number>;
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  /** Forgets recorded requests and the script. */
  reset(): void;
  /** Stops listening and destroys every open socket. */
  close(): Promise<void>;
}

const CONTROL_PREFIX = '/__standin';
const MAX_DRIP_TOKENS = 100_000;
/** Lets the client read what was sent before the reset; a RST can make the kernel drop unread data. */
const RESET_GRACE_MS = 25;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export interface StartOptions {
  port?: number;
  /** Appended to the origin to form `url` (OpenAI's SDK expects `/v1`). */
  basePath?: string;
}

export async function startStandin<U>(wire: WireFormat<U>, options: StartOptions = {}): Promise<Standin<U>> {
  const requests: RecordedRequest[] = [];
  let steps: StandinStep<U>[] = [{}];
  let nextStep = 0;
  let responder: ((request: RecordedRequest) => StandinStep<U> | undefined) | undefined;
  const sockets = new Set<Socket>();
  let closing = false;
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const wake of [...waiters]) wake();
  };

  const takeStep = (request: RecordedRequest): StandinStep<U> => {
    const answered = responder?.(request);
    if (answered) return answered;
    const step = steps[Math.min(nextStep, steps.length - 1)];
    nextStep++;
    return step;
  };

  const server = http.createServer((req, res) => {
    const receivedAt = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '/';
      if (path.startsWith(CONTROL_PREFIX)) {
        handleControl(req.method ?? 'GET', path.slice(CONTROL_PREFIX.length), rawBody, res);
        return;
      }
      const record: RecordedRequest = {
        index: requests.length,
        method: req.method ?? 'GET',
        path,
        headers: req.headers,
        body: parseBody(rawBody),
        rawBody,
        receivedAt,
      };
      requests.push(record);
      res.on('close', () => {
        if (!res.writableFinished && !closing && record.respondedAt === undefined && !serverHungUp.has(res)) {
          record.clientClosedAt = performance.now();
        }
        notify();
      });
      notify();
      void respond(record, takeStep(record), res).catch(() => res.destroy());
    });
  });
  const serverHungUp = new WeakSet<ServerResponse>();

  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  const write = (res: ServerResponse, data: string): Promise<void> =>
    new Promise((resolve) => {
      if (res.destroyed) return resolve();
      res.write(data, () => resolve());
    });
  const end = (res: ServerResponse, record: RecordedRequest, data?: string): Promise<void> =>
    new Promise((resolve) => {
      if (res.destroyed) return resolve();
      res.end(data ?? '', () => {
        record.respondedAt = performance.now();
        resolve();
      });
    });
  const gone = (res: ServerResponse) => res.destroyed || closing;

  async function respond(record: RecordedRequest, step: StandinStep<U>, res: ServerResponse): Promise<void> {
    if (step.firstByteDelayMs) await sleep(step.firstByteDelayMs);
    if (gone(res)) return;
    const fault = step.fault;
    if (!wire.serves(record)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      await end(res, record, JSON.stringify(wire.errorBody(404, record)));
      return;
    }
    if (fault?.type === 'status') {
      const body = fault.body === undefined ? wire.errorBody(fault.status, record) : fault.body;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(fault.status, {
        'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
        ...wire.errorHeaders?.(fault.status),
        ...fault.headers,
      });
      await end(res, record, text);
      return;
    }
    const tokens = step.tokens ?? splitIntoTokens(step.text ?? DEFAULT_TEXT);
    const json = wire.answerJson?.(record, step, tokens);
    if (json) {
      res.writeHead(json.status, { 'content-type': 'application/json; charset=utf-8' });
      await end(res, record, JSON.stringify(json.body));
      return;
    }

    res.writeHead(200, { 'content-type': wire.contentType, 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    for (const frame of wire.open(record, step)) await write(res, frame);

    if (fault?.type === 'drip') {
      for (let i = 0; i < MAX_DRIP_TOKENS && !gone(res); i++) {
        await write(res, wire.token(record, step, i === 0 ? 'drip' : ' drip'));
        await sleep(fault.intervalMs);
      }
      return;
    }

    const cutAt = fault && 'afterTokens' in fault ? fault.afterTokens : Number.POSITIVE_INFINITY;
    for (let i = 0; i < tokens.length; i++) {
      if (gone(res)) return;
      if (i === cutAt && fault) {
        const stop = await injectFault(record, res, fault);
        if (stop) return;
      }
      if (i > 0 && step.tokenIntervalMs) await sleep(step.tokenIntervalMs);
      if (gone(res)) return;
      await write(res, wire.token(record, step, tokens[i]));
    }
    if (fault && cutAt >= tokens.length) {
      const stop = await injectFault(record, res, fault);
      if (stop) return;
    }
    const tail = wire.close(record, step, tokens);
    for (let i = 0; i < tail.length - 1; i++) await write(res, tail[i]);
    await end(res, record, tail[tail.length - 1]);
  }

  /** Returns true when the response is finished (or held open) by the fault. */
  async function injectFault(record: RecordedRequest, res: ServerResponse, fault: StandinFault): Promise<boolean> {
    switch (fault.type) {
      case 'reset':
        await sleep(RESET_GRACE_MS);
        serverHungUp.add(res);
        res.socket?.resetAndDestroy();
        return true;
      case 'stall':
        return true;
      case 'truncate':
        await end(res, record);
        return true;
      case 'streamError':
        await end(res, record, wire.streamError(record, fault.errorType, fault.message));
        return true;
      case 'malformed':
        await write(res, wire.malformed(record));
        return false;
      default:
        return false;
    }
  }

  function handleControl(method: string, path: string, rawBody: string, res: ServerResponse): void {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (method === 'POST' && path === '/script') {
      const parsed = parseBody(rawBody);
      const list = Array.isArray(parsed) ? parsed : [parsed];
      if (list.length === 0 || list.some((s) => typeof s !== 'object' || s === null)) {
        reply(400, { error: 'POST /__standin/script takes a step object or an array of them' });
        return;
      }
      standin.script(...(list as StandinStep<U>[]));
      reply(200, { ok: true, steps: list.length });
    } else if (method === 'GET' && path === '/requests') {
      reply(200, requests);
    } else if (method === 'POST' && path === '/reset') {
      standin.reset();
      reply(200, { ok: true });
    } else {
      reply(404, { error: `unknown control ${method} ${CONTROL_PREFIX}${path}` });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const waitUntil = (ready: () => boolean, timeoutMs: number, what: string): Promise<void> =>
    new Promise((resolve, reject) => {
      if (ready()) return resolve();
      const wake = () => {
        if (!ready()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`stand-in at ${origin}: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(wake);
      };
      waiters.add(wake);
    });

  const standin: Standin<U> = {
    url: origin + (options.basePath ?? ''),
    origin,
    requests,
    script(...next) {
      steps = next.length > 0 ? next : [{}];
      nextStep = 0;
    },
    answerWith(respond) {
      responder = respond;
    },
    async waitForClientClose(index, timeoutMs = 2_000) {
      await waitUntil(() => requests[index]?.clientClosedAt !== undefined, timeoutMs, `the client to close request ${index}`);
      return requests[index].clientClosedAt as number;
    },
    waitForRequests(count, timeoutMs = 2_000) {
      return waitUntil(() => requests.length >= count, timeoutMs, `${count} request(s)`);
    },
    reset() {
      requests.length = 0;
      responder = undefined;
      steps = [{}];
      nextStep = 0;
    },
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
  return standin;
}
