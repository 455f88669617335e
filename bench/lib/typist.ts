// The typist and the model of the completion benchmarks, shared so that the in-process replay
// (completionReplay.ts) and the real-VS-Code one (ghostTextLatency.ts) type the same way against the
// same answers. The typist retypes regions of this repository's own source: log-normal gaps between
// keys (median 120 ms), pauses of 0.5–3 s (more often after a line end or `;{}`), typos fixed by
// backspace, Tab to accept a correct suggestion after seeing it, jumps to another region when one is done.
// The model answers from the file's true continuation, often right, sometimes not.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const REPO = join(__dirname, '..', '..');

function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

export function logNormal(random: () => number, median: number, sigma: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, median * Math.exp(sigma * normal(random))));
}

export interface SourceFile {
  path: string;
  text: string;
}

/** This repository's own TypeScript sources over 800 characters, the text the typist retypes. */
export function sourceFiles(): SourceFile[] {
  const files: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (name.endsWith('.ts')) {
        const text = readFileSync(full, 'utf8').replace(/\r\n/g, '\n');
        if (text.length > 800) files.push({ path: relative(REPO, full), text });
      }
    }
  };
  walk(join(REPO, 'src'));
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

export const SPECIAL_END = ['<|endoftext|>', '<|file_sep|>', '<|fim_pad|>'];

/** Splits an answer into model-sized tokens of 1–6 characters (special tokens whole). */
export function tokenize(text: string, random: () => number): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const special = SPECIAL_END.find((t) => text.startsWith(t, i));
    const size = special ? special.length : 1 + Math.floor(random() * 6);
    tokens.push(text.slice(i, i + size));
    i += size;
  }
  return tokens;
}

export interface Region {
  file: SourceFile;
  /** The region [start, end) of the file is retyped; `typed` characters of it are in the document. */
  start: number;
  end: number;
  typed: number;
}

export type Action = { kind: 'type' | 'typo' | 'accept'; text: string } | { kind: 'backspace' };

/** A suggestion on screen, as the typist saw it (`result` is whatever the caller tracks it by). */
export interface Shown<R extends object> {
  text: string;
  result: R;
  at: number;
}

export class Typist<R extends object = object> {
  region!: Region;
  typo: string | undefined;
  shown: Shown<R> | undefined;
  acceptDecided = new WeakSet<R>();
  private readonly recent: SourceFile[] = [];

  constructor(
    private readonly files: SourceFile[],
    private readonly random: () => number,
    /** How often a correct suggestion seen for 250 ms is accepted with Tab (else it is typed along). */
    private readonly acceptChance = 0.6,
  ) {
    this.jump();
  }

  /** Moves to a new region of some file: remove a few lines after a line start, to be typed again. */
  jump(): void {
    const file = this.files[Math.floor(this.random() * this.files.length)];
    const lineStarts = [0];
    for (let i = file.text.indexOf('\n'); i !== -1 && i < file.text.length - 1; i = file.text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
    const first = 3 + Math.floor(this.random() * Math.max(1, lineStarts.length - 10));
    const lines = 2 + Math.floor(this.random() * 8);
    const startLine = Math.min(first, lineStarts.length - 1);
    const endLine = Math.min(startLine + lines, lineStarts.length - 1);
    // Start after the line's indentation, as an editor would have put the cursor there.
    let start = lineStarts[startLine];
    while (file.text[start] === ' ' || file.text[start] === '\t') start++;
    const end = Math.max(start + 1, lineStarts[endLine] - 1);
    this.region = { file, start, end, typed: 0 };
    this.typo = undefined;
    this.shown = undefined;
    this.recent.splice(this.recent.indexOf(file) >>> 0, this.recent.includes(file) ? 1 : 0);
    this.recent.unshift(file);
    this.recent.length = Math.min(this.recent.length, 4);
  }

  get documentKey(): string {
    return `file:///${this.region.file.path}`;
  }

  /** The document as it is now: the file with the rest of the region not yet typed. */
  document(): { text: string; offset: number } {
    const { file, start, end, typed } = this.region;
    const before = file.text.slice(0, start + typed) + (this.typo ?? '');
    return { text: before + file.text.slice(end), offset: before.length };
  }

  intended(): string {
    const { file, start, end, typed } = this.region;
    return file.text.slice(start + typed, end);
  }

  recentFiles(): SourceFile[] {
    return this.recent.slice(1);
  }

  lastTyped(): string {
    const { file, start, typed } = this.region;
    return file.text[start + typed - 1] ?? '';
  }

  /** What the user does now, given what is on screen. */
  decide(now: number): Action | undefined {
    if (this.typo !== undefined) return { kind: 'backspace' };
    const intended = this.intended();
    if (intended === '') return undefined;
    const shown = this.shown;
    if (
      shown &&
      !this.acceptDecided.has(shown.result) &&
      now - shown.at >= 250 &&
      shown.text.length >= 2 &&
      intended.startsWith(shown.text)
    ) {
      this.acceptDecided.add(shown.result);
      if (this.random() < this.acceptChance) return { kind: 'accept', text: shown.text };
    }
    if (this.random() < 0.02) {
      const wrong = 'qzxj'[Math.floor(this.random() * 4)];
      if (intended[0] !== wrong) return { kind: 'typo', text: wrong };
    }
    if (intended[0] === '\n') {
      // The editor indents the new line.
      const indent = /^\n[ \t]*/.exec(intended)?.[0] ?? '\n';
      return { kind: 'type', text: indent };
    }
    return { kind: 'type', text: intended[0] };
  }

  apply(action: Action): void {
    switch (action.kind) {
      case 'backspace':
        this.typo = undefined;
        break;
      case 'typo':
        this.typo = action.text;
        break;
      case 'type':
      case 'accept':
        this.region.typed += action.text.length;
        break;
    }
  }

  /** The gap before the next key. */
  nextDelay(): { ms: number; pause: boolean } {
    if (this.typo !== undefined) return { ms: logNormal(this.random, 260, 0.3, 120, 700), pause: false };
    const last = this.lastTyped();
    const pauseChance = '\n;{}'.includes(last) ? 0.12 : 0.025;
    if (this.random() < pauseChance) return { ms: 500 * Math.pow(6, this.random()), pause: true };
    return { ms: logNormal(this.random, 120, 0.35, 35, 450), pause: false };
  }
}

/** The server's answer for the document as it stands (the harness state at request time). */

/** What the typist's document holds: the region being retyped and a typo not yet erased. */
export interface TypingState {
  region: Region;
  typo: string | undefined;
}

export function answerFor(typist: TypingState, files: SourceFile[], random: () => number): string {
  const noise = () => {
    const file = files[Math.floor(random() * files.length)];
    const at = Math.floor(random() * Math.max(1, file.text.length - 200));
    return file.text.slice(at, at + 40 + Math.floor(random() * 120));
  };
  if (typist.typo !== undefined) return noise();
  const { file, start, end, typed } = typist.region;
  const from = start + typed;
  const roll = random();
  // A small local model: right about a third of the time, right for a while then wrong another third.
  if (roll < 0.35) {
    // Right: the missing text, then the end token or a repeat of the code after the gap.
    return (
      file.text.slice(from, end) +
      (random() < 0.7 ? SPECIAL_END[Math.floor(random() * SPECIAL_END.length)] : file.text.slice(end, end + 80))
    );
  }
  if (roll < 0.7) {
    const lineEnd = file.text.indexOf('\n', from);
    const keep = Math.floor(random() * Math.max(1, (lineEnd === -1 ? end : Math.min(lineEnd, end)) - from));
    return file.text.slice(from, from + keep) + noise();
  }
  return noise();
}
