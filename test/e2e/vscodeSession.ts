// One real VS Code (code-server) with Switchboard installed from its VSIX, driven through a headless
// chromium as a person would. Screenshots go to artifacts/e2e/ (git-ignored).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BrowserContext, Frame, Locator, Page } from 'playwright-core';
import {
  makeProfile,
  installExtensions,
  startCodeServer,
  launchBrowser,
  workbenchUrl,
  removeProfile,
  outsideRequests,
  ROOT,
} from '../harness/codeServer.mjs';
import { buildSwitchboardVsix, freshWorkspace } from '../harness/build.mjs';

export const ARTIFACTS = path.join(ROOT, 'artifacts', 'e2e');

export interface SessionOptions {
  settings?: Record<string, unknown>;
  /** Written to the workspace's .vscode/settings.json before VS Code starts. */
  workspaceSettings?: Record<string, unknown>;
  /** false: the folder opens in restricted mode (VS Code's workspace trust is on and never asks). */
  trusted?: boolean;
  env?: Record<string, string>;
  colorScheme?: 'dark' | 'light';
}

let cachedVsix: string | undefined;

export class VsCodeSession {
  page!: Page;
  workspace!: string;
  private context!: BrowserContext;
  private dirs!: ReturnType<typeof makeProfile>;
  private server!: Awaited<ReturnType<typeof startCodeServer>>;

  static async start(options: SessionOptions = {}): Promise<VsCodeSession> {
    const s = new VsCodeSession();
    cachedVsix ??= buildSwitchboardVsix();
    s.dirs = makeProfile({ settings: options.settings ?? {}, prefix: 'sb-e2e-' });
    s.workspace = freshWorkspace(path.join(s.dirs.base, 'workspace'));
    if (options.workspaceSettings) {
      fs.mkdirSync(path.join(s.workspace, '.vscode'), { recursive: true });
      fs.writeFileSync(path.join(s.workspace, '.vscode', 'settings.json'), JSON.stringify(options.workspaceSettings, null, 2));
    }
    installExtensions(s.dirs, [cachedVsix]);
    s.server = await startCodeServer(s.dirs, { env: options.env ?? {}, trustWorkspace: options.trusted ?? true });
    const browser = await launchBrowser(s.dirs, { colorScheme: options.colorScheme ?? 'dark' });
    s.context = browser.context;
    s.page = browser.page;
    await s.page.goto(workbenchUrl(s.server, s.workspace));
    await s.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await s.page.locator('.statusbar').waitFor({ timeout: 60_000 });
    return s;
  }

  get userDataDir(): string {
    return this.dirs.userData;
  }

  /** Ends the session; throws (failing the test's hook) when VS Code tried to reach a host other than loopback. */
  async stop(): Promise<void> {
    await this.context?.close().catch(() => undefined);
    await this.server?.stop();
    if (!this.dirs) return;
    const outside = outsideRequests(this.dirs, this.server?.logs ?? []);
    removeProfile(this.dirs);
    if (outside.length > 0) throw new Error(`VS Code tried to reach a host other than loopback:\n${outside.slice(0, 5).join('\n')}`);
  }

  async screenshot(name: string): Promise<string> {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** Opens the command palette and types; returns the visible entries' labels. */
  async paletteEntries(query: string): Promise<string[]> {
    await this.openPalette(query);
    const rows = this.page.locator('.quick-input-widget .monaco-list-row');
    await rows.first().waitFor({ timeout: 15_000 });
    const labels = await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).getAttribute('aria-label') ?? e.textContent ?? ''));
    return labels;
  }

  async openPalette(query: string): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    const input = widget.locator('input.input');
    if (await widget.isVisible()) {
      await this.page.keyboard.press('Escape');
      await widget.waitFor({ state: 'hidden', timeout: 15_000 });
    }
    // A webview that takes focus late (VS Code tells the workbench asynchronously) closes a palette that
    // just opened, as it would for a person: open it again, a bounded number of times.
    for (let attempt = 1; ; attempt++) {
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      try {
        await input.fill(`>${query}`, { timeout: attempt < 3 ? 5_000 : 15_000 });
        return;
      } catch (e) {
        if (attempt >= 3 || (await widget.isVisible())) throw e;
      }
    }
  }

  async runCommand(title: string): Promise<void> {
    await this.openPalette(title);
    const row = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
  }

  async openFile(relative: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(relative);
    // The list first shows recently opened files: wait until the top row is the one asked for.
    const top = this.page.locator('.quick-input-widget .monaco-list-row').first();
    await top.filter({ hasText: path.basename(relative) }).waitFor({ timeout: 15_000 });
    await this.page.keyboard.press('Enter');
    await this.page.locator(`.tab[data-resource-name="${path.basename(relative)}"]`).waitFor({ timeout: 15_000 });
    await this.page.locator('.monaco-editor .view-lines').first().waitFor();
  }

  /** Opens a file and puts the cursor at its end, ready to type. */
  async openFileAtEnd(relative: string): Promise<void> {
    await this.openFile(relative);
    await this.editorLines().click();
    await this.page.keyboard.press('Control+End');
  }

  /** The text area of the active editor. */
  editorLines(): Locator {
    return this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
  }

  /** The active editor's visible text (Monaco renders spaces as no-break spaces). */
  async editorText(): Promise<string> {
    return (await this.editorLines().innerText()).replace(/\u00a0/g, ' ');
  }

  /** Ghost text (an inline suggestion) in the active editor. */
  ghostText(): Locator {
    return this.page
      .locator(
        '.editor-group-container.active .monaco-editor .ghost-text, .editor-group-container.active .monaco-editor .ghost-text-decoration',
      )
      .first();
  }

  /** Waits until the status bar shows `text`, e.g. the completion model once Switchboard has activated. */
  async waitForStatusBar(text: string, timeoutMs = 30_000): Promise<void> {
    await this.page.locator('.statusbar-item', { hasText: text }).waitFor({ timeout: timeoutMs });
  }

  /** The inner frame of a webview whose outer iframe title or view matches; polls until its #root has content. */
  async webviewFrame(match: (f: Frame) => Promise<boolean>, timeoutMs = 30_000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const f of this.page.frames()) {
        try {
          if (await match(f)) return f;
        } catch {
          // frame detached while probing
        }
      }
      if (Date.now() > deadline) throw new Error('webview frame did not appear');
      await this.page.waitForTimeout(100);
    }
  }
}
