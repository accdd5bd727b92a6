/** The job section of the editor: the fields of a process, HTTP or SQL job. */
import { getPath, linesToMap, mapToLines } from '../draft.ts';
import { CheckField, commaList, lineList, NumberField, ParsedField, SecretField, SelectField, TextField, type Form } from './form-fields.tsx';

const mapLines = (separator: string) => ({ format: (v: unknown) => mapToLines(v, separator), parse: linesToMap });
const jsonValue = {
  format: (v: unknown) => (v === undefined ? '' : JSON.stringify(v, null, 2)),
  parse: (t: string) => {
    if (!t.trim()) return undefined;
    try {
      return JSON.parse(t) as unknown;
    } catch {
      return t;
    }
  },
};

/** Process job fields. */
export function ProcessFields({ f }: { f: Form }) {
  return (
    <>
      <TextField f={f} path="job.executablePath" label="Executable" hint="Path or name on PATH; must be in the allowed executables if that list is set." />
      <ParsedField f={f} path="job.arguments" label="Arguments" hint="One per line; placeholders like {CurrentDate} allowed." rows={3} {...lineList} />
      <TextField f={f} path="job.workingDirectory" label="Working directory" />
      <ParsedField f={f} path="job.environment" label="Environment" hint="NAME=value per line; credential-like names are stored as secrets and shown as <secret>." rows={3} {...mapLines('=')} />
      <ParsedField f={f} path="job.successExitCodes" label="Success exit codes" hint="Comma-separated; default 0." {...{ format: commaList.format, parse: (t: string) => { const l = commaList.parse(t).map(Number); return l.length ? l : undefined; } }} />
      <CheckField f={f} path="job.shell" label="Run in a shell" />
    </>
  );
}

/** HTTP job fields, with the authentication secrets write-only. */
export function HttpFields({ f }: { f: Form }) {
  const auth = (getPath(f.draft, 'job.auth.type') as string | undefined) ?? 'none';
  return (
    <>
      <TextField f={f} path="job.url" label="URL" placeholder="https://…" />
      <SelectField f={f} path="job.method" label="Method" options={['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD']} />
      <ParsedField f={f} path="job.headers" label="Headers" hint="Name: value per line; credential headers are secrets and shown as <secret>." rows={3} {...mapLines(': ')} />
      <ParsedField f={f} path="job.secretHeaders" label="Secret headers" hint="Comma-separated header names to treat as secrets." {...commaList} />
      <SelectField f={f} path="job.auth.type" label="Authentication" options={['none', 'bearer', 'basic', 'apiKey']} />
      {auth === 'bearer' && <SecretField f={f} path="job.auth.token" label="Bearer token" />}
      {auth === 'basic' && (
        <>
          <TextField f={f} path="job.auth.username" label="User name" />
          <SecretField f={f} path="job.auth.password" label="Password" />
        </>
      )}
      {auth === 'apiKey' && (
        <>
          <TextField f={f} path="job.auth.name" label="Key name" />
          <SecretField f={f} path="job.auth.value" label="Key value" />
          <SelectField f={f} path="job.auth.in" label="Send in" options={['header', 'query']} />
        </>
      )}
      <TextField f={f} path="job.contentType" label="Content type" />
      <TextField f={f} path="job.body" label="Body" rows={4} />
      <ParsedField f={f} path="job.successStatus" label="Success status" hint="Comma-separated codes or ranges like 2xx." {...commaList} />
      <ParsedField f={f} path="job.expect" label="Expect (JSON)" hint='e.g. {"jsonPath": "$.status", "equals": "ok"}' rows={3} {...jsonValue} />
      <NumberField f={f} path="job.maxResponseBytes" label="Max response bytes" />
      <TextField f={f} path="job.proxy" label="Proxy" />
    </>
  );
}

/** SQL job fields. */
export function SqlFields({ f }: { f: Form }) {
  return (
    <>
      <TextField f={f} path="job.connection" label="Connection" hint="The name of a connection from Settings." />
      <TextField f={f} path="job.procedure" label="Procedure" placeholder="dbo.NightlyClose" />
      <SelectField f={f} path="job.kind" label="Kind" options={['procedure', 'function']} />
      <ParsedField f={f} path="job.parameters" label="SQL parameters (JSON)" hint='[{"name": "Day", "type": "date", "value": "{CurrentDate}"}]' rows={4} {...jsonValue} />
      <CheckField f={f} path="job.captureResultSets" label="Capture result sets" />
      <NumberField f={f} path="job.maxRows" label="Max rows" />
    </>
  );
}

/** The fields of the draft's job type. */
export function JobFields({ f }: { f: Form }) {
  const type = getPath(f.draft, 'job.type');
  if (type === 'http') return <HttpFields key="http" f={f} />;
  if (type === 'sql') return <SqlFields key="sql" f={f} />;
  return <ProcessFields key="process" f={f} />;
}
