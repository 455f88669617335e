// Any unhandled promise rejection fails the run: a provider that leaks one is a bug.
const seen: unknown[] = [];
process.on('unhandledRejection', (reason) => {
  seen.push(reason);
  process.exitCode = 1;
  process.stderr.write(`UNHANDLED REJECTION: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
});
export const mochaHooks = {
  afterEach(this: Mocha.Context) {
    if (seen.length > 0) {
      const first = seen.splice(0);
      throw new Error(`unhandled promise rejection during test: ${String(first[0])}`);
    }
  },
};
