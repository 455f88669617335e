// Serves code-server with the freshly packaged Switchboard installed; prints the URL; Ctrl+C stops it.
import fs from 'node:fs';
import path from 'node:path';
import { installExtensions, startCodeServer, ROOT } from '../test/harness/codeServer.mjs';
import { buildSwitchboardVsix } from '../test/harness/build.mjs';

const port = Number(process.env.PORT ?? 8080);
const base = path.join(ROOT, '.tools', 'dev-profile');
const dirs = { base, extensions: path.join(base, 'extensions'), userData: path.join(base, 'user-data') };
for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
// VS Code in the browser saves as you type: serve an untracked copy of the sample, never the tracked files.
const workspace = process.argv[2] ? path.resolve(process.argv[2]) : sampleCopy(path.join(ROOT, '.tools', 'dev-workspace'));
const userSettings = path.join(dirs.userData, 'User', 'settings.json');
if (!fs.existsSync(userSettings)) {
  fs.mkdirSync(path.dirname(userSettings), { recursive: true });
  // A first start without VS Code's own chat panel beside Switchboard's, and without tips or update checks.
  const quiet = {
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'workbench.startupEditor': 'none',
    // The copy lives inside this repository's .tools/: without this, git offers to open the repository itself.
    'git.openRepositoryInParentFolders': 'never',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.ignoreRecommendations': true,
  };
  fs.writeFileSync(userSettings, JSON.stringify(quiet, null, 2));
}

process.stdout.write('Packaging Switchboard…\n');
installExtensions(dirs, [buildSwitchboardVsix()]);
const server = await startCodeServer(dirs, { port, quiet: true, trustWorkspace: true });
process.stdout.write(`\nSwitchboard is running in VS Code at:\n\n  ${server.url}/?folder=${encodeURIComponent(workspace)}\n\n`);
for (const k of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'])
  process.stdout.write(`  ${k}: ${process.env[k] ? 'set (from the environment)' : 'not set — use "Switchboard: Set API Key…"'}\n`);
// Switchboard reads its own setting, not OLLAMA_HOST: say which address it uses, and that the variable is not read.
process.stdout.write('  Ollama: http://127.0.0.1:11434 unless switchboard.endpoints.ollama says otherwise\n');
if (process.env.OLLAMA_HOST)
  process.stdout.write(`  (OLLAMA_HOST=${process.env.OLLAMA_HOST} is not read by Switchboard: set switchboard.endpoints.ollama)\n`);
process.stdout.write(`  Folder: ${workspace}\n\nPress Ctrl+C to stop.\n`);
function sampleCopy(dest) {
  if (!fs.existsSync(dest)) fs.cpSync(path.join(ROOT, 'sample-workspace'), dest, { recursive: true });
  return dest;
}

const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
