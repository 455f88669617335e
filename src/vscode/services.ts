// The host's parts, built once in activate() and owned by context.subscriptions: ports, keys,
// settings, the decision log and the task runner, the status bar, and the notices features share.
// activate() hands each feature only the parts it uses.
import * as vscode from 'vscode';
import type { Logger, Ports } from '../core/ports';
import type { Ledger } from '../core/cost/ledger';
import { openLedger } from '../core/cost/ledger';
import { BudgetGuard } from '../core/cost/budgets';
import type { BudgetSignal } from '../core/cost/budgets';
import { ModelHealth } from '../core/router/health';
import type { DecisionRecord } from '../core/router/decision';
import { DecisionLog } from '../core/decisionLog';
import { TaskRunner } from '../core/taskRunner';
import { ProviderCache } from '../core/providers/providerCache';
import type { ProviderFactory } from '../core/providers/providerCache';
import { ApiKeys } from './apiKeys';
import { createHostPorts } from './hostPorts';
import { SettingsSource } from './settingsSource';
import { SwitchboardStatus } from './statusBar';

/** The user-facing messages several features show the same way. */
export interface Notices {
  /** Shows budget warnings (80%) and limits (100%, with a one-time override). */
  showBudgetSignals(signals: BudgetSignal[]): void;
  /** The user-facing message for a failed request, with a "Set API key" button when a key is missing. */
  showFailure(message: string, needsKeyFor?: string): void;
}

export interface Services {
  ports: Ports;
  keys: ApiKeys;
  settings: SettingsSource;
  /** Opened in the background; read by the router panel. Written only through `log`. */
  ledger: Promise<Ledger | undefined>;
  /** One provider per model and endpoint, for the TaskRunner and the completion engine alike. */
  providers: ProviderCache;
  /** The one writer of decisions and outcomes. */
  log: DecisionLog;
  /** `log.onDidRecord` as a VS Code event: every decision appended, and every outcome change with the updated record. */
  onDidRecord: vscode.Event<DecisionRecord>;
  runner: TaskRunner;
  status: SwitchboardStatus;
  notices: Notices;
}

export function createServices(context: vscode.ExtensionContext, logger: Logger, channel: vscode.LogOutputChannel): Services {
  const keys = new ApiKeys(context.secrets, logger, context.globalState);
  const ports = createHostPorts(context, logger, keys);
  const settings = new SettingsSource(logger);
  const health = new ModelHealth(ports.clock);
  const budget = new BudgetGuard();
  const status = new SwitchboardStatus();
  // Read at each prune, so a changed retention setting applies to the next one.
  const ledger = openLedger(ports, { retention: () => settings.snapshot().ledger }).then(
    (l) => l,
    (e: unknown) => {
      logger.warn(
        `ledger: could not open ${ports.storageDir} — decisions will not be recorded: ${e instanceof Error ? e.message : String(e)}`,
      );
      return undefined;
    },
  );
  const log = new DecisionLog({ ports, ledger, budget });
  const recorded = new vscode.EventEmitter<DecisionRecord>();
  const providers = new ProviderCache(ports, lazyCreateProvider);
  const runner = new TaskRunner({ ports, providers, health, budget, log });

  const refreshSpend = async () => {
    const usd = await log.todaySpendUsd();
    if (usd !== undefined) status.setSpend(usd);
  };
  void refreshSpend();
  // After activation returns: report settings problems at startup without delaying activation.
  setTimeout(() => settings.validateNow(), 0);

  context.subscriptions.push(
    keys,
    settings,
    status,
    recorded,
    log.onDidRecord((r) => recorded.fire(r)),
    recorded.event(() => void refreshSpend()),
    keys.onDidChange(() => health.reset()),
    { dispose: () => void ledger.then((l) => l?.close()) },
  );

  return {
    ports,
    keys,
    settings,
    ledger,
    providers,
    log,
    onDidRecord: recorded.event,
    runner,
    status,
    notices: createNotices(budget, channel),
  };
}

function createNotices(budget: BudgetGuard, channel: vscode.LogOutputChannel): Notices {
  return {
    showBudgetSignals(signals) {
      for (const s of signals) {
        if (s.kind === 'nearLimit') {
          void vscode.window.showWarningMessage(`Switchboard: ${s.message}`);
          continue;
        }
        void vscode.window.showWarningMessage(`Switchboard: ${s.message}`, 'Allow One Request', 'Open Settings').then((pick) => {
          if (pick === 'Allow One Request') budget.grantOverride();
          else if (pick === 'Open Settings')
            void vscode.commands.executeCommand(
              'workbench.action.openSettings',
              `switchboard.budget.per${s.period === 'day' ? 'Day' : 'Month'}Usd`,
            );
        });
      }
    },
    showFailure(message, needsKeyFor) {
      if (needsKeyFor) {
        void vscode.window.showErrorMessage(`Switchboard: ${message}`, 'Set API Key').then((pick) => {
          if (pick) void vscode.commands.executeCommand('switchboard.setApiKey', needsKeyFor);
        });
      } else {
        void vscode.window.showErrorMessage(`Switchboard: ${message}`, 'Show Log').then((pick) => {
          if (pick) channel.show(true);
        });
      }
    },
  };
}

/** The SDKs are ~800 KB: dist/providers.js is loaded on the first request, not at activation. */
export const lazyCreateProvider: ProviderFactory = (...args) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(require('node:path').join(__dirname, 'providers.js')) as { createProvider: ProviderFactory };
  return mod.createProvider(...args);
};
