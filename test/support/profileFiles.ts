// What Switchboard leaves in a VS Code profile, read from outside the extension: its ledger lines
// (global storage) and its log. Used by the integration suite (inside the extension host) and e2e.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const EXTENSION_ID = 'switchboard-dev.switchboard';

/** The ledger folder for a VS Code user-data folder. */
export function ledgerDir(userData: string): string {
  return path.join(userData, 'User', 'globalStorage', EXTENSION_ID, 'ledger');
}

/** Every parsed line of every ledger file (decisions and outcome updates), oldest file first. */
export function readLedgerLines<T = Record<string, unknown>>(userData: string): T[] {
  const dir = ledgerDir(userData);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^ledger-\d+\.jsonl$/.test(f))
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);
}

/** The text of every Switchboard.log under a logs folder (one per window). */
export function readSwitchboardLogs(logsRoot: string): string {
  if (!fs.existsSync(logsRoot)) return '';
  return fs
    .readdirSync(logsRoot, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('Switchboard.log'))
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('');
}
