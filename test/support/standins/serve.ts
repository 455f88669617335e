// Runs the three model-server stand-ins in their own process, for tests that drive a separate
// VS Code / code-server or anything else that cannot share the test's process.
//
//   npx tsx test/support/standins/serve.ts [--ollama-port N] [--openai-port N] [--anthropic-port N]
//                                          [--script script.json] [--stdin-lifeline]
//
// Ports default to 0 (random). Once listening it prints ONE line of JSON on stdout and keeps running
// until SIGINT/SIGTERM (or, with --stdin-lifeline, until its stdin closes, so it cannot outlive a
// parent that dies without killing it):
//
//   {"ollama":"http://127.0.0.1:41001","openai":"http://127.0.0.1:41002/v1",
//    "anthropic":"http://127.0.0.1:41003","control":{"ollama":"http://127.0.0.1:41001/__standin",…}}
//
// `ollama`, `openai`, `anthropic` are the base URLs to configure (OpenAI's includes /v1). Each
// stand-in is scripted over HTTP at its `control` URL:
//
//   POST {control}/script    body: one step or an array of steps (used in order, the last repeats)
//   GET  {control}/requests  every request received so far (method, path, headers, body, times)
//   POST {control}/reset     forget requests and script
//
// A step is the StandinStep of standinServer.ts as JSON, e.g.
//   {"text":"Hello there","tokenIntervalMs":20,"usage":{"prompt_tokens":12,"cached_tokens":4}}
//   {"fault":{"type":"status","status":429,"headers":{"retry-after":"2"}}}
//   {"fault":{"type":"stall","afterTokens":1}}
// The --script file holds the initial steps per stand-in: {"ollama":[…],"openai":[…],"anthropic":[…]}.
import { readFileSync } from 'node:fs';
import { startAnthropicStandin } from './anthropicStandin';
import { startOllamaStandin } from './ollamaStandin';
import { startOpenAIStandin } from './openaiStandin';
import type { StandinStep } from './standinServer';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function port(name: string): number {
  const value = option(name);
  const parsed = value === undefined ? 0 : Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > 65535) throw new Error(`--${name} must be a port number, got ${value}`);
  return parsed;
}

type ScriptFile = Partial<Record<'ollama' | 'openai' | 'anthropic', StandinStep<unknown>[]>>;

async function main(): Promise<void> {
  const scriptPath = option('script');
  const script: ScriptFile = scriptPath ? (JSON.parse(readFileSync(scriptPath, 'utf8')) as ScriptFile) : {};
  const ollama = await startOllamaStandin({ port: port('ollama-port') });
  const openai = await startOpenAIStandin({ port: port('openai-port') });
  const anthropic = await startAnthropicStandin({ port: port('anthropic-port') });
  if (script.ollama) ollama.script(...script.ollama);
  if (script.openai) openai.script(...script.openai);
  if (script.anthropic) anthropic.script(...script.anthropic);

  process.stdout.write(
    `${JSON.stringify({
      ollama: ollama.url,
      openai: openai.url,
      anthropic: anthropic.url,
      control: {
        ollama: `${ollama.origin}/__standin`,
        openai: `${openai.origin}/__standin`,
        anthropic: `${anthropic.origin}/__standin`,
      },
    })}\n`,
  );

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void Promise.all([ollama.close(), openai.close(), anthropic.close()]).finally(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  if (process.argv.includes('--stdin-lifeline')) {
    process.stdin.on('end', stop);
    process.stdin.on('close', stop);
    process.stdin.resume();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`stand-ins failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
