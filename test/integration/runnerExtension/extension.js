// Test-only companion extension: when code-server is started with SWITCHBOARD_TEST_SUITE set,
// it loads that suite (the same index that @vscode/test-electron loads) and writes the outcome
// as JSON to SWITCHBOARD_TEST_RESULT. Without those variables it does nothing.
const fs = require('node:fs');

exports.activate = function activate() {
  const suite = process.env.SWITCHBOARD_TEST_SUITE;
  const resultFile = process.env.SWITCHBOARD_TEST_RESULT;
  if (!suite || !resultFile) return;
  const write = (result) => fs.writeFileSync(resultFile + '.tmp', JSON.stringify(result)) || fs.renameSync(resultFile + '.tmp', resultFile);
  setTimeout(() => {
    Promise.resolve()
      .then(() => require(suite).run())
      .then(
        (summary) => write({ ok: true, ...summary }),
        (err) => write({ ok: false, error: String((err && err.stack) || err) }),
      );
  }, 0);
};

exports.deactivate = function deactivate() {};
