export function buildSwitchboardVsix(): string;
export function buildRunnerVsix(): string;
export function buildIntegrationSuite(): string;
export function freshWorkspace(dest: string): string;
