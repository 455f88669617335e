// Notices when a routed model's version or digest changes between decisions: users feel a changed model first.

/** What a decision record says about the model that answered. */
export interface ModelVersionObservation {
  /** The user's id for the model (ModelRef.id). */
  model: string;
  /** Digest (Ollama) or dated snapshot id; records without one are skipped. */
  version?: string;
  /** Wall-clock ms since the epoch. */
  time: number;
}

export interface DriftEvent {
  model: string;
  previousVersion: string;
  newVersion: string;
  /** When the new version was first seen. */
  firstSeen: number;
  /** When the previous version was last seen. */
  previousLastSeen: number;
}

/** The latest version seen per model, for checking new decisions as they arrive. */
export interface KnownVersion {
  version: string;
  lastSeen: number;
}

/**
 * Checks one observation against what is known and updates `known` in place. Returns a drift
 * event when the version differs from the last one seen for that model. Feed observations in time order.
 */
export function noteModelVersion(known: Map<string, KnownVersion>, observation: ModelVersionObservation): DriftEvent | undefined {
  const version = observation.version;
  if (version === undefined || version === '') return undefined;
  const previous = known.get(observation.model);
  known.set(observation.model, { version, lastSeen: observation.time });
  if (!previous || previous.version === version) return undefined;
  return {
    model: observation.model,
    previousVersion: previous.version,
    newVersion: version,
    firstSeen: observation.time,
    previousLastSeen: previous.lastSeen,
  };
}

/**
 * Every version change in a set of records, oldest first. A model that flips back and forth
 * yields one event per change, because each flip is something the user may feel.
 */
export function detectDrift(records: readonly ModelVersionObservation[]): DriftEvent[] {
  const ordered = records.map((r, i) => ({ r, i })).sort((x, y) => x.r.time - y.r.time || x.i - y.i);
  const known = new Map<string, KnownVersion>();
  const events: DriftEvent[] = [];
  for (const { r } of ordered) {
    const event = noteModelVersion(known, r);
    if (event) events.push(event);
  }
  return events;
}
