// The openai and Anthropic SDKs log through a console-shaped object; ours goes to the Logger port.
import type { Logger } from '../ports';

export interface SdkLogger {
  error(message: string, ...rest: unknown[]): void;
  warn(message: string, ...rest: unknown[]): void;
  info(message: string, ...rest: unknown[]): void;
  debug(message: string, ...rest: unknown[]): void;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Only the SDK's own message goes out at warn; what it attaches (headers, stream content) only at trace. */
export function sdkLogger(logger: Logger, prefix: string): SdkLogger {
  const log = (level: (line: string) => void, message: string, rest: unknown[]) => {
    level(`${prefix}: ${message}`);
    if (rest.length > 0) logger.trace(`${prefix}: ${rest.map(describe).join(' ')}`);
  };
  return {
    error: (message, ...rest) => log((line) => logger.warn(line), message, rest),
    warn: (message, ...rest) => log((line) => logger.warn(line), message, rest),
    info: (message, ...rest) => log((line) => logger.debug(line), message, rest),
    debug: (message, ...rest) => log((line) => logger.trace(line), message, rest),
  };
}
