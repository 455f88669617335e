// Shared helper for the settings tests: resolve inspected values the way the VS Code adapter does.
import type { InspectedSettings } from '../../../src/core/settings/merge';
import type { SettingsSnapshot } from '../../../src/core/settings/schema';
import { effectiveSettings } from '../../../src/core/settings/validate';

export function resolve(inspected: InspectedSettings, trusted = true, previousValid?: SettingsSnapshot) {
  return effectiveSettings(inspected, { trusted, previousValid });
}
