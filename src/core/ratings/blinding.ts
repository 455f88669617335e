// Blinded A/B comparisons: the user sees "A" and "B" in a random order and learns which model was which only after voting.
import type { TaskKind } from '../types';

/** A uniform random number in [0, 1). Injected so tests (and bootstrap-style analyses) can be seeded. */
export type Rng = () => number;

/** A small, fast, seedable generator (mulberry32): same seed, same sequence. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type VoteChoice = 'a' | 'b' | 'tie' | 'bothBad';
export const VOTE_CHOICES: readonly VoteChoice[] = ['a', 'b', 'tie', 'bothBad'];

/** Why the user preferred one side (optional, several allowed). */
export type VoteTag = 'faster' | 'correct' | 'concise' | 'style';
export const VOTE_TAGS: readonly VoteTag[] = ['faster', 'correct', 'concise', 'style'];

/** One vote, stored in model terms: `modelA` is the model that was shown in position A. */
export interface PairwiseVote {
  comparisonId: string;
  task: TaskKind;
  modelA: string;
  modelB: string;
  choice: VoteChoice;
  tags: VoteTag[];
  /** Wall-clock ms since the epoch. */
  time: number;
  workspace?: string;
}

/** One model's answer before blinding. `answer` is whatever the panel shows (text, latency, cost) and must not name the model. */
export interface Contender<T> {
  model: string;
  answer: T;
}

/** What the panel may show before the vote: positions only, no model ids. */
export interface BlindedComparison<T> {
  id: string;
  task: TaskKind;
  a: T;
  b: T;
}

/** The hidden order; stays on the host side until the vote comes in. */
export interface SealedOrder {
  id: string;
  task: TaskKind;
  modelA: string;
  modelB: string;
}

export interface Blinded<T> {
  shown: BlindedComparison<T>;
  sealed: SealedOrder;
}

/** Puts the two answers in a random order (a fair coin from `rng`) so position bias cancels out over many votes. */
export function blindComparison<T>(id: string, task: TaskKind, first: Contender<T>, second: Contender<T>, rng: Rng): Blinded<T> {
  if (first.model === second.model) {
    throw new Error(`An A/B comparison needs two different models; both sides are "${first.model}".`);
  }
  const swap = rng() < 0.5;
  const [a, b] = swap ? [second, first] : [first, second];
  return {
    shown: { id, task, a: a.answer, b: b.answer },
    sealed: { id, task, modelA: a.model, modelB: b.model },
  };
}

export interface VoteInput {
  choice: VoteChoice;
  tags?: readonly VoteTag[];
  time: number;
  workspace?: string;
}

export interface RevealedVote {
  vote: PairwiseVote;
  /** The model behind A and behind B, for the panel to show once the vote is in. */
  modelA: string;
  modelB: string;
  /** The preferred model; undefined for a tie or "both bad". */
  winner: string | undefined;
}

/** Records the vote and reveals the models. The choice usually comes from a webview, so it is validated here. */
export function revealAfterVote(sealed: SealedOrder, input: VoteInput): RevealedVote {
  if (!VOTE_CHOICES.includes(input.choice)) {
    throw new Error(`Unknown vote "${String(input.choice)}" for comparison ${sealed.id}; expected one of ${VOTE_CHOICES.join(', ')}.`);
  }
  const tags = [...new Set(input.tags ?? [])];
  const badTag = tags.find((tag) => !VOTE_TAGS.includes(tag));
  if (badTag !== undefined) {
    throw new Error(`Unknown vote tag "${String(badTag)}" for comparison ${sealed.id}; expected some of ${VOTE_TAGS.join(', ')}.`);
  }
  const vote: PairwiseVote = {
    comparisonId: sealed.id,
    task: sealed.task,
    modelA: sealed.modelA,
    modelB: sealed.modelB,
    choice: input.choice,
    tags,
    time: input.time,
  };
  if (input.workspace !== undefined) vote.workspace = input.workspace;
  const winner = input.choice === 'a' ? sealed.modelA : input.choice === 'b' ? sealed.modelB : undefined;
  return { vote, modelA: sealed.modelA, modelB: sealed.modelB, winner };
}

/** Whether this request should also be sent to a second model for a comparison, at the user's sampling fraction. */
export function shouldSampleComparison(fraction: number, rng: Rng): boolean {
  if (!(fraction > 0)) return false;
  if (fraction >= 1) return true;
  return rng() < fraction;
}
