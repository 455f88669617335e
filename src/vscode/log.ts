// The one log: a LogOutputChannel the user can open with "Switchboard: Show Log". Every line is one line:
// control characters are escaped and length is capped, so no value can forge or flood a line.
import * as vscode from 'vscode';
import type { Logger } from '../core/ports';
import { logLine } from '../core/logText';

export function createLog(): { channel: vscode.LogOutputChannel; logger: Logger } {
  const channel = vscode.window.createOutputChannel('Switchboard', { log: true });
  const logger: Logger = {
    trace: (m) => channel.trace(logLine(m)),
    debug: (m) => channel.debug(logLine(m)),
    info: (m) => channel.info(logLine(m)),
    warn: (m) => channel.warn(logLine(m)),
    error: (m) => channel.error(logLine(m)),
  };
  return { channel, logger };
}
