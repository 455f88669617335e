// Which files a refactor may touch only with a second look: files that make a tool run commands or that
// change where code, packages or requests come from. Pure: workspace-relative paths in, a warning out.

export type SensitiveKind = 'runsCommands' | 'redirects';

export interface SensitiveTarget {
  kind: SensitiveKind;
  /** What the review says, e.g. "this file can run commands". */
  warning: string;
  /** Why, in one clause: "VS Code runs tasks from here, some as soon as the folder opens". */
  why: string;
}

const WARNINGS: Record<SensitiveKind, string> = {
  runsCommands: 'this file can run commands',
  redirects: 'this file can change where requests go',
};

interface Rule {
  kind: SensitiveKind;
  why: string;
  /** Segments lower-cased, the file name last. */
  matches: (segments: readonly string[]) => boolean;
}

const CI_FILES = new Set([
  '.gitlab-ci.yml',
  'azure-pipelines.yml',
  'azure-pipelines.yaml',
  '.travis.yml',
  'jenkinsfile',
  'bitbucket-pipelines.yml',
  '.drone.yml',
  'appveyor.yml',
  '.woodpecker.yml',
]);
const CI_FOLDERS = new Set(['.circleci', '.buildkite', '.azure-pipelines', '.woodpecker']);
const SHELL_PROFILES = new Set([
  '.profile',
  '.bashrc',
  '.bash_profile',
  '.bash_login',
  '.bash_logout',
  '.zshrc',
  '.zshenv',
  '.zprofile',
  '.zlogin',
  '.zlogout',
  '.cshrc',
  '.tcshrc',
  '.kshrc',
  '.mkshrc',
  'config.fish',
]);
const PACKAGE_SOURCES = new Set(['.npmrc', '.yarnrc', '.pypirc', 'pip.conf', '.condarc']);
const HOOK_CONFIGS = new Set(['.pre-commit-config.yaml', 'lefthook.yml', '.lefthook.yml', 'lefthook.yaml']);

const inFolder = (segments: readonly string[], folder: string) => segments.slice(0, -1).includes(folder);
/** The folder sequence `path` (e.g. .github/workflows) appears among the folders. */
const inFolders = (segments: readonly string[], path: readonly string[]) => {
  const folders = segments.slice(0, -1);
  for (let i = 0; i + path.length <= folders.length; i++) if (path.every((p, k) => folders[i + k] === p)) return true;
  return false;
};
const fileName = (segments: readonly string[]) => segments[segments.length - 1];

// First match wins: the more specific rules (settings.json in .vscode) come before the general ones.
const RULES: readonly Rule[] = [
  { kind: 'runsCommands', why: 'Git runs commands its config and hooks name', matches: (s) => inFolder(s, '.git') },
  { kind: 'runsCommands', why: 'Husky runs these scripts as Git hooks', matches: (s) => inFolder(s, '.husky') },
  {
    kind: 'redirects',
    why: 'VS Code settings can send requests elsewhere (endpoints, proxies) and choose the programs it runs',
    matches: (s) => inFolder(s, '.vscode') && fileName(s) === 'settings.json',
  },
  {
    kind: 'runsCommands',
    why: 'VS Code runs tasks and launch configurations from here, some as the folder opens',
    matches: (s) => inFolder(s, '.vscode'),
  },
  {
    kind: 'runsCommands',
    why: 'a workspace file holds VS Code tasks and settings',
    matches: (s) => fileName(s).endsWith('.code-workspace'),
  },
  {
    kind: 'runsCommands',
    why: 'a dev container runs the commands and images named here',
    matches: (s) => inFolder(s, '.devcontainer') || fileName(s) === '.devcontainer.json',
  },
  {
    kind: 'runsCommands',
    why: 'CI runs these workflows, with the repository’s secrets',
    matches: (s) => inFolders(s, ['.github', 'workflows']) || inFolders(s, ['.github', 'actions']),
  },
  {
    kind: 'runsCommands',
    why: 'CI runs the commands in this file',
    matches: (s) => CI_FILES.has(fileName(s)) || [...CI_FOLDERS].some((f) => inFolder(s, f)),
  },
  { kind: 'runsCommands', why: 'npm runs its scripts, install hooks on every install', matches: (s) => fileName(s) === 'package.json' },
  { kind: 'runsCommands', why: 'Yarn runs the program its yarnPath names', matches: (s) => fileName(s) === '.yarnrc.yml' },
  { kind: 'runsCommands', why: 'pnpm runs this file on every install', matches: (s) => /^\.pnpmfile\.c?js$/.test(fileName(s)) },
  { kind: 'redirects', why: 'it decides where packages are downloaded from', matches: (s) => PACKAGE_SOURCES.has(fileName(s)) },
  { kind: 'runsCommands', why: 'direnv runs it as a shell script when you enter the folder', matches: (s) => fileName(s) === '.envrc' },
  {
    kind: 'redirects',
    why: 'environment files set the endpoints, proxies and keys tools use',
    matches: (s) => fileName(s) === '.env' || fileName(s).startsWith('.env.'),
  },
  { kind: 'runsCommands', why: 'your shell runs it when it starts', matches: (s) => SHELL_PROFILES.has(fileName(s)) },
  {
    kind: 'runsCommands',
    why: 'make runs the commands in its rules',
    matches: (s) => fileName(s) === 'makefile' || fileName(s) === 'gnumakefile',
  },
  { kind: 'runsCommands', why: 'Git hook managers run the commands it names', matches: (s) => HOOK_CONFIGS.has(fileName(s)) },
  { kind: 'runsCommands', why: 'it chooses which Git filters run on files', matches: (s) => fileName(s) === '.gitattributes' },
  { kind: 'redirects', why: 'it names where Git fetches submodules from', matches: (s) => fileName(s) === '.gitmodules' },
];

/**
 * Whether a change to this path needs a second look, and why. `path` is relative to a workspace folder
 * (a multi-root workspace's folder name in front does no harm); either separator, any case.
 */
export function sensitiveTarget(path: string): SensitiveTarget | undefined {
  const segments = path
    .toLowerCase()
    .split(/[\\/]+/)
    .filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) return undefined;
  const rule = RULES.find((r) => r.matches(segments));
  return rule && { kind: rule.kind, warning: WARNINGS[rule.kind], why: rule.why };
}
