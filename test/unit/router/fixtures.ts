// Shared test fixtures for the router: settings snapshots built through the real resolver, and a fake clock.
import type { ModelRef } from '../../../src/core/types';
import type { InspectedSettings } from '../../../src/core/settings/merge';
import type { SettingsSnapshot } from '../../../src/core/settings/schema';
import { effectiveSettings } from '../../../src/core/settings/validate';

/** A snapshot from user-level values, validated like real settings (fails loudly on a typo in a test). */
export function settingsWith(userValues: Record<string, unknown> = {}): SettingsSnapshot {
  const inspected: InspectedSettings = Object.fromEntries(Object.entries(userValues).map(([k, v]) => [k, { globalValue: v }]));
  const r = effectiveSettings(inspected, { trusted: true });
  const errors = r.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(`test settings invalid: ${errors.map((d) => d.message).join('; ')}`);
  return r.settings;
}

export const LOCAL_CHAT: ModelRef = {
  id: 'local-chat',
  provider: 'ollama',
  model: 'qwen2.5-coder:7b',
  tier: 'local',
  contextWindow: 32_768,
};

export class FakeClock {
  private t = 0;
  monotonic(): number {
    return this.t;
  }
  now(): number {
    return 1_764_000_000_000 + this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
