// Helpers for the end-to-end tests of the chat, edit and refactor features: themes, screenshots in
// both, commands that open an input box, the chat webview's frame. Everything polls; nothing sleeps.
import type { Frame } from 'playwright-core';
import { eventually } from '../support/eventually';
import type { VsCodeSession } from './vscodeSession';

// The e2e specs import the wait from here, with the rest of their helpers.
export { eventually };

export type Theme = 'dark' | 'light';
/** The themes' names in the picker ("Default Dark Modern" / "Default Light Modern" in settings). */
const THEME_LABELS: Record<Theme, string> = { dark: 'Dark Modern', light: 'Light Modern' };

/** Switches the color theme with "Preferences: Color Theme", as a user would, and waits until the workbench (and webview) show it. */
export async function setTheme(vs: VsCodeSession, theme: Theme, webview?: Frame): Promise<void> {
  const workbench = vs.page.locator(`.monaco-workbench.${theme === 'dark' ? 'vs-dark' : 'vs'}`);
  if ((await workbench.count()) === 0) {
    await startCommand(vs, 'Preferences: Color Theme');
    const input = vs.page.locator('.quick-input-widget input.input[placeholder^="Select Color Theme"]');
    await input.waitFor({ timeout: 15_000 });
    await input.fill(THEME_LABELS[theme]);
    await vs.page
      .locator('.quick-input-widget .monaco-list-row.focused .label-name', { hasText: new RegExp(`^${THEME_LABELS[theme]}$`) })
      .waitFor({ timeout: 15_000 });
    await vs.page.keyboard.press('Enter');
    await vs.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 });
  }
  await workbench.waitFor({ timeout: 20_000 });
  // The parts repaint after the class changes: wait until the status bar has the theme's lightness.
  await eventually(async () => {
    const rgb = await vs.page.locator('.part.statusbar').evaluate((el) => getComputedStyle(el).backgroundColor);
    const [r, g, b] = (rgb.match(/\d+/g) ?? []).map(Number);
    const light = (r + g + b) / 3 > 128;
    return light === (theme === 'light') ? true : undefined;
  }, `the status bar in the ${theme} theme`);
  if (webview) await webview.locator(`body.vscode-${theme}`).waitFor({ timeout: 20_000 });
}

/** A screenshot in the dark and in the light theme; the session is left dark. Returns the files. */
export async function screenshotBothThemes(vs: VsCodeSession, name: string, webview?: () => Promise<Frame>): Promise<string[]> {
  const files: string[] = [];
  await setTheme(vs, 'dark', webview ? await webview() : undefined);
  files.push(await vs.screenshot(`${name}-dark`));
  await setTheme(vs, 'light', webview ? await webview() : undefined);
  files.push(await vs.screenshot(`${name}-light`));
  await setTheme(vs, 'dark', webview ? await webview() : undefined);
  return files;
}

/** Runs a palette command whose result is another quick input (an input box, a pick): picks the entry with exactly this title and does not wait for the widget to close. */
export async function startCommand(vs: VsCodeSession, title: string): Promise<void> {
  await vs.openPalette(title);
  const rows = vs.page.locator('.quick-input-widget .monaco-list-row');
  const index = await eventually(async () => {
    const labels = await rows.evaluateAll((els) => els.map((e) => e.querySelector('.label-name')?.textContent ?? ''));
    const i = labels.findIndex((l) => l.replace(/\s+/g, ' ').trim() === title);
    return i >= 0 ? i : undefined;
  }, `the palette entry "${title}"`);
  await rows.nth(index).click();
}

/** Waits for the quick input titled `title` (an input box or pick) to be in front. */
export async function waitForQuickInput(vs: VsCodeSession, title: string | RegExp): Promise<void> {
  await vs.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).waitFor({ state: 'visible', timeout: 20_000 });
}

/** Types into the quick input in front and presses Enter. */
export async function answerQuickInput(vs: VsCodeSession, text: string): Promise<void> {
  const input = vs.page.locator('.quick-input-widget input.input');
  await input.fill(text);
  await vs.page.keyboard.press('Enter');
}

/** "Compare Models for This Request…": asks `question` and stops at the pick of two models (pre-ticked: the chat route's first two). */
export async function askComparison(vs: VsCodeSession, question: string): Promise<void> {
  await startCommand(vs, 'Switchboard: Compare Models for This Request…');
  await waitForQuickInput(vs, 'Switchboard: Compare Models');
  await answerQuickInput(vs, question);
  await waitForQuickInput(vs, /pick two/);
}

/** The chat view's inner frame (the one with the question box). */
export function chatFrame(vs: VsCodeSession): Promise<Frame> {
  return vs.webviewFrame(async (f) => (await f.locator('.composer .question-input').count()) > 0);
}
