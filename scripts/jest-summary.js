// Prints the closing line CI reads, "N passed, N failed[, N skipped]", from jest's JSON results:
// one file per run (the suite on the machine's Node, then on Node 24), summed.
'use strict';
const fs = require('node:fs');

const files = process.argv.length > 2 ? process.argv.slice(2) : ['test-results.json'];
let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files) {
  let results;
  try {
    results = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // A run that wrote no results (setup failed, jest crashed) counts as one failure.
    failed += 1;
    continue;
  }
  // A suite that failed without a failing test (a syntax error, a failing beforeAll or afterAll)
  // counts as one failure, so the line never says "0 failed" for a failed run.
  const brokenSuites = results.testResults.filter(
    (s) => s.status === 'failed' && !s.assertionResults.some((a) => a.status === 'failed'),
  ).length;
  passed += results.numPassedTests;
  failed += results.numFailedTests + brokenSuites;
  skipped += results.numPendingTests + results.numTodoTests;
}
const line = `${passed} passed, ${failed} failed`;
console.log(skipped > 0 ? `${line}, ${skipped} skipped` : line);
