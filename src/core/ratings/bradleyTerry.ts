// Bradley–Terry ratings from this user's own A/B votes, per task kind, with 95% confidence intervals.
//
// Model: P(i preferred over j) = σ(θi − θj), θ the log-strength. A tie counts as half a win for
// each side; "both bad" counts as a tie by default (as Chatbot Arena does) because it says
// neither answer was better, which pulls the two ratings together and so keeps route
// proposals cautious; `bothBad: 'exclude'` drops those votes instead.
// Fit: Newton's method on the log-likelihood plus a weak Gaussian prior θi ~ N(0, priorSd²),
// which keeps ratings finite when a model won (or lost) every game and pins the overall level
// (the penalised optimum has Σθ = 0). Intervals come from the inverse of the negative Hessian
// (observed information plus prior), restricted to Σθ = 0 so they describe each model
// relative to the field rather than the arbitrary overall level.
import type { TaskKind } from '../types';
import type { PairwiseVote } from './blinding';

/** Two-sided 95% normal quantile. */
export const Z_95 = 1.959963984540054;
/** Elo points per unit of log-strength: a 400-point gap means 10:1 odds. */
export const ELO_PER_LOG_STRENGTH = 400 / Math.LN10;
/** The score of a model exactly as strong as the field's average. */
export const ELO_CENTER = 1500;
export const DEFAULT_PRIOR_SD = 2;

export interface BradleyTerryOptions {
  /** Prior standard deviation of each log-strength; larger is weaker. Default 2 (≈ 350 Elo). */
  priorSd?: number;
  /** How a "both bad" vote counts: as a tie (default) or not at all. */
  bothBad?: 'tie' | 'exclude';
  /** Normal quantile for the intervals; default Z_95. */
  z?: number;
}

/** One game in neutral terms: `scoreA` is A's share of the point (1 win, 0.5 tie, 0 loss). */
export interface PairScore {
  a: string;
  b: string;
  scoreA: number;
}

export interface BradleyTerryFit {
  /** Model ids in the order used by `logStrength` and `covariance` (sorted by name). */
  models: string[];
  /** Log-strengths; they sum to zero. */
  logStrength: number[];
  /** Covariance of the log-strengths under Σθ = 0. */
  covariance: number[][];
  iterations: number;
  converged: boolean;
}

export interface RatingRow {
  model: string;
  /** Elo-like score: ELO_CENTER + ELO_PER_LOG_STRENGTH · θ. */
  score: number;
  ciLow: number;
  ciHigh: number;
  logStrength: number;
  /** Standard error of `logStrength`. */
  standardError: number;
  games: number;
  wins: number;
  losses: number;
  /** Ties, plus "both bad" when they count as ties. */
  ties: number;
}

export interface Leaderboard {
  task: TaskKind;
  /** Best first. */
  rows: RatingRow[];
  votesUsed: number;
  /** "Both bad" votes when excluded, and votes that compared a model with itself. */
  votesExcluded: number;
}

/** A's share of the point for a vote, or undefined when the vote does not count. */
export function scoreOfVote(vote: PairwiseVote, bothBad: 'tie' | 'exclude' = 'tie'): number | undefined {
  if (vote.modelA === vote.modelB) return undefined;
  switch (vote.choice) {
    case 'a':
      return 1;
    case 'b':
      return 0;
    case 'tie':
      return 0.5;
    case 'bothBad':
      return bothBad === 'tie' ? 0.5 : undefined;
    default:
      return undefined;
  }
}

/** The chance that a model with score `scoreA` is preferred over one with `scoreB`. */
export function expectedWinRate(scoreA: number, scoreB: number): number {
  return 1 / (1 + Math.pow(10, (scoreB - scoreA) / 400));
}

function logSigmoid(x: number): number {
  return x >= 0 ? -Math.log1p(Math.exp(-x)) : x - Math.log1p(Math.exp(x));
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** Lower-triangular L with L·Lᵀ = m; throws if m is not positive definite (cannot happen with a prior). */
function cholesky(m: number[][]): number[][] {
  const n = m.length;
  const l = m.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = m[i][j];
      for (let k = 0; k < j; k++) sum -= l[i][k] * l[j][k];
      if (i === j) {
        if (!(sum > 0)) throw new Error('Bradley–Terry fit failed: the information matrix is not positive definite.');
        l[i][i] = Math.sqrt(sum);
      } else {
        l[i][j] = sum / l[j][j];
      }
    }
  }
  return l;
}

function choleskySolve(l: number[][], rhs: number[]): number[] {
  const n = l.length;
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let sum = rhs[i];
    for (let k = 0; k < i; k++) sum -= l[i][k] * y[k];
    y[i] = sum / l[i][i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i];
    for (let k = i + 1; k < n; k++) sum -= l[k][i] * x[k];
    x[i] = sum / l[i][i];
  }
  return x;
}

/** Fits log-strengths to games. Models that appear in no game are not rated. */
export function fitBradleyTerry(games: readonly PairScore[], options: BradleyTerryOptions = {}): BradleyTerryFit {
  const priorSd = options.priorSd ?? DEFAULT_PRIOR_SD;
  if (!(priorSd > 0) || !Number.isFinite(priorSd)) {
    throw new Error(`The Bradley–Terry prior standard deviation must be a positive finite number, got ${priorSd}.`);
  }
  const models = [...new Set(games.filter((g) => g.a !== g.b).flatMap((g) => [g.a, g.b]))].sort();
  const n = models.length;
  const index = new Map(models.map((m, i) => [m, i]));
  // Aggregate to per-pair game counts and points, so each Newton step costs O(pairs + n³).
  const played = models.map(() => new Array<number>(n).fill(0));
  const points = models.map(() => new Array<number>(n).fill(0));
  for (const g of games) {
    if (g.a === g.b) continue;
    if (!(g.scoreA >= 0 && g.scoreA <= 1)) throw new Error(`A game's score must be between 0 and 1, got ${g.scoreA} for ${g.a} vs ${g.b}.`);
    const i = index.get(g.a)!;
    const j = index.get(g.b)!;
    played[i][j] += 1;
    played[j][i] += 1;
    points[i][j] += g.scoreA;
    points[j][i] += 1 - g.scoreA;
  }
  const precision = 1 / (priorSd * priorSd);

  const objective = (theta: number[]): number => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      total -= (theta[i] * theta[i] * precision) / 2;
      for (let j = 0; j < n; j++) {
        if (i !== j && points[i][j] > 0) total += points[i][j] * logSigmoid(theta[i] - theta[j]);
      }
    }
    return total;
  };

  const gradientAndInformation = (theta: number[]): { gradient: number[]; information: number[][] } => {
    const gradient = theta.map((t) => -t * precision);
    const information = models.map((_, i) => models.map((__, j) => (i === j ? precision : 0)));
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        if (played[i][j] === 0) continue;
        const p = sigmoid(theta[i] - theta[j]);
        const residual = points[i][j] - played[i][j] * p;
        gradient[i] += residual;
        gradient[j] -= residual;
        const w = played[i][j] * p * (1 - p);
        information[i][i] += w;
        information[j][j] += w;
        information[i][j] -= w;
        information[j][i] -= w;
      }
    }
    return { gradient, information };
  };

  let theta = new Array<number>(n).fill(0);
  let current = objective(theta);
  let iterations = 0;
  let converged = n === 0;
  while (!converged && iterations < 100) {
    iterations++;
    const { gradient, information } = gradientAndInformation(theta);
    const step = choleskySolve(cholesky(information), gradient);
    // Newton with step halving: the objective is strictly concave, so this always makes progress.
    let scale = 1;
    let next = theta.map((t, i) => t + step[i]);
    let value = objective(next);
    while (value < current - 1e-12 && scale > 1e-6) {
      scale /= 2;
      next = theta.map((t, i) => t + scale * step[i]);
      value = objective(next);
    }
    const moved = Math.max(0, ...step.map((s) => Math.abs(s * scale)));
    theta = next;
    current = value;
    if (moved < 1e-10) converged = true;
  }

  const { information } = gradientAndInformation(theta);
  // Covariance under Σθ = 0: the likelihood is flat along 1, so give that direction unit
  // curvature, invert, and take it back out. Stable however weak the prior is.
  const shift = n === 0 ? 0 : (1 - precision) / n;
  const l = cholesky(information.map((row) => row.map((v) => v + shift)));
  const covariance = models.map((_, col) =>
    choleskySolve(
      l,
      models.map((__, row) => (row === col ? 1 : 0)),
    ).map((v) => v - 1 / n),
  );
  const mean = theta.reduce((s, v) => s + v, 0) / Math.max(n, 1);
  return { models, logStrength: theta.map((t) => t - mean), covariance, iterations, converged };
}

/** The leaderboard for one task kind from all votes (pass only this workspace's votes for a per-workspace view). */
export function leaderboardFor(task: TaskKind, votes: readonly PairwiseVote[], options: BradleyTerryOptions = {}): Leaderboard {
  const z = options.z ?? Z_95;
  const games: PairScore[] = [];
  const tally = new Map<string, { wins: number; losses: number; ties: number }>();
  const tallyOf = (model: string) => {
    let t = tally.get(model);
    if (!t) tally.set(model, (t = { wins: 0, losses: 0, ties: 0 }));
    return t;
  };
  let votesExcluded = 0;
  for (const vote of votes) {
    if (vote.task !== task) continue;
    const scoreA = scoreOfVote(vote, options.bothBad);
    if (scoreA === undefined) {
      votesExcluded++;
      continue;
    }
    games.push({ a: vote.modelA, b: vote.modelB, scoreA });
    const a = tallyOf(vote.modelA);
    const b = tallyOf(vote.modelB);
    if (scoreA === 1) {
      a.wins++;
      b.losses++;
    } else if (scoreA === 0) {
      b.wins++;
      a.losses++;
    } else {
      a.ties++;
      b.ties++;
    }
  }
  const fit = fitBradleyTerry(games, options);
  const rows: RatingRow[] = fit.models.map((model, i) => {
    const logStrength = fit.logStrength[i];
    const standardError = Math.sqrt(Math.max(0, fit.covariance[i][i]));
    const score = ELO_CENTER + ELO_PER_LOG_STRENGTH * logStrength;
    const halfWidth = z * standardError * ELO_PER_LOG_STRENGTH;
    const t = tallyOf(model);
    return {
      model,
      score,
      ciLow: score - halfWidth,
      ciHigh: score + halfWidth,
      logStrength,
      standardError,
      games: t.wins + t.losses + t.ties,
      wins: t.wins,
      losses: t.losses,
      ties: t.ties,
    };
  });
  rows.sort((x, y) => y.score - x.score || x.model.localeCompare(y.model));
  return { task, rows, votesUsed: games.length, votesExcluded };
}

/** One leaderboard per task kind that has votes. */
export function leaderboardsByTask(votes: readonly PairwiseVote[], options: BradleyTerryOptions = {}): Map<TaskKind, Leaderboard> {
  const tasks = [...new Set(votes.map((v) => v.task))];
  return new Map(tasks.map((task) => [task, leaderboardFor(task, votes, options)]));
}
