// @vscode/test-electron wants run() to reject on failure.
import { run as runSuite } from './index';

export async function run(): Promise<void> {
  const summary = await runSuite();
  process.stdout.write(`${summary.passed} passed, ${summary.failed} failed\n`);
  if (summary.failed > 0) throw new Error(`${summary.failed} integration test(s) failed`);
}
