// Files that run commands or redirect requests are told apart from ordinary source files.
import assert from 'node:assert/strict';
import { sensitiveTarget } from '../../../src/core/edits/sensitivePaths';

const kind = (path: string) => sensitiveTarget(path)?.kind;

describe('sensitive refactor targets', () => {
  it('leaves ordinary source files alone', () => {
    for (const path of [
      'src/a.ts',
      'README.md',
      'src/git/config.ts',
      'docs/vscode.md',
      'scripts/build.sh',
      'src/env.ts',
      'src/package.ts',
      'environment.yml',
    ])
      assert.equal(sensitiveTarget(path), undefined, path);
  });

  it('marks files that run commands', () => {
    for (const path of [
      '.git/config',
      '.git/hooks/pre-commit',
      'vendor/lib/.git/config',
      '.husky/pre-commit',
      '.vscode/tasks.json',
      '.vscode/launch.json',
      'app.code-workspace',
      '.devcontainer/devcontainer.json',
      '.devcontainer.json',
      '.github/workflows/ci.yml',
      '.github/actions/setup/action.yml',
      '.gitlab-ci.yml',
      '.circleci/config.yml',
      'azure-pipelines.yml',
      'Jenkinsfile',
      'package.json',
      'packages/web/package.json',
      '.yarnrc.yml',
      '.pnpmfile.cjs',
      '.envrc',
      '.bashrc',
      '.zshrc',
      '.profile',
      '.bash_profile',
      'home/.config/fish/config.fish',
      'Makefile',
      'GNUmakefile',
      '.pre-commit-config.yaml',
      '.gitattributes',
    ])
      assert.equal(kind(path), 'runsCommands', path);
    assert.equal(sensitiveTarget('.vscode/tasks.json')?.warning, 'this file can run commands');
  });

  it('marks files that change where requests, packages or code come from', () => {
    for (const path of ['.vscode/settings.json', '.npmrc', '.env', '.env.local', '.env.production', 'pip.conf', '.gitmodules'])
      assert.equal(kind(path), 'redirects', path);
    assert.equal(sensitiveTarget('.vscode/settings.json')?.warning, 'this file can change where requests go');
    assert.match(sensitiveTarget('.vscode/settings.json')?.why ?? '', /endpoints/);
  });

  it('ignores case and either path separator', () => {
    assert.equal(kind('.VSCode\\Settings.JSON'), 'redirects');
    assert.equal(kind('.GIT\\hooks\\post-checkout'), 'runsCommands');
    assert.equal(kind('.github\\WORKFLOWS\\release.yml'), 'runsCommands');
    assert.equal(kind('makefile'), 'runsCommands');
    assert.equal(kind('./Package.json'), 'runsCommands');
    assert.equal(kind('.ENV'), 'redirects');
  });

  it('works on paths with a multi-root folder name in front', () => {
    assert.equal(kind('api/.vscode/settings.json'), 'redirects');
    assert.equal(kind('api/.github/workflows/ci.yml'), 'runsCommands');
    assert.equal(kind('api/src/a.ts'), undefined);
  });

  it('does not take a workflow outside .github/workflows, or an empty path, for one', () => {
    assert.equal(kind('workflows/ci.yml'), undefined);
    assert.equal(kind('.github/ISSUE_TEMPLATE/bug.md'), undefined);
    assert.equal(sensitiveTarget(''), undefined);
    assert.equal(sensitiveTarget('/'), undefined);
  });
});
