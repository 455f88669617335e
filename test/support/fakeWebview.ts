// A webview as the host-side channel sees it (postMessage and onDidReceiveMessage), and a logger that keeps its
// lines, for unit tests outside VS Code. Not a spec file.
import type { Logger } from '../../src/core/ports';

export class FakeWebview<Out> {
  readonly posted: Out[] = [];
  private readonly listeners = new Set<(raw: unknown) => void>();

  readonly onDidReceiveMessage = (listener: (raw: unknown) => unknown): { dispose(): void } => {
    const l = (raw: unknown): void => void listener(raw);
    this.listeners.add(l);
    return { dispose: () => void this.listeners.delete(l) };
  };

  postMessage(message: Out): Promise<boolean> {
    // What VS Code's postMessage does to a message (and throws on).
    this.posted.push(structuredClone(message));
    return Promise.resolve(true);
  }

  /** The webview sending `raw` to the host. */
  send(raw: unknown): void {
    for (const l of [...this.listeners]) l(raw);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }
}

export class LinesLogger implements Logger {
  readonly lines: { level: string; text: string }[] = [];
  trace(text: string): void {
    this.lines.push({ level: 'trace', text });
  }
  debug(text: string): void {
    this.lines.push({ level: 'debug', text });
  }
  info(text: string): void {
    this.lines.push({ level: 'info', text });
  }
  warn(text: string): void {
    this.lines.push({ level: 'warn', text });
  }
  error(text: string): void {
    this.lines.push({ level: 'error', text });
  }
}
