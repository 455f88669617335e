import assert from 'node:assert/strict';
import {
  ELO_CENTER,
  ELO_PER_LOG_STRENGTH,
  Z_95,
  expectedWinRate,
  fitBradleyTerry,
  leaderboardFor,
  leaderboardsByTask,
} from '../../../src/core/ratings/bradleyTerry';
import type { PairScore } from '../../../src/core/ratings/bradleyTerry';
import { seededRng } from '../../../src/core/ratings/blinding';
import type { PairwiseVote, VoteChoice } from '../../../src/core/ratings/blinding';
import type { TaskKind } from '../../../src/core/types';

let nextId = 0;
function vote(modelA: string, modelB: string, choice: VoteChoice, task: TaskKind = 'edit'): PairwiseVote {
  return { comparisonId: `c${nextId++}`, task, modelA, modelB, choice, tags: [], time: 0 };
}

function repeat<T>(count: number, make: () => T): T[] {
  return Array.from({ length: count }, make);
}

/** The test's own penalised log-likelihood, written from the model's definition. */
function penalisedLogLikelihood(theta: Record<string, number>, games: readonly PairScore[], priorSd: number): number {
  let total = 0;
  for (const g of games) {
    const pA = 1 / (1 + Math.exp(-(theta[g.a] - theta[g.b])));
    total += g.scoreA * Math.log(pA) + (1 - g.scoreA) * Math.log(1 - pA);
  }
  for (const t of Object.values(theta)) total -= (t * t) / (2 * priorSd * priorSd);
  return total;
}

function strengthOf(fit: ReturnType<typeof fitBradleyTerry>, model: string): number {
  return fit.logStrength[fit.models.indexOf(model)];
}

function seOf(fit: ReturnType<typeof fitBradleyTerry>, model: string): number {
  const i = fit.models.indexOf(model);
  return Math.sqrt(fit.covariance[i][i]);
}

describe('Bradley–Terry fit', () => {
  it('matches the two-model optimum found by bisection, with the closed-form standard error', () => {
    const priorSd = 2;
    const games: PairScore[] = [...repeat(7, () => ({ a: 'x', b: 'y', scoreA: 1 })), ...repeat(3, () => ({ a: 'x', b: 'y', scoreA: 0 }))];
    // θx = d/2, θy = −d/2; d/dd of 7·log σ(d) + 3·log σ(−d) − d²/(4τ²) is 7σ(−d) − 3σ(d) − d/(2τ²).
    const derivative = (d: number) => 7 / (1 + Math.exp(d)) - 3 / (1 + Math.exp(-d)) - d / (2 * priorSd * priorSd);
    let lo = 0;
    let hi = 10;
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2;
      if (derivative(mid) > 0) lo = mid;
      else hi = mid;
    }
    const d = (lo + hi) / 2;
    const fit = fitBradleyTerry(games, { priorSd });
    assert.ok(fit.converged);
    assert.ok(Math.abs(strengthOf(fit, 'x') - d / 2) < 1e-9, `θx ${strengthOf(fit, 'x')} vs ${d / 2}`);
    assert.ok(Math.abs(strengthOf(fit, 'y') + d / 2) < 1e-9);
    // Information about d: n·p(1−p) + 1/(2τ²); θx = d/2 so its variance is a quarter of d's.
    const p = 1 / (1 + Math.exp(-d));
    const varD = 1 / (10 * p * (1 - p) + 1 / (2 * priorSd * priorSd));
    assert.ok(Math.abs(seOf(fit, 'x') - Math.sqrt(varD / 4)) < 1e-9);
    assert.ok(Math.abs(seOf(fit, 'y') - Math.sqrt(varD / 4)) < 1e-9);
  });

  it('approaches the textbook maximum-likelihood answer ln(w/l) when the prior is very weak', () => {
    const games: PairScore[] = [...repeat(7, () => ({ a: 'x', b: 'y', scoreA: 1 })), ...repeat(3, () => ({ a: 'x', b: 'y', scoreA: 0 }))];
    const fit = fitBradleyTerry(games, { priorSd: 1e4 });
    assert.ok(Math.abs(strengthOf(fit, 'x') - strengthOf(fit, 'y') - Math.log(7 / 3)) < 1e-6);
  });

  it("agrees with Zermelo's MM iteration on a four-model example (weak prior)", () => {
    // Wins matrix: wins[i][j] = times i beat j. Strongly connected, so the MLE exists.
    const names = ['a', 'b', 'c', 'd'];
    const wins = [
      [0, 6, 7, 9],
      [4, 0, 5, 8],
      [3, 5, 0, 6],
      [1, 2, 4, 0],
    ];
    const games: PairScore[] = [];
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++) for (let k = 0; k < wins[i][j]; k++) games.push({ a: names[i], b: names[j], scoreA: 1 });
    // Zermelo / Hunter (2004): π_i ← W_i / Σ_j n_ij / (π_i + π_j).
    let pi = [1, 1, 1, 1];
    for (let iter = 0; iter < 20000; iter++) {
      pi = pi.map((p, i) => {
        const w = wins[i].reduce((s, v) => s + v, 0);
        let denominator = 0;
        for (let j = 0; j < 4; j++) if (j !== i) denominator += (wins[i][j] + wins[j][i]) / (p + pi[j]);
        return w / denominator;
      });
    }
    const logs = pi.map(Math.log);
    const mean = logs.reduce((s, v) => s + v, 0) / 4;
    const fit = fitBradleyTerry(games, { priorSd: 1e4 });
    names.forEach((name, i) => {
      assert.ok(Math.abs(strengthOf(fit, name) - (logs[i] - mean)) < 1e-5, `${name}: ${strengthOf(fit, name)} vs ${logs[i] - mean}`);
    });
  });

  it('matches a brute-force grid maximisation and a numerical Hessian on three models (default prior)', () => {
    const priorSd = 2;
    const games: PairScore[] = [
      ...repeat(5, () => ({ a: 'p', b: 'q', scoreA: 1 })),
      ...repeat(2, () => ({ a: 'p', b: 'q', scoreA: 0 })),
      ...repeat(1, () => ({ a: 'p', b: 'q', scoreA: 0.5 })),
      ...repeat(4, () => ({ a: 'q', b: 'r', scoreA: 1 })),
      ...repeat(4, () => ({ a: 'q', b: 'r', scoreA: 0 })),
      ...repeat(6, () => ({ a: 'r', b: 'p', scoreA: 0 })),
      ...repeat(1, () => ({ a: 'r', b: 'p', scoreA: 1 })),
    ];
    // Σθ = 0 at the optimum (the prior is centred), so search θp = u, θq = v, θr = −u − v.
    const f = (u: number, v: number) => penalisedLogLikelihood({ p: u, q: v, r: -u - v }, games, priorSd);
    let best = { u: 0, v: 0, value: -Infinity };
    let centre = { u: 0, v: 0 };
    for (const [half, step] of [
      [3, 0.02],
      [0.04, 0.0005],
      [0.001, 0.00001],
    ]) {
      for (let u = centre.u - half; u <= centre.u + half + 1e-12; u += step) {
        for (let v = centre.v - half; v <= centre.v + half + 1e-12; v += step) {
          const value = f(u, v);
          if (value > best.value) best = { u, v, value };
        }
      }
      centre = { u: best.u, v: best.v };
    }
    const fit = fitBradleyTerry(games, { priorSd });
    assert.ok(Math.abs(strengthOf(fit, 'p') - best.u) < 2e-5, `θp ${strengthOf(fit, 'p')} vs grid ${best.u}`);
    assert.ok(Math.abs(strengthOf(fit, 'q') - best.v) < 2e-5);
    assert.ok(Math.abs(strengthOf(fit, 'r') + best.u + best.v) < 4e-5);

    // Negative Hessian in (u, v) by central differences at the optimum; its inverse is the covariance.
    const h = 1e-4;
    const { u, v } = { u: strengthOf(fit, 'p'), v: strengthOf(fit, 'q') };
    const huu = -(f(u + h, v) - 2 * f(u, v) + f(u - h, v)) / (h * h);
    const hvv = -(f(u, v + h) - 2 * f(u, v) + f(u, v - h)) / (h * h);
    const huv = -(f(u + h, v + h) - f(u + h, v - h) - f(u - h, v + h) + f(u - h, v - h)) / (4 * h * h);
    const det = huu * hvv - huv * huv;
    const [cuu, cvv, cuv] = [hvv / det, huu / det, -huv / det];
    const expected = { p: Math.sqrt(cuu), q: Math.sqrt(cvv), r: Math.sqrt(cuu + cvv + 2 * cuv) };
    for (const model of ['p', 'q', 'r'] as const) {
      assert.ok(Math.abs(seOf(fit, model) / expected[model] - 1) < 1e-4, `${model}: se ${seOf(fit, model)} vs ${expected[model]}`);
    }
  });

  it('gives equal strengths to a perfect cycle', () => {
    const fit = fitBradleyTerry([
      { a: 'a', b: 'b', scoreA: 1 },
      { a: 'b', b: 'c', scoreA: 1 },
      { a: 'c', b: 'a', scoreA: 1 },
    ]);
    for (const t of fit.logStrength) assert.ok(Math.abs(t) < 1e-12);
  });

  it('keeps ratings finite when one model won every game', () => {
    const fit = fitBradleyTerry(repeat(30, () => ({ a: 'strong', b: 'weak', scoreA: 1 })));
    assert.ok(fit.converged);
    for (const t of fit.logStrength) assert.ok(Number.isFinite(t));
    assert.ok(strengthOf(fit, 'strong') > 1, 'the winner is still clearly ahead');
  });

  it('rejects a non-positive prior', () => {
    assert.throws(() => fitBradleyTerry([], { priorSd: 0 }), /positive finite/);
  });
});

describe('leaderboard', () => {
  it('counts a tie as half a win each: two ties fit the same as one win each', () => {
    const ties = leaderboardFor('edit', [vote('a', 'b', 'tie'), vote('a', 'b', 'tie'), vote('b', 'c', 'a'), vote('a', 'c', 'a')]);
    const split = leaderboardFor('edit', [vote('a', 'b', 'a'), vote('a', 'b', 'b'), vote('b', 'c', 'a'), vote('a', 'c', 'a')]);
    for (const row of ties.rows) {
      const other = split.rows.find((r) => r.model === row.model)!;
      assert.ok(Math.abs(row.logStrength - other.logStrength) < 1e-12);
    }
  });

  it('counts "both bad" as a tie by default, or excludes it on request', () => {
    const votes = [vote('a', 'b', 'a'), vote('a', 'b', 'a'), vote('a', 'b', 'bothBad'), vote('a', 'b', 'bothBad')];
    const asTie = leaderboardFor('edit', votes);
    const withTies = leaderboardFor('edit', [vote('a', 'b', 'a'), vote('a', 'b', 'a'), vote('a', 'b', 'tie'), vote('a', 'b', 'tie')]);
    assert.equal(asTie.rows[0].score, withTies.rows[0].score);
    assert.equal(asTie.votesUsed, 4);
    assert.equal(asTie.rows[0].ties, 2);

    const excluded = leaderboardFor('edit', votes, { bothBad: 'exclude' });
    const onlyWins = leaderboardFor('edit', [vote('a', 'b', 'a'), vote('a', 'b', 'a')]);
    assert.equal(excluded.rows[0].score, onlyWins.rows[0].score);
    assert.equal(excluded.votesUsed, 2);
    assert.equal(excluded.votesExcluded, 2);
    assert.ok(excluded.rows[0].score > asTie.rows[0].score, 'dropping the ties widens the gap');
  });

  it('reports games, wins, losses and ties per model, best first, on the Elo scale', () => {
    const board = leaderboardFor('chat', [
      vote('m1', 'm2', 'a', 'chat'),
      vote('m2', 'm1', 'b', 'chat'),
      vote('m1', 'm2', 'b', 'chat'),
      vote('m1', 'm3', 'tie', 'chat'),
      vote('m3', 'm2', 'a', 'chat'),
      vote('m3', 'm3', 'a', 'chat'),
      vote('m1', 'm2', 'a', 'edit'),
    ]);
    assert.equal(board.task, 'chat');
    assert.equal(board.votesUsed, 5);
    assert.equal(board.votesExcluded, 1, 'a model compared with itself does not count');
    assert.equal(board.rows.length, 3);
    for (let i = 1; i < board.rows.length; i++) assert.ok(board.rows[i - 1].score >= board.rows[i].score, 'best first');
    assert.equal(board.rows[2].model, 'm2', 'one win in four games is last');
    const m1 = board.rows.find((r) => r.model === 'm1')!;
    assert.deepEqual([m1.games, m1.wins, m1.losses, m1.ties], [4, 2, 1, 1]);
    const m3 = board.rows.find((r) => r.model === 'm3')!;
    assert.deepEqual([m3.games, m3.wins, m3.losses, m3.ties], [2, 1, 0, 1]);
    const m2 = board.rows[2];
    assert.deepEqual([m2.games, m2.wins, m2.losses, m2.ties], [4, 1, 3, 0]);
    for (const row of board.rows) {
      assert.ok(Math.abs(row.score - (ELO_CENTER + ELO_PER_LOG_STRENGTH * row.logStrength)) < 1e-9);
      assert.ok(Math.abs(row.ciHigh - row.score - Z_95 * row.standardError * ELO_PER_LOG_STRENGTH) < 1e-9);
      assert.ok(Math.abs(row.score - row.ciLow - (row.ciHigh - row.score)) < 1e-9);
    }
    const scoreSum = board.rows.reduce((s, r) => s + r.score - ELO_CENTER, 0);
    assert.ok(Math.abs(scoreSum) < 1e-9, 'scores are centred on ELO_CENTER');
  });

  it('keeps task kinds apart', () => {
    const boards = leaderboardsByTask([vote('x', 'y', 'a', 'edit'), vote('x', 'y', 'a', 'edit'), vote('x', 'y', 'b', 'chat')]);
    assert.deepEqual([...boards.keys()].sort(), ['chat', 'edit']);
    assert.equal(boards.get('edit')!.rows[0].model, 'x');
    assert.equal(boards.get('chat')!.rows[0].model, 'y');
    assert.equal(boards.get('edit')!.votesUsed, 2);
  });

  it('maps a 400-point gap to 10:1 odds', () => {
    assert.ok(Math.abs(expectedWinRate(1900, 1500) - 10 / 11) < 1e-12);
    assert.equal(expectedWinRate(1500, 1500), 0.5);
  });
});

describe('confidence interval coverage (simulation)', () => {
  it('covers the true strength in roughly 90–99% of 200 simulated runs for every model', () => {
    const truth: Record<string, number> = { m0: -0.6, m1: -0.2, m2: 0.2, m3: 0.6 }; // centred, like the fit
    const models = Object.keys(truth);
    const rng = seededRng(20240611);
    const covered: Record<string, number> = Object.fromEntries(models.map((m) => [m, 0]));
    const runs = 200;
    for (let run = 0; run < runs; run++) {
      const votes: PairwiseVote[] = [];
      for (let i = 0; i < models.length; i++) {
        for (let j = i + 1; j < models.length; j++) {
          const pI = 1 / (1 + Math.exp(-(truth[models[i]] - truth[models[j]])));
          for (let k = 0; k < 25; k++) votes.push(vote(models[i], models[j], rng() < pI ? 'a' : 'b'));
        }
      }
      const board = leaderboardFor('edit', votes);
      for (const row of board.rows) {
        const trueScore = ELO_CENTER + ELO_PER_LOG_STRENGTH * truth[row.model];
        if (row.ciLow <= trueScore && trueScore <= row.ciHigh) covered[row.model]++;
      }
    }
    for (const model of models) {
      const rate = covered[model] / runs;
      assert.ok(rate >= 0.9 && rate <= 0.99, `${model}: true strength inside the 95% CI in ${(rate * 100).toFixed(1)}% of runs`);
    }
  });
});
