// The router panel: decisions, cost, and the A/B feel loop.
import type { Services } from './services';
import { registerNotYetAvailable } from './foundation';

export function registerRouterPanel(services: Services): void {
  registerNotYetAvailable(services, { 'switchboard.openRouterPanel': 'The router panel', 'switchboard.compareModels': 'Model comparison' });
}
