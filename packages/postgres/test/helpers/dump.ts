/** Every row of every table of the database, as text: what a leaked secret would be found in. */
import type { PostgresQueryable } from '../../src/index.js';

export async function dumpDatabase(db: PostgresQueryable): Promise<string> {
  const { rows: tables } = await db.query(
    `SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) AS name
     FROM information_schema.tables
     WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
     ORDER BY 1`,
  );
  const parts: string[] = [];
  for (const { name } of tables as { name: string }[]) {
    const { rows } = await db.query(`SELECT t::text AS line FROM ${name} t`);
    parts.push(`-- ${name}`, ...(rows as { line: string }[]).map((row) => row.line));
  }
  return parts.join('\n');
}
