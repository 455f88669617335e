// How hard a chat question looks, from cheap signals only: the kind of question, its size, the
// files involved, and whether it carries an error to debug. No model call: routing must take µs.

export interface DifficultyInput {
  question?: string;
  promptTokens: number;
  fileCount: number;
}

export interface DifficultyEstimate {
  /** 0 (trivial) … 1 (hard). */
  score: number;
  /** Short phrases for the decision's explanation, e.g. `asks "why"`, `4 files`. */
  reasons: string[];
}

// Questions about proofs, design and concurrency need reasoning; "why"/debugging questions often do;
// lookups and renames do not.
const STRONG_TERMS =
  /\b(prove|proof|design|architecture|architect|race condition|deadlock|concurren\w*|root cause|invariant|threat model|vulnerab\w*|correctness)\b/i;
const MEDIUM_TERMS = /\b(why|refactor|debug|debugging|trade-?offs?|optimi[sz]e|performance|scal(e|ing|ability)|migrat\w*|complexity)\b/i;
const EASY_TERMS =
  /^\s*(what is|what's|what does|what are|rename|how do i (rename|format|import)|fix (the )?typo|translate|format|convert|add (a )?(docstring|comment)|explain this line|syntax)\b/i;
const ERROR_TEXT =
  /(Traceback \(most recent call last\)|\n\s+at [\w.<>$]+ \(|Exception in thread|panic:|Segmentation fault|\b[A-Z]\w*Error: )/;

/** Only the start of a question is scanned: long pastes are mostly code, and the routing path must stay fast. */
const SCAN_CHARS = 4000;

export function estimateDifficulty(input: DifficultyInput): DifficultyEstimate {
  const reasons: string[] = [];
  let score = 0;
  const text =
    input.question === undefined ? '' : input.question.length > SCAN_CHARS ? input.question.slice(0, SCAN_CHARS) : input.question;

  const strong = STRONG_TERMS.exec(text);
  const medium = strong ? null : MEDIUM_TERMS.exec(text);
  if (strong) {
    score += 0.5;
    reasons.push(`asks about "${strong[1].toLowerCase()}"`);
  } else if (medium) {
    score += 0.35;
    reasons.push(`asks "${medium[1].toLowerCase()}"`);
  } else if (EASY_TERMS.test(text)) {
    score -= 0.2;
    reasons.push('a lookup-style question');
  }
  if (ERROR_TEXT.test(text)) {
    score += 0.2;
    reasons.push('includes an error to debug');
  }
  if (input.fileCount >= 6) {
    score += 0.3;
    reasons.push(`${input.fileCount} files`);
  } else if (input.fileCount >= 3) {
    score += 0.15;
    reasons.push(`${input.fileCount} files`);
  }
  if (input.promptTokens >= 32_000) {
    score += 0.3;
    reasons.push(`${Math.round(input.promptTokens / 1000)}k-token prompt`);
  } else if (input.promptTokens >= 8_000) {
    score += 0.15;
    reasons.push(`${Math.round(input.promptTokens / 1000)}k-token prompt`);
  }
  if (text.length >= 1200) {
    score += 0.1;
    reasons.push('long question');
  }
  return { score: Math.max(0, Math.min(1, Math.round(score * 100) / 100)), reasons };
}
