// Ghost text from the local model.
import type { Services } from './services';
import { registerNotYetAvailable } from './foundation';

export function registerInlineCompletions(services: Services): void {
  registerNotYetAvailable(services, { 'switchboard.toggleCompletions': 'Inline completions', 'switchboard.completionAccepted': 'Completion acceptance tracking' });
}
