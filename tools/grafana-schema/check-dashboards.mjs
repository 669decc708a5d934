#!/usr/bin/env node
// Type-checks Grafana dashboard JSON against the `Dashboard` type of @grafana/schema.
//
// For every dashboard it writes a TypeScript file
//     import type { Dashboard } from '@grafana/schema';
//     const d: JsonOf<Dashboard> = <the dashboard JSON>;   (JsonOf: see PRELUDE below)
// and runs `tsc --strict --noEmit` over them: a wrong field type (`gridPos: "x"`), a missing
// required field (a panel without `type`, a variable without `name`) or an unknown field in a
// typed object fails the check.
//
// Usage: node check-dashboards.mjs [dashboard.json ...]   (default: ../../dashboards/*.json)
// Needs `npm install` (or `npm ci`) in this folder first. Exits 0 when every dashboard passes,
// 1 on a type error, 2 on a usage or setup problem.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const tsc = join(here, 'node_modules', 'typescript', 'bin', 'tsc');
if (!existsSync(tsc) || !existsSync(join(here, 'node_modules', '@grafana', 'schema'))) {
  console.error(`typescript or @grafana/schema missing: run \`npm ci\` in ${here}`);
  process.exit(2);
}

let files = process.argv.slice(2).map((f) => resolve(f));
if (files.length === 0) {
  const dir = resolve(here, '..', '..', 'dashboards');
  files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}
if (files.length === 0) {
  console.error('no dashboards to check');
  process.exit(2);
}

// @grafana/schema declares some fields as TypeScript string enums (FieldColorModeId,
// ThresholdsMode, MappingType, ...). Dashboard JSON holds their string values, which TypeScript
// does not accept for an enum type, so the check uses the JSON view of the type: every string enum
// becomes the union of its values (`${E}`); everything else, required fields and excess-property
// checks included, stays as @grafana/schema declares it.
const PRELUDE = `import type { Dashboard } from '@grafana/schema';
type JsonOf<T> = T extends string
  ? \`\${T}\`
  : T extends number | boolean | null | undefined
    ? T
    : T extends Array<infer U>
      ? Array<JsonOf<U>>
      : T extends object
        ? { [K in keyof T]: JsonOf<T[K]> }
        : T;
`;

// Inside this folder so that `@grafana/schema` resolves from ./node_modules; one folder per run
// so that concurrent runs do not clash.
const tmp = join(here, `.check-tmp-${process.pid}`);
rmSync(tmp, { recursive: true, force: true });
mkdirSync(tmp, { recursive: true });
const generated = [];
for (const file of files) {
  let json;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`${file}: not valid JSON: ${e.message}`);
    process.exit(1);
  }
  const ts = join(tmp, `${basename(file, '.json')}.ts`);
  writeFileSync(
    ts,
    `// generated from ${file}\n${PRELUDE}const d: JsonOf<Dashboard> = ${JSON.stringify(json, null, 2)};\n` +
      `export default d;\n`,
  );
  generated.push(ts);
}

let failed = false;
try {
  execFileSync(
    process.execPath,
    [
      tsc,
      '--strict',
      '--noEmit',
      '--pretty', 'false',
      '--target', 'es2022',
      '--module', 'esnext',
      '--moduleResolution', 'bundler',
      '--skipLibCheck',
      ...generated,
    ],
    { cwd: here, stdio: 'inherit' },
  );
} catch (e) {
  failed = true;
}
const keep = process.env.KEEP_CHECK_TMP === '1';
if (!keep) {
  rmSync(tmp, { recursive: true, force: true });
}
if (failed) {
  console.error(
    "FAILED: dashboards do not match @grafana/schema's Dashboard type" +
      (keep ? ` (generated files kept in ${tmp})` : ' (KEEP_CHECK_TMP=1 keeps the generated .ts files)'),
  );
  process.exit(1);
}
console.log(`ok: ${files.map((f) => basename(f)).join(', ')} match @grafana/schema's Dashboard type`);
