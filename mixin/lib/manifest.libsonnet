// How the shipped files are written: YAML for the rules, JSON with a two-space indent for the
// dashboards. Both are deterministic, so `mixin/generate` and tests/mixin.rs produce the same
// bytes. Written here rather than with std.manifestYamlDoc/std.manifestJsonEx: jsonnet 0.18
// (Debian's) escapes strings one character at a time in jsonnet (half a minute for the
// dashboards) and writes 0.95 as 0.94999999999999996.
local number(n) = if n == std.floor(n) then '%d' % n else '%.15g' % n;

// A JSON string. Only `\`, `"`, newline and tab are escaped: the mixin's text has no other
// control characters.
local quote(s) =
  '"' + std.strReplace(std.strReplace(std.strReplace(std.strReplace(
    s, '\\', '\\\\'), '"', '\\"'), '\n', '\\n'), '\t', '\\t') + '"';

local scalar(v) =
  if std.isString(v) then quote(v)
  else if std.isNumber(v) then number(v)
  else if std.isBoolean(v) then (if v then 'true' else 'false')
  else if v == null then 'null'
  else error 'not a scalar: %s' % std.type(v);

// Rule fields in the order a reader expects them; any other key follows, sorted.
local yamlOrder = [
  'groups', 'name', 'interval', 'rules', 'record', 'alert', 'expr', 'for', 'labels',
  'annotations', 'summary', 'description', 'runbook_url',
];
local yamlKeys(o) =
  local rank(k) = local i = std.find(k, yamlOrder); if i == [] then 99 else i[0];
  std.sort(std.objectFields(o), function(k) std.toString(10 + rank(k)) + k);

{
  // Block YAML: keys plain (the rules' keys are words), strings double-quoted, multi-line
  // strings that end in one newline and have no blank line as literal blocks (|).
  yaml(value)::
    local block(s) =
      std.length(s) > 1 && s[std.length(s) - 1] == '\n' && s[std.length(s) - 2] != '\n'
      && s[0] != ' ' && std.length(std.strReplace(s, '\n\n', '')) == std.length(s);
    // v after `key:` or `-`, its content indented by ind.
    local after(v, ind) =
      if std.isObject(v) then (if std.length(v) == 0 then ' {}' else '\n' + lines(v, ind))
      else if std.isArray(v) then (if std.length(v) == 0 then ' []' else '\n' + lines(v, ind))
      else if std.isString(v) && block(v) then
        ' |\n' + ind + std.strReplace(std.substr(v, 0, std.length(v) - 1), '\n', '\n' + ind)
      else ' ' + scalar(v),
    lines(v, ind) =
      if std.isObject(v) then
        std.join('\n', [
          ind + k + ':' + after(v[k], ind + '  ')
          for k in yamlKeys(v)
        ])
      else
        std.join('\n', [
          if std.isObject(x) && std.length(x) > 0 then
            ind + '- ' + std.substr(lines(x, ind + '  '), std.length(ind) + 2, 1e9)
          else
            ind + '-' + after(x, ind + '  ')
          for x in v
        ]);
    lines(value, ''),

  // Dashboards: two-space JSON, keys sorted, `[]`/`{}` when empty.
  json(value)::
    local aux(v, indent) =
      local inner = indent + '  ';
      if std.isObject(v) then
        local fields = std.objectFields(v);
        if std.length(fields) == 0 then '{}'
        else '{\n' + std.join(',\n', [
          inner + quote(k) + ': ' + aux(v[k], inner)
          for k in fields
        ]) + '\n' + indent + '}'
      else if std.isArray(v) then
        if std.length(v) == 0 then '[]'
        else '[\n' + std.join(',\n', [inner + aux(x, inner) for x in v]) + '\n' + indent + ']'
      else scalar(v);
    aux(value, ''),
}
