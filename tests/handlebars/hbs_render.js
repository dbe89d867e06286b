// Renders JSON [{template, data, strict?}] from stdin with handlebars.js (noEscape) and prints
// [{output} | {error}] as JSON. Used by the tests that compare our engine with handlebars.js.
const path = require('path');
const Handlebars = require(path.join(__dirname, '..', 'node', 'node_modules', 'handlebars'));
// The `log` helper writes to the console; keep stdout for the JSON result.
for (const name of ['log', 'info', 'warn', 'error', 'debug']) console[name] = () => {};
let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const results = JSON.parse(input).map((c) => {
    try {
      const opts = { noEscape: true, strict: !!c.strict };
      return { output: Handlebars.compile(c.template, opts)(c.data) };
    } catch (e) {
      return { error: String(e.message) };
    }
  });
  process.stdout.write(JSON.stringify(results));
});
