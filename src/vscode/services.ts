// What every feature adapter receives: built once in activate(), owned by context.subscriptions.
import * as vscode from 'vscode';
import type { Logger, Ports } from '../core/ports';
import type { Ledger } from '../core/cost/ledger';
import { openLedger } from '../core/cost/ledger';
import { BudgetGuard } from '../core/cost/budgets';
import type { BudgetSignal } from '../core/cost/budgets';
import { ModelHealth } from '../core/router/health';
import type { DecisionRecord } from '../core/router/decision';
import type { Outcome } from '../core/types';
import { TaskRunner } from '../core/taskRunner';
import type { ProviderFactory } from '../core/taskRunner';
import { ApiKeys } from './apiKeys';
import { createHostPorts } from './hostPorts';
import { SettingsSource } from './settingsSource';
import { SwitchboardStatus } from './statusBar';

export interface Services {
  context: vscode.ExtensionContext;
  logger: Logger;
  channel: vscode.LogOutputChannel;
  ports: Ports;
  keys: ApiKeys;
  settings: SettingsSource;
  health: ModelHealth;
  budget: BudgetGuard;
  ledger: Promise<Ledger | undefined>;
  runner: TaskRunner;
  status: SwitchboardStatus;
  /** Fires for every decision written to the ledger (and for outcome changes, with the updated record). */
  onDidRecord: vscode.Event<DecisionRecord>;
  /** Shows budget warnings (80%) and limits (100%, with a one-time override). */
  showBudgetSignals(signals: BudgetSignal[]): void;
  /** The user-facing message for a failed request, with a "Set API key" button when a key is missing. */
  showFailure(message: string, needsKeyFor?: string): void;
  /** Records a later outcome (an edit accepted or rejected) in the ledger and fires onDidRecord with the updated record. */
  recordOutcome(record: DecisionRecord, outcome: Outcome): Promise<void>;
  /** Appends a decision made outside the TaskRunner (inline completions) and fires onDidRecord. */
  recordDecision(record: DecisionRecord): Promise<void>;
}

export function createServices(context: vscode.ExtensionContext, logger: Logger, channel: vscode.LogOutputChannel): Services {
  const keys = new ApiKeys(context.secrets, logger);
  const ports = createHostPorts(context, logger, keys);
  const settings = new SettingsSource(logger);
  const health = new ModelHealth(ports.clock);
  const budget = new BudgetGuard();
  const status = new SwitchboardStatus();
  const recorded = new vscode.EventEmitter<DecisionRecord>();
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
  const runner = new TaskRunner({ ports, health, ledger, budget, createProvider: lazyCreateProvider, onRecord: (r) => recorded.fire(r) });

  const refreshSpend = async () => {
    const l = await ledger;
    if (!l) return;
    const spend = await l.spend(ports.clock.now()).catch(() => undefined);
    if (spend) status.setSpend(spend.allDayUsd);
  };
  void refreshSpend();
  // After activation returns: report settings problems at startup without delaying activation.
  setTimeout(() => settings.validateNow(), 0);

  context.subscriptions.push(
    keys,
    settings,
    status,
    recorded,
    recorded.event(() => void refreshSpend()),
    keys.onDidChange(() => health.reset()),
    { dispose: () => void ledger.then((l) => l?.close()) },
  );

  return {
    context,
    logger,
    channel,
    ports,
    keys,
    settings,
    health,
    budget,
    ledger,
    runner,
    status,
    onDidRecord: recorded.event,
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
    async recordOutcome(record, outcome) {
      try {
        await (await ledger)?.updateOutcome(record, outcome, ports.clock.now());
      } catch (e) {
        logger.warn(`ledger: could not record outcome ${outcome} for decision ${record.id}: ${e instanceof Error ? e.message : String(e)}`);
      }
      recorded.fire({ ...record, outcome });
    },
    recordDecision: (record) => runner.append(record),
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
