/**
 * The Hocuspocus peer: @hocuspocus/server with @hocuspocus/extension-database storing each
 * document's state in a table of its own in the bench database. As shipped, the state is stored
 * debounced (2 s after the last change, at most every 10 s); with `HOCUSPOCUS_STORE_EVERY_CHANGE=1`
 * it is stored after every change (`debounce: 0`), the closest Hocuspocus comes to Samplan's rule,
 * though it still relays each change before storing it. Run as a child process by the bench; on
 * SIGTERM it prints how many stores it made, so the bench can check the mode did what it says.
 */
import { Database } from '@hocuspocus/extension-database';
import { Server } from '@hocuspocus/server';
import pg from 'pg';

const port = Number(process.env['PORT']);
const pool = new pg.Pool({ connectionString: process.env['DATABASE_URL'], max: 10 });
await pool.query('create table if not exists hocuspocus_documents (name text primary key, data bytea not null, updated_at timestamptz not null default now())');

const storeEveryChange = process.env['HOCUSPOCUS_STORE_EVERY_CHANGE'] === '1';
let stores = 0;

const server = new Server({
  port,
  address: '127.0.0.1',
  quiet: true,
  ...(storeEveryChange ? { debounce: 0, maxDebounce: 0 } : {}),
  extensions: [
    new Database({
      fetch: async ({ documentName }) => {
        const { rows } = await pool.query<{ data: Buffer }>('select data from hocuspocus_documents where name = $1', [documentName]);
        return rows[0] ? new Uint8Array(rows[0].data) : null;
      },
      store: async ({ documentName, state }) => {
        stores += 1;
        await pool.query(
          'insert into hocuspocus_documents (name, data) values ($1, $2) on conflict (name) do update set data = excluded.data, updated_at = now()',
          [documentName, Buffer.from(state)],
        );
      },
    }),
  ],
});
await server.listen();
process.stderr.write(`hocuspocus ready on ${port}\n`);
process.on('SIGTERM', () => {
  process.stderr.write(`hocuspocus stores: ${stores}\n`);
  void server.destroy().finally(() => pool.end().finally(() => process.exit(0)));
});
