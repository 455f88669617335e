// The integration suite's entry. Both runners load it: the code-server companion extension
// (CI, this machine) and @vscode/test-electron (`npm run test:electron` on a desktop).
// Results stream, one line per test, to SWITCHBOARD_TEST_LOG when set, else to stdout.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export interface SuiteSummary {
  passed: number;
  failed: number;
  pending: number;
  failures: { title: string; error: string }[];
}

export function run(): Promise<SuiteSummary> {
  const logFile = process.env.SWITCHBOARD_TEST_LOG;
  const emit = (line: string) => (logFile ? fs.appendFileSync(logFile, line + '\n') : process.stdout.write(line + '\n'));
  const mocha = new Mocha({ ui: 'bdd', timeout: 30_000, color: false, reporter: 'base' as never });
  const grep = process.env.SWITCHBOARD_TEST_GREP;
  if (grep) mocha.grep(grep);
  // Restricted-mode tests need a window whose folder is untrusted: the runner starts one just for them.
  const restricted = process.env.SWITCHBOARD_TEST_RESTRICTED === '1';
  for (const f of fs
    .readdirSync(__dirname)
    .filter((f) => f.endsWith('.test.js'))
    .sort()) {
    if (f.endsWith('.restricted.test.js') === restricted) mocha.addFile(path.join(__dirname, f));
  }
  return new Promise((resolve, reject) => {
    const summary: SuiteSummary = { passed: 0, failed: 0, pending: 0, failures: [] };
    try {
      const runner = mocha.run(() => resolve(summary));
      runner.on('pass', (t) => {
        summary.passed++;
        emit(`  ✔ ${t.fullTitle()} (${t.duration ?? 0} ms)`);
      });
      runner.on('fail', (t, err: Error) => {
        summary.failed++;
        const error = err?.stack ?? String(err);
        summary.failures.push({ title: t.fullTitle(), error });
        emit(
          `  ✘ ${t.fullTitle()}\n${error
            .split('\n')
            .map((l) => '      ' + l)
            .join('\n')}`,
        );
      });
      runner.on('pending', (t) => {
        summary.pending++;
        emit(`  - ${t.fullTitle()} (pending)`);
      });
    } catch (e) {
      reject(e);
    }
  });
}
