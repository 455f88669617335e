// The one polling wait for tests that watch something they do not control (a browser, VS Code, a file).
// No vscode or playwright import: the e2e suite and the extension-host bundle both use it.

/** Polls `probe` until it gives a value (not undefined); fails after `timeoutMs` with the last error it threw. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 20_000,
  pollMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
