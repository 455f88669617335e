// Blinded A/B votes kept in the extension's global state: the newest few thousand, enough for stable ratings.
import type * as vscode from 'vscode';
import type { PairwiseVote } from '../../core/ratings/blinding';

const VOTES_KEY = 'switchboard.router.votes';
export const MAX_STORED_VOTES = 5_000;

export class VoteStore {
  constructor(private readonly state: vscode.Memento) {}

  all(): PairwiseVote[] {
    const stored = this.state.get<unknown>(VOTES_KEY);
    return Array.isArray(stored) ? (stored as PairwiseVote[]) : [];
  }

  /** Appends a vote, drops the oldest beyond the cap, and returns the list now stored. */
  async add(vote: PairwiseVote): Promise<PairwiseVote[]> {
    const votes = [...this.all(), vote].slice(-MAX_STORED_VOTES);
    await this.state.update(VOTES_KEY, votes);
    return votes;
  }
}
