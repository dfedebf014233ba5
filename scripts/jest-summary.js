// Prints the closing line CI reads, "N passed, N failed[, N skipped]", from jest's JSON results.
'use strict';
const fs = require('node:fs');

const file = process.argv[2] || 'test-results.json';
let results;
try {
  results = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch {
  console.log('0 passed, 1 failed');
  process.exit(0);
}
// A suite that failed to run (syntax error, failing beforeAll) has no test results: count it as failed.
const brokenSuites = results.testResults.filter(
  (s) => s.status === 'failed' && s.assertionResults.length === 0,
).length;
const skipped = results.numPendingTests + results.numTodoTests;
const line = `${results.numPassedTests} passed, ${results.numFailedTests + brokenSuites} failed`;
console.log(skipped > 0 ? `${line}, ${skipped} skipped` : line);
