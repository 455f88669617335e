// What Switchboard tells the user about its settings: the restricted-mode notice, one summary per change (the details go to the log), values cut short.
import type { SettingsDiagnostic, SettingsNote } from './merge';
import { MAX_ECHOED_CHARS } from './merge';

export const RESTRICTED_MODE_NOTICE = "Restricted mode: Switchboard ignores this folder's endpoints and models";

/** Longest notification text: a message names a setting, two cut values and a fix, and no more. */
export const MAX_NOTICE_CHARS = 5 * MAX_ECHOED_CHARS;

/** The restricted-mode notice, when an untrusted workspace's settings were left out; undefined otherwise. */
export function restrictedModeNotice(notes: readonly SettingsNote[]): string | undefined {
  return notes.some((n) => n.kind === 'untrusted') ? RESTRICTED_MODE_NOTICE : undefined;
}

/**
 * Whether a workspace settings file (JSON with comments) sets a setting restricted mode ignores. VS Code does not
 * show an untrusted workspace's restricted settings to extensions at all, so the file is the only way to know.
 */
export function mentionsRestrictedSettings(settingsFileText: string): boolean {
  return /"switchboard\.(models|endpoints\.[A-Za-z]+)"\s*:/.test(settingsFileText);
}

/** One problem as the log and a notification word it: the message, then what is used meanwhile. */
export function diagnosticText(d: SettingsDiagnostic): string {
  return d.using ? `${d.message} (meanwhile ${d.using})` : d.message;
}

export interface SettingsNotice {
  severity: 'error' | 'warning';
  text: string;
  /** The setting "Open Settings" searches for: the first problem's, without its index. */
  setting: string;
}

/**
 * The one notification for a change of settings: the problem itself when there is one, else how many
 * there are and the first (errors before warnings), with the rest left to the log. Undefined for none.
 */
export function settingsNotice(diagnostics: readonly SettingsDiagnostic[]): SettingsNotice | undefined {
  if (diagnostics.length === 0) return undefined;
  const first = diagnostics.find((d) => d.severity === 'error') ?? diagnostics[0];
  const severity = first.severity;
  const one = cutNotice(diagnosticText(first));
  const text =
    diagnostics.length === 1
      ? `Switchboard: ${one}`
      : `Switchboard: ${diagnostics.length} settings problems (details in the log). The first: ${one}`;
  return { severity, text, setting: first.setting.replace(/\[.*$/, '') };
}

function cutNotice(text: string): string {
  return text.length > MAX_NOTICE_CHARS ? `${text.slice(0, MAX_NOTICE_CHARS - 1)}…` : text;
}
