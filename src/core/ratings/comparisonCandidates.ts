// Which models a comparison may use: the chat route first, then every configured model; local ones only under local-only privacy.
import type { SettingsSnapshot } from '../settings/schema';
import type { ModelRef } from '../types';
import { isLocalModel } from '../endpoints';

export function comparisonCandidates(settings: SettingsSnapshot): ModelRef[] {
  const byId = new Map(settings.models.map((m) => [m.id, m]));
  const ordered = [...settings.routes.chat.map((id) => byId.get(id)), ...settings.models].filter((m): m is ModelRef => m !== undefined);
  const unique = [...new Map(ordered.map((m) => [m.id, m])).values()];
  // Local by provider or declaration, as routing judges it: a cloud model behind a loopback proxy is not local.
  return settings.privacy.localOnly ? unique.filter((m) => isLocalModel(m, settings.endpoints)) : unique;
}
