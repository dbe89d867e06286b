// A long-lived handlebars.js 4.7.10 renderer for the differential tests: one JSON request per
// line on stdin ({template, data, strict}), one JSON answer per line on stdout
// ({output} | {error}). Starting node once keeps thousands of comparisons cheap.
const path = require('path');
const readline = require('readline');
const Handlebars = require(path.join(__dirname, '..', 'node', 'node_modules', 'handlebars'));
// The `log` helper writes to the console; keep stdout for the answers.
for (const name of ['log', 'info', 'warn', 'error', 'debug']) console[name] = () => {};

function answer(request) {
  try {
    const options = { noEscape: true, strict: !!request.strict };
    return { output: Handlebars.compile(request.template, options)(request.data) };
  } catch (e) {
    return { error: String(e && e.message) };
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  let reply;
  try {
    reply = answer(JSON.parse(line));
  } catch (e) {
    reply = { error: 'bad request: ' + String(e && e.message) };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
