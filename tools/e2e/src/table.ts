// `kubectl get` output: ask the apiserver for a meta.k8s.io Table (what kubectl does, so the columns are
// the CRD's additionalPrinterColumns) and print it the way kubectl's printer does.
import { request } from 'node:https';

export interface TableColumn {
  readonly name: string;
  readonly type: string;
  readonly priority?: number;
}

export interface Table {
  readonly columnDefinitions: readonly TableColumn[];
  readonly rows: readonly { readonly cells: readonly unknown[] }[];
}

export interface ApiAccess {
  readonly server: string;
  readonly caPem: string;
  readonly token: string;
}

const TABLE_ACCEPT = 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json';

/** GET `path` as a Table (bounded: 10 s). */
export function fetchTable(api: ApiAccess, path: string): Promise<Table> {
  const url = new URL(path, api.server);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        ca: api.caPem,
        headers: { Accept: TABLE_ACCEPT, Authorization: `Bearer ${api.token}` },
        timeout: 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200)
            reject(new Error(`GET ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
          else resolve(JSON.parse(text) as Table);
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** kubectl's short age: 45s, 3m12s, 25m, 5h, 3d. */
export function shortAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h` : `${Math.floor(h / 24)}d`;
}

function cellText(value: unknown, column: TableColumn, now: number): string {
  if (value === null || value === undefined || value === '') return '<none>';
  // The apiserver usually renders dates as ages already ("12s"); a timestamp is turned into one here.
  if (column.type === 'date' && typeof value === 'string' && !Number.isNaN(Date.parse(value)))
    return shortAge(now - Date.parse(value));
  return String(value);
}

/** The table as kubectl prints it: upper-case headers, priority-0 columns, three spaces between columns. */
export function formatTable(table: Table, now: number = Date.now()): string {
  const visible = table.columnDefinitions
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => (c.priority ?? 0) === 0);
  if (table.rows.length === 0) return 'No resources found.';
  const grid = [
    visible.map(({ c }) => c.name.toUpperCase()),
    ...table.rows.map((row) => visible.map(({ c, i }) => cellText(row.cells[i], c, now))),
  ];
  const widths = visible.map((_, col) => Math.max(...grid.map((line) => line[col].length)));
  return grid
    .map((line) =>
      line.map((cell, col) => (col === line.length - 1 ? cell : cell.padEnd(widths[col] + 3))).join(''),
    )
    .join('\n');
}
