// Edit selection (mid tier, reviewable diff) and refactor (frontier tier, refactor preview).
import type { Services } from './services';
import { registerNotYetAvailable } from './foundation';

export function registerEditCommands(services: Services): void {
  registerNotYetAvailable(services, { 'switchboard.editSelection': 'Edit selection', 'switchboard.refactor': 'Refactor' });
}
