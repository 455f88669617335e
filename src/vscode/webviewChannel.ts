// The host side of one webview, for the chat view and the router panel alike: attach (again when the view is
// re-created), validate every incoming message, the `ready` handshake, and posting. Posts made before the
// handshake wait in a bounded queue and follow the reply to `ready`, in order. It lives in src/vscode but imports
// vscode for types only, so it is unit-tested outside VS Code.
import type * as vscode from 'vscode';
import type { Clock, Logger } from '../core/ports';
import { systemClock } from '../core/ports';
import type { Timers } from '../core/completion/timers';
import { systemTimers } from '../core/completion/timers';
import { RateLimitedLog } from '../core/logRateLimit';
import { logValue } from '../core/logText';
import { Disposable } from './lifecycle';

/** Posts that may wait for one handshake; past it the oldest are let go (the reply to `ready` carries the state anyway). */
export const MAX_QUEUED_MESSAGES = 1_000;

/** The part of a webview the channel uses (a real vscode.Webview, or a fake in tests). */
export interface ChannelWebview<Out> {
  postMessage(message: Out): Thenable<boolean>;
  readonly onDidReceiveMessage: vscode.Event<unknown>;
}

export type MessageCheck<In> = { ok: true; message: In } | { ok: false; problem: string };

export interface WebviewChannelOptions<Out, In extends { type: string }> {
  /** Starts each log line, e.g. `chat`. */
  logPrefix: string;
  /** The webview as log lines name it, e.g. `the chat view`. */
  source: string;
  logger: Logger;
  /** The protocol's validator (src/shared): every message goes through it before anything else sees it. */
  check(raw: unknown): MessageCheck<In>;
  /** Work the reply to `ready` waits for (e.g. reading the ledger); a handshake whose view was replaced meanwhile is dropped. */
  prepare?(): Promise<unknown>;
  /**
   * The reply to `ready` (also after a reload), posted before anything queued. It describes the state as it is
   * now, so an owner posts changes to that state only when `isReady`: queued, they would follow the reply, stale.
   */
  replyToReady(): readonly Out[];
  /** Every valid message other than `ready`, once the view has said `ready`. */
  onMessage(message: In): void;
  clock?: Pick<Clock, 'monotonic'>;
  timers?: Timers;
  maxQueued?: number;
}

interface AttachedView<Out> {
  webview: ChannelWebview<Out>;
  /** waiting: no `ready` yet; preparing: `ready` came, the reply is being prepared; open: replied, posts go straight out. */
  state: 'waiting' | 'preparing' | 'open';
  /** Which `ready` of this view is being answered: a later one makes an earlier one's reply stale. */
  handshake: number;
  listener: vscode.Disposable;
}

export class WebviewChannel<Out, In extends { type: string }> extends Disposable {
  private view: AttachedView<Out> | undefined;
  private queue: Out[] = [];
  private letGo = 0;
  private readonly log: RateLimitedLog;
  private readonly maxQueued: number;

  constructor(private readonly options: WebviewChannelOptions<Out, In>) {
    super();
    this.maxQueued = options.maxQueued ?? MAX_QUEUED_MESSAGES;
    this.log = new RateLimitedLog({
      clock: options.clock ?? systemClock,
      timers: options.timers ?? systemTimers,
      write: (line) => options.logger.warn(line),
      summary: (count) =>
        `${options.logPrefix}: … ${count.toLocaleString('en-US')} more ignored messages from ${options.source} in the last minute`,
    });
    this._register({ dispose: () => this.log.flush() });
    this._register({ dispose: () => this.detach() });
  }

  /** True once the attached view said `ready` and got its reply: posts go straight to it. */
  get isReady(): boolean {
    return this.view?.state === 'open';
  }

  /** Takes over a (new) webview with a fresh handshake; the previous one, if any, is let go. Attach before setting its HTML. */
  attach(webview: ChannelWebview<Out>): vscode.Disposable {
    this.detach();
    const view: AttachedView<Out> = { webview, state: 'waiting', handshake: 0, listener: { dispose: () => undefined } };
    view.listener = webview.onDidReceiveMessage((raw) => this.receive(view, raw));
    this.view = view;
    return { dispose: () => (this.view === view ? this.detach() : view.listener.dispose()) };
  }

  /** Posts to the ready view, or queues until the next reply to `ready` has gone out. */
  post(message: Out): void {
    const view = this.view;
    if (view?.state === 'open') {
      this.send(view, message);
      return;
    }
    if (this.isDisposed) return;
    this.queue.push(message);
    if (this.queue.length > this.maxQueued) {
      this.queue.shift();
      if (this.letGo++ === 0)
        this.options.logger.warn(
          `${this.options.logPrefix}: more than ${this.maxQueued} messages waited for ${this.options.source} to be ready; the oldest are let go`,
        );
    }
  }

  private detach(): void {
    const view = this.view;
    if (!view) return;
    this.view = undefined;
    view.listener.dispose();
  }

  private send(view: AttachedView<Out>, message: Out): void {
    view.webview.postMessage(message).then(undefined, () => undefined);
  }

  private receive(view: AttachedView<Out>, raw: unknown): void {
    if (this.view !== view) return;
    const { logPrefix, source } = this.options;
    const check = this.options.check(raw);
    if (!check.ok) {
      this.log.write(() => `${logPrefix}: ignored a message from ${source} (${logValue(check.problem)})`);
      return;
    }
    const message = check.message;
    if (message.type === 'ready') {
      void this.handshake(view);
      return;
    }
    if (view.state === 'waiting') {
      this.log.write(() => `${logPrefix}: ignored "${logValue(message.type, 40)}" from ${source} before it was ready`);
      return;
    }
    try {
      this.options.onMessage(message);
    } catch (e) {
      this.options.logger.error(
        `${logPrefix}: handling "${message.type}" failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
    }
  }

  private async handshake(view: AttachedView<Out>): Promise<void> {
    const handshake = ++view.handshake;
    view.state = 'preparing';
    const current = () => this.view === view && view.handshake === handshake;
    try {
      if (this.options.prepare) await this.options.prepare();
      if (!current()) return;
      const reply = this.options.replyToReady();
      view.state = 'open';
      for (const message of reply) this.send(view, message);
      const queued = this.queue;
      this.queue = [];
      this.letGo = 0;
      for (const message of queued) this.send(view, message);
    } catch (e) {
      if (current()) view.state = 'waiting';
      this.options.logger.error(
        `${this.options.logPrefix}: answering "ready" failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`,
      );
    }
  }
}
