import type { ChildProcess } from 'node:child_process';
import type { BrowserContext, Page } from 'playwright-core';

export const ROOT: string;
export const TOOLS: string;
export const NODE24: string;
export const CODE_SERVER: string;
export const CHROMIUM: string;
export const CHROMIUM_ARGS: string[];
export interface ProfileDirs {
  base: string;
  extensions: string;
  userData: string;
  browser: string;
}
export interface CodeServer {
  url: string;
  port: number;
  proc: ChildProcess;
  logs: string[];
  stop(): Promise<void>;
}
export function assertToolsInstalled(): void;
export function freePort(): Promise<number>;
export function installExtensions(dirs: ProfileDirs, vsixFiles: string[]): void;
export function makeProfile(options?: { settings?: Record<string, unknown>; prefix?: string }): ProfileDirs;
export function startCodeServer(
  dirs: ProfileDirs,
  options?: { env?: Record<string, string>; extraArgs?: string[]; port?: number; quiet?: boolean; trustWorkspace?: boolean },
): Promise<CodeServer>;
export function launchBrowser(
  dirs: ProfileDirs,
  options?: { width?: number; height?: number; colorScheme?: 'dark' | 'light' },
): Promise<{ context: BrowserContext; page: Page; close(): Promise<void> }>;
/** Log lines that show a request to a host other than loopback. */
export function outsideRequests(dirs: ProfileDirs, serverLogs?: string[]): string[];
export function workbenchUrl(server: CodeServer, folder: string): string;
export function removeProfile(dirs: ProfileDirs): void;
