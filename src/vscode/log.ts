// The one log: a LogOutputChannel the user can open with "Switchboard: Show Log".
import * as vscode from 'vscode';
import type { Logger } from '../core/ports';

export function createLog(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('Switchboard', { log: true });
  const logger: Logger = {
    trace: (m) => channel.trace(m),
    debug: (m) => channel.debug(m),
    info: (m) => channel.info(m),
    warn: (m) => channel.warn(m),
    error: (m) => channel.error(m),
  };
  return { channel, logger };
}
