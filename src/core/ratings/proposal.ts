// When the user's own votes show a model is confidently better for a task here, propose putting it first.
import type { TaskKind } from '../types';
import type { Leaderboard, RatingRow } from './bradleyTerry';

export const DEFAULT_MIN_GAMES = 20;

export interface ProposalOptions {
  /** Votes each of the two models needs for the task before any proposal. Default 20. */
  minGames?: number;
}

export interface RouteProposal {
  kind: 'propose';
  task: TaskKind;
  currentRoute: string[];
  /** The promoted model first, then the old route in its order without it. */
  proposedRoute: string[];
  promoted: string;
  /** The first choice it replaces (now second). */
  replaced: string;
  /** One line with the numbers, for the panel. */
  reason: string;
}

export interface KeepRoute {
  kind: 'keep';
  task: TaskKind;
  /** Why nothing is proposed yet, for the panel. */
  reason: string;
}

export type RouteProposalResult = RouteProposal | KeepRoute;

function describe(row: RatingRow): string {
  return `${Math.round(row.score)} (95% CI ${Math.round(row.ciLow)}–${Math.round(row.ciHigh)}, ${row.games} votes)`;
}

/**
 * Proposes a new first choice when some model's interval lies entirely above the current
 * first choice's interval (its CI lower bound above the first choice's CI upper bound), and both
 * have at least `minGames` votes. Non-overlapping intervals are a conservative test on purpose:
 * a wrong proposal costs the user's trust.
 */
export function proposeRouteChange(
  task: TaskKind,
  currentRoute: readonly string[],
  leaderboard: Leaderboard,
  options: ProposalOptions = {},
): RouteProposalResult {
  if (leaderboard.task !== task) {
    throw new Error(`Cannot propose a ${task} route from the ${leaderboard.task} leaderboard.`);
  }
  const minGames = options.minGames ?? DEFAULT_MIN_GAMES;
  const first = currentRoute[0];
  if (first === undefined) return { kind: 'keep', task, reason: `No ${task} route is configured to compare against.` };
  const firstRow = leaderboard.rows.find((r) => r.model === first);
  if (!firstRow) return { kind: 'keep', task, reason: `${first} has no ${task} votes yet.` };
  if (firstRow.games < minGames) {
    return { kind: 'keep', task, reason: `${first} has ${firstRow.games} of the ${minGames} ${task} votes needed to compare.` };
  }
  const confidentlyBetter = leaderboard.rows
    .filter((r) => r.model !== first && r.games >= minGames && r.ciLow > firstRow.ciHigh)
    .sort((x, y) => y.ciLow - x.ciLow || x.model.localeCompare(y.model));
  const best = confidentlyBetter[0];
  if (!best) {
    return {
      kind: 'keep',
      task,
      reason: `No model is confidently better than ${first} for ${task} yet: ${first} is ${describe(firstRow)}.`,
    };
  }
  return {
    kind: 'propose',
    task,
    currentRoute: [...currentRoute],
    proposedRoute: [best.model, ...currentRoute.filter((m) => m !== best.model)],
    promoted: best.model,
    replaced: first,
    reason: `${best.model} beats ${first} for ${task} in this workspace: ${describe(best)} vs ${describe(firstRow)}.`,
  };
}
