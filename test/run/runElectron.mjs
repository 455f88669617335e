// For contributors with a desktop and internet: the same integration suite through @vscode/test-electron.
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { buildIntegrationSuite } from '../harness/build.mjs';
import { ROOT } from '../harness/codeServer.mjs';
import { spawnSync } from 'node:child_process';

spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
buildIntegrationSuite();
try {
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: path.join(ROOT, 'out', 'integration', 'electronIndex.js'),
    launchArgs: [path.join(ROOT, 'sample-workspace'), '--disable-extensions'],
  });
} catch (e) {
  process.stderr.write(`integration tests failed: ${e}\n`);
  process.exit(1);
}
