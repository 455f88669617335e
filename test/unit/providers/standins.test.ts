// The stand-ins themselves: they must never hang a test, and must be drivable from another process.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startOpenAIStandin } from '../../support/standins/openaiStandin';
import { splitIntoTokens } from '../../support/standins/standinServer';

describe('model-server stand-ins', () => {
  it('split text into word tokens that keep their spaces', () => {
    assert.deepEqual(splitIntoTokens('Hello  big world\n'), ['Hello', '  big', ' world', '\n']);
    assert.deepEqual(splitIntoTokens(''), []);
  });

  it('close() ends a stalled response at once', async () => {
    const standin = await startOpenAIStandin();
    standin.script({ fault: { type: 'stall', afterTokens: 1 } });
    const response = await fetch(`${standin.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'm', stream: true, messages: [] }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read();
    const started = performance.now();
    await standin.close();
    await assert.rejects(async () => {
      for (;;) if ((await reader.read()).done) throw new Error('ended cleanly instead of being cut');
    }, /terminated|other side closed|ended cleanly/);
    assert.ok(performance.now() - started < 1_000);
  });

  describe('serve.ts in its own process', function () {
    this.timeout(20_000);
    let child: ChildProcessWithoutNullStreams | undefined;
    let tempDir: string | undefined;
    afterEach(() => {
      child?.kill('SIGTERM');
      child = undefined;
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
      tempDir = undefined;
    });

    it('prints its URLs and is scripted over HTTP', async () => {
      const cli = require.resolve('tsx/cli');
      const serve = path.join(__dirname, '../../support/standins/serve.ts');
      const dir = mkdtempSync(path.join(os.tmpdir(), 'standins-'));
      const scriptFile = path.join(dir, 'script.json');
      writeFileSync(scriptFile, JSON.stringify({ openai: [{ text: 'scripted by file', model: 'gpt-file' }] }));
      tempDir = dir;
      child = spawn(process.execPath, [cli, serve, '--stdin-lifeline', '--script', scriptFile], { stdio: 'pipe' });
      const urls = await new Promise<{ openai: string; ollama: string; anthropic: string; control: Record<string, string> }>(
        (resolve, reject) => {
          let out = '';
          child?.stdout.on('data', (data: Buffer) => {
            out += data.toString();
            const newline = out.indexOf('\n');
            if (newline >= 0) resolve(JSON.parse(out.slice(0, newline)));
          });
          child?.once('exit', (code) => reject(new Error(`serve.ts exited with ${code}`)));
        },
      );
      assert.match(urls.openai, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      assert.match(urls.ollama, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.match(urls.anthropic, /^http:\/\/127\.0\.0\.1:\d+$/);

      const fromFile = await fetch(`${urls.openai}/chat/completions`, {
        method: 'POST',
        body: JSON.stringify({ model: 'x', messages: [], stream: false }),
      });
      const completion = (await fromFile.json()) as { model: string; choices: { message: { content: string } }[] };
      assert.deepEqual([completion.model, completion.choices[0].message.content], ['gpt-file', 'scripted by file']);

      const scripted = await fetch(`${urls.control.ollama}/script`, {
        method: 'POST',
        body: JSON.stringify({ text: 'from afar', usage: { eval_count: 7 } }),
      });
      assert.equal(scripted.status, 200);
      const answer = await fetch(`${urls.ollama}/api/generate`, {
        method: 'POST',
        body: JSON.stringify({ model: 'm', prompt: 'p', stream: false }),
      });
      const body = (await answer.json()) as { response: string; eval_count: number; done: boolean };
      assert.deepEqual([body.response, body.eval_count, body.done], ['from afar', 7, true]);

      const recorded = (await (await fetch(`${urls.control.ollama}/requests`)).json()) as { path: string; body: unknown }[];
      assert.equal(recorded.length, 1);
      assert.equal(recorded[0].path, '/api/generate');
      assert.deepEqual(recorded[0].body, { model: 'm', prompt: 'p', stream: false });

      const exited = new Promise<number | null>((resolve) => child?.once('exit', resolve));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      child = undefined;
    });
  });
});
