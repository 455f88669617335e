// Registers each feature in isolation, as Copilot Chat's contribution collection does: a feature that
// throws is logged with its name and the others still register. It lives beside activate() but
// needs nothing from vscode, so a unit test can check it outside VS Code.
import type { Logger } from '../core/ports';

export interface Feature {
  name: string;
  /** A core feature's failure is also shown to the user (one message for all of them), not only logged. */
  core: boolean;
  register(): void;
}

export interface FeatureOutcome {
  name: string;
  /** Time its registration took, in milliseconds. */
  ms: number;
  error?: Error;
}

export interface FeatureHost {
  logger: Logger;
  /** Shows a message to the user; called at most once per call of registerFeatures. */
  showError(message: string): void;
  now?(): number;
}

/** Registers every feature in order, each in its own try/catch; returns what happened to each. */
export function registerFeatures(features: readonly Feature[], host: FeatureHost): FeatureOutcome[] {
  const now = host.now ?? (() => performance.now());
  const outcomes: FeatureOutcome[] = [];
  for (const feature of features) {
    const started = now();
    try {
      feature.register();
      outcomes.push({ name: feature.name, ms: now() - started });
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      host.logger.error(`${feature.name} could not be registered: ${error.stack ?? error.message}`);
      outcomes.push({ name: feature.name, ms: now() - started, error });
    }
  }
  const failedCore = features.filter((f, i) => f.core && outcomes[i].error).map((f) => f.name);
  if (failedCore.length > 0) {
    host.showError(
      `Switchboard: ${failedCore.join(', ')} failed to start; the rest works. The log (Switchboard: Show Log) has the details.`,
    );
  }
  return outcomes;
}
