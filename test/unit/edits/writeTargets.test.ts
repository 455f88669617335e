// The pure half of "writes stay inside the workspace by real path": prefix checks on real paths.
import assert from 'node:assert/strict';
import { isInsideRealPath, joinRealPath, writeTargetProblem } from '../../../src/core/edits/writeTargets';

describe('write targets by real path', () => {
  it('counts a path inside a root, and the root itself, as inside', () => {
    assert.equal(isInsideRealPath('/home/u/project/src/a.ts', '/home/u/project'), true);
    assert.equal(isInsideRealPath('/home/u/project', '/home/u/project'), true);
    assert.equal(isInsideRealPath('/home/u/project/', '/home/u/project'), true);
    assert.equal(isInsideRealPath('/home/u/project/src', '/home/u/project/'), true);
  });

  it('does not take a sibling with the same prefix for the root', () => {
    assert.equal(isInsideRealPath('/home/u/project-evil/a.ts', '/home/u/project'), false);
    assert.equal(isInsideRealPath('/home/u/proj', '/home/u/project'), false);
    assert.equal(isInsideRealPath('/etc/passwd', '/home/u/project'), false);
  });

  it('refuses a path with ".." rather than guess what it means', () => {
    assert.equal(isInsideRealPath('/home/u/project/../other/a.ts', '/home/u/project'), false);
  });

  it('takes either separator, and ignores case only when told to', () => {
    assert.equal(isInsideRealPath('C:\\Users\\u\\project\\src\\a.ts', 'C:\\Users\\u\\project'), true);
    assert.equal(isInsideRealPath('C:/Users/u/project/src/a.ts', 'C:\\Users\\u\\project'), true);
    assert.equal(isInsideRealPath('c:\\users\\u\\PROJECT\\a.ts', 'C:\\Users\\u\\project'), false);
    assert.equal(isInsideRealPath('c:\\users\\u\\PROJECT\\a.ts', 'C:\\Users\\u\\project', { ignoreCase: true }), true);
    assert.equal(isInsideRealPath('D:\\project\\a.ts', 'C:\\project', { ignoreCase: true }), false);
  });

  it('appends the segments that do not exist yet to the real ancestor', () => {
    assert.equal(joinRealPath('/outside/dir', ['x.txt']), '/outside/dir/x.txt');
    assert.equal(joinRealPath('/outside/dir/', ['new', 'x.txt']), '/outside/dir/new/x.txt');
    assert.equal(joinRealPath('/outside/dir', []), '/outside/dir');
    assert.equal(joinRealPath('C:\\outside', ['new', 'x.txt']), 'C:\\outside\\new\\x.txt');
    assert.equal(joinRealPath('/outside', ['.', 'x.txt']), '/outside/x.txt');
    assert.equal(joinRealPath('/outside', ['new', '..', 'x.txt']), undefined);
  });

  it('refuses a target whose real path is outside every workspace folder, naming where it leads', () => {
    const roots = ['/home/u/project', '/home/u/other'];
    assert.equal(writeTargetProblem({ path: 'src/a.ts', realPath: '/home/u/project/src/a.ts' }, roots), undefined);
    assert.equal(writeTargetProblem({ path: 'other/a.ts', realPath: '/home/u/other/a.ts' }, roots), undefined);
    // A link inside the workspace to another place inside it is fine.
    assert.equal(writeTargetProblem({ path: 'alias/a.ts', realPath: '/home/u/project/src/a.ts' }, roots), undefined);
    const problem = writeTargetProblem({ path: 'linked/x.txt', realPath: '/some/outside/dir/x.txt' }, roots);
    assert.match(
      problem ?? '',
      /^linked\/x\.txt is a symbolic link \(or inside one\) that leads outside the workspace, to \/some\/outside\/dir\/x\.txt$/,
    );
    assert.match(writeTargetProblem({ path: 'a.ts', realPath: '/home/u/project/a.ts' }, []) ?? '', /leads outside the workspace/);
  });

  it('refuses a target whose real path could not be worked out', () => {
    assert.match(writeTargetProblem({ path: 'linked/x.txt', realPath: undefined }, ['/p']) ?? '', /cannot be checked for symbolic links/);
  });
});
