/**
 * The store's SQL: the table (what `migrate()` runs and `sql/001_idempotency.sql` holds) and the
 * five statements of the claim protocol. Each protocol step is ONE statement, so it is atomic
 * under any number of concurrent callers on any number of connections; time is the database's
 * (`now()`), so the instances' clocks never have to agree.
 */

/** The table the store uses unless told otherwise. */
export const DEFAULT_TABLE_NAME = 'composio_webhook_idempotency';

/** `table` or `schema.table`: lower-case unquoted identifiers, so the SQL file reads the same. */
const TABLE_NAME = /^(?:[a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,47}$/;

export function isValidTableName(name: unknown): name is string {
  return typeof name === 'string' && TABLE_NAME.test(name);
}

/** The statements `migrate()` runs, in order; idempotent. */
export function migrationStatements(table: string): string[] {
  const index = `${table.slice(table.indexOf('.') + 1)}_expires_at_idx`;
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (\n  id text PRIMARY KEY,\n  token text,\n  expires_at timestamptz NOT NULL\n)`,
    `CREATE INDEX IF NOT EXISTS ${index} ON ${table} (expires_at)`,
  ];
}

const interval = (param: string): string => `now() + ${param}::float8 * interval '1 millisecond'`;

export interface Statements {
  /**
   * $1 id, $2 token, $3 lease ms. Takes a free id, or one whose lease or completed TTL ran out;
   * otherwise says whether the row is processed. → `{ claimed: 0 | 1, completed: boolean | null }`
   * (`completed` null: the row was written by a transaction that committed after this statement
   * began, so it is a claim in flight, or was one a moment ago).
   */
  claim: string;
  /**
   * $1 id, $2 token, $3 completed TTL ms. Marks the id processed while `token` still holds it,
   * or when whatever holds it has expired (our lease lapsed and nobody else's is running), or
   * when there is no row at all. Another caller's running lease is never touched.
   */
  complete: string;
  /** $1 id, $2 token. Compare-and-delete: frees the id only while `token` holds it. */
  release: string;
  /** $1 id, $2 token, $3 lease ms. Compare-and-extend; a lapsed lease is never revived. */
  renew: string;
  /** $1 limit. Deletes at most $1 expired rows, oldest first, skipping rows locked right now. */
  sweep: string;
}

export function statements(table: string): Statements {
  return {
    claim: `WITH claimed AS (
  INSERT INTO ${table} AS held (id, token, expires_at)
  VALUES ($1::text, $2::text, ${interval('$3')})
  ON CONFLICT (id) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at
  WHERE held.expires_at <= now()
  RETURNING 1
)
SELECT (SELECT count(*) FROM claimed)::int AS claimed,
  (SELECT token IS NULL FROM ${table} WHERE id = $1::text) AS completed`,
    complete: `INSERT INTO ${table} AS held (id, token, expires_at)
VALUES ($1::text, NULL, ${interval('$3')})
ON CONFLICT (id) DO UPDATE SET token = NULL, expires_at = excluded.expires_at
WHERE held.token = $2::text OR held.expires_at <= now()
RETURNING 1 AS done`,
    release: `DELETE FROM ${table} WHERE id = $1::text AND token = $2::text RETURNING 1 AS done`,
    renew: `UPDATE ${table} SET expires_at = ${interval('$3')}
WHERE id = $1::text AND token = $2::text AND expires_at > now()
RETURNING 1 AS done`,
    sweep: `WITH gone AS (
  DELETE FROM ${table} WHERE id IN (
    SELECT id FROM ${table} WHERE expires_at <= now()
    ORDER BY expires_at LIMIT $1::int FOR UPDATE SKIP LOCKED
  )
  RETURNING 1
)
SELECT count(*)::int AS deleted FROM gone`,
  };
}
