// Serves code-server with the freshly packaged Switchboard installed; prints the URL; Ctrl+C stops it.
import fs from 'node:fs';
import path from 'node:path';
import { installExtensions, startCodeServer, ROOT } from '../test/harness/codeServer.mjs';
import { buildSwitchboardVsix } from '../test/harness/build.mjs';

const port = Number(process.env.PORT ?? 8080);
const base = path.join(ROOT, '.tools', 'dev-profile');
const dirs = { base, extensions: path.join(base, 'extensions'), userData: path.join(base, 'user-data') };
for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
const workspace = path.resolve(process.argv[2] ?? path.join(ROOT, 'sample-workspace'));

process.stdout.write('Packaging Switchboard…\n');
installExtensions(dirs, [buildSwitchboardVsix()]);
const server = await startCodeServer(dirs, { port, quiet: true, trustWorkspace: true });
process.stdout.write(`\nSwitchboard is running in VS Code at:\n\n  ${server.url}/?folder=${encodeURIComponent(workspace)}\n\n`);
for (const k of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY'])
  process.stdout.write(`  ${k}: ${process.env[k] ? 'set (from the environment)' : 'not set — use "Switchboard: Set API Key…"'}\n`);
process.stdout.write(`  Ollama: ${process.env.OLLAMA_HOST ?? 'http://127.0.0.1:11434'}\n\nPress Ctrl+C to stop.\n`);
const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
