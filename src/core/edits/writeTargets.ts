// Whether a write target stays inside the workspace once symbolic links are resolved: pure logic over
// real paths the caller resolved (the file system calls are in src/vscode/workspace.ts).

export interface RealPathOptions {
  /** True where the file system ignores case (Windows): real paths may then differ in case only. */
  ignoreCase?: boolean;
}

/** A path's segments: either separator, no empty or "." segments; lower-cased when case does not count. */
function segmentsOf(path: string, ignoreCase: boolean): string[] {
  const parts = path.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  return ignoreCase ? parts.map((s) => s.toLowerCase()) : parts;
}

/** Both paths absolute and real (symbolic links resolved); the root itself counts as inside. */
export function isInsideRealPath(target: string, root: string, options: RealPathOptions = {}): boolean {
  const ignoreCase = options.ignoreCase ?? false;
  const t = segmentsOf(target, ignoreCase);
  const r = segmentsOf(root, ignoreCase);
  if (t.includes('..') || r.includes('..')) return false;
  return r.length <= t.length && r.every((segment, i) => segment === t[i]);
}

/**
 * The real path of a target whose deepest existing ancestor resolved to `realAncestor`: the segments
 * that do not exist yet are appended (they cannot be links). Undefined when one of them is "..", whose
 * meaning the file system, not the text, decides.
 */
export function joinRealPath(realAncestor: string, missing: readonly string[]): string | undefined {
  if (missing.some((s) => s === '..')) return undefined;
  const rest = missing.filter((s) => s !== '' && s !== '.');
  if (rest.length === 0) return realAncestor;
  const separator = realAncestor.includes('\\') && !realAncestor.includes('/') ? '\\' : '/';
  return realAncestor.replace(/[\\/]+$/, '') + separator + rest.join(separator);
}

export interface ResolvedWriteTarget {
  /** Workspace-relative, as the user sees it (`linked/x.txt`). */
  path: string;
  /** Where a write to it would land; undefined when that could not be worked out. */
  realPath: string | undefined;
}

/**
 * Why a write to `target` must be refused, or undefined when its real path is inside one of the
 * workspace folders' real paths. The reason is a clause that follows the path in a sentence.
 */
export function writeTargetProblem(
  target: ResolvedWriteTarget,
  realRoots: readonly string[],
  options: RealPathOptions = {},
): string | undefined {
  if (target.realPath === undefined) return `${target.path} cannot be checked for symbolic links, so it is not written`;
  if (realRoots.some((root) => isInsideRealPath(target.realPath!, root, options))) return undefined;
  return `${target.path} is a symbolic link (or inside one) that leads outside the workspace, to ${target.realPath}`;
}
