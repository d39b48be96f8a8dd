/**
 * Job payloads sit in a storage queue (and its dead-letter queue) for days, readable by anyone with the
 * storage key. They must carry ids only; the job looks up everything else when it runs. This guard
 * refuses the usual ways a token or secret ends up in one anyway.
 */

/** A JWT/JWS/JWE compact serialisation: base64url JSON header ("eyJ…"), a dot, more base64url. */
const JWT_SHAPED = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}/;
const BEARER = /^\s*bearer\s+\S/i;
/** Field names that only ever hold secrets (compared lower-case, without "-" and "_"). */
const SECRET_FIELDS = new Set([
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'bearertoken',
  'ssotoken',
  'password',
  'secret',
  'clientsecret',
  'apikey',
  'authorization',
  'assertion',
  'cookie',
  'connectionstring',
  'accountkey',
  'sastoken',
]);

export class UnsafeJobPayloadError extends Error {
  constructor(
    readonly jobType: string,
    readonly jobId: string,
    /** Where in the job the problem is, e.g. "payload.user.note". Never the value itself. */
    readonly path: string,
    readonly problem: string,
  ) {
    super(
      `Refusing to schedule job ${jobType}/${jobId}: ${path} ${problem}. Never put tokens or secrets in job payloads; store ids and look the rest up when the job runs.`,
    );
    this.name = 'UnsafeJobPayloadError';
  }
}

/** Throws UnsafeJobPayloadError when any field name or string in the job looks like a secret. */
export function assertNoSecrets(job: { type: string; id: string; payload: unknown }): void {
  const visit = (value: unknown, path: string, depth: number): void => {
    if (depth > 32) throw new UnsafeJobPayloadError(job.type, job.id, path, 'is nested too deeply');
    if (typeof value === 'string') {
      if (JWT_SHAPED.test(value)) throw new UnsafeJobPayloadError(job.type, job.id, path, 'looks like a JWT');
      if (BEARER.test(value)) throw new UnsafeJobPayloadError(job.type, job.id, path, 'looks like a bearer token');
      return;
    }
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) visit(item, `${path}[${i}]`, depth + 1);
      return;
    }
    if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        const childPath = `${path}.${key}`;
        if (SECRET_FIELDS.has(key.toLowerCase().replace(/[-_]/g, ''))) {
          throw new UnsafeJobPayloadError(job.type, job.id, childPath, 'is a field name reserved for secrets');
        }
        if (JWT_SHAPED.test(key)) throw new UnsafeJobPayloadError(job.type, job.id, childPath, 'looks like a JWT');
        visit(item, childPath, depth + 1);
      }
    }
  };
  visit(job.type, 'type', 0);
  visit(job.id, 'id', 0);
  visit(job.payload, 'payload', 0);
}
