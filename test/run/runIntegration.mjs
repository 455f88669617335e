// Runs the integration suite inside a real VS Code: code-server's extension host, with Switchboard
// installed from its VSIX and a test-only companion extension that runs the suite and writes the result.
// A headless chromium opens the workbench (the extension host starts only when a window connects).
import fs from 'node:fs';
import path from 'node:path';
import { makeProfile, installExtensions, startCodeServer, launchBrowser, workbenchUrl, removeProfile } from '../harness/codeServer.mjs';
import { buildSwitchboardVsix, buildRunnerVsix, buildIntegrationSuite, freshWorkspace } from '../harness/build.mjs';

const TIMEOUT_MS = Number(process.env.SWITCHBOARD_INTEGRATION_TIMEOUT_MS ?? 300_000);
const started = Date.now();
const log = (m) => process.stdout.write(`[integration] ${m}\n`);

const vsix = buildSwitchboardVsix();
const runnerVsix = buildRunnerVsix();
const suite = buildIntegrationSuite();
const dirs = makeProfile({ prefix: 'sb-integration-' });
const workspace = freshWorkspace(path.join(dirs.base, 'workspace'));
const resultFile = path.join(dirs.base, 'result.json');
const logFile = path.join(dirs.base, 'tests.log');
fs.writeFileSync(logFile, '');
installExtensions(dirs, [vsix, runnerVsix]);
log(`built and installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);

let server;
let browser;
let exitCode = 1;
let printed = 0;
const pump = () => {
  const text = fs.readFileSync(logFile, 'utf8');
  if (text.length > printed) {
    process.stdout.write(text.slice(printed));
    printed = text.length;
  }
};
try {
  server = await startCodeServer(dirs, {
    env: {
      SWITCHBOARD_TEST_SUITE: suite,
      SWITCHBOARD_TEST_RESULT: resultFile,
      SWITCHBOARD_TEST_LOG: logFile,
      SWITCHBOARD_TEST_WORKSPACE: workspace,
      ...(process.env.SWITCHBOARD_TEST_GREP ? { SWITCHBOARD_TEST_GREP: process.env.SWITCHBOARD_TEST_GREP } : {}),
    },
  });
  browser = await launchBrowser(dirs);
  await browser.page.goto(workbenchUrl(server, workspace));
  const deadline = Date.now() + TIMEOUT_MS;
  while (!fs.existsSync(resultFile)) {
    pump();
    if (Date.now() > deadline) throw new Error(`no result within ${TIMEOUT_MS / 1000} s; code-server said:\n${server.logs.join('').slice(-4000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  pump();
  const result = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  if (!result.ok) throw new Error(`the suite could not run: ${result.error}`);
  const logErrors = switchboardLogErrors(dirs.userData);
  if (logErrors.length > 0) {
    result.failed++;
    process.stdout.write(`  ✘ Switchboard's log has errors:\n${logErrors.map((l) => '      ' + l).join('\n')}\n`);
  }
  log(`finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  process.stdout.write(`integration: ${result.passed} passed, ${result.failed} failed${result.pending ? `, ${result.pending} skipped` : ''}\n`);
  exitCode = result.failed === 0 && result.passed > 0 ? 0 : 1;
} catch (e) {
  process.stderr.write(`[integration] ${e?.stack ?? e}\n`);
} finally {
  await browser?.close().catch(() => {});
  await server?.stop();
  if (exitCode === 0 && !process.env.SWITCHBOARD_KEEP_PROFILE) removeProfile(dirs);
  else log(`profile kept at ${dirs.base}`);
}
process.exit(exitCode);

/** Lines at error level in Switchboard's own output-channel log files. */
function switchboardLogErrors(userData) {
  const found = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/Switchboard\.log$/.test(e.name)) {
        for (const line of fs.readFileSync(p, 'utf8').split('\n')) if (/\[error\]/.test(line)) found.push(line);
      }
    }
  };
  if (fs.existsSync(path.join(userData, 'logs'))) walk(path.join(userData, 'logs'));
  return found;
}
