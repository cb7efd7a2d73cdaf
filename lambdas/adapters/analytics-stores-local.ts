/**
 * The local analytics stores (issue 19): the tenants with data and deleting one's
 * ({@link AnalyticsTenantStore} over `<root>/lines/tenant=<id>/`), and the peers' snapshot
 * ({@link PeerSnapshotStore} as `<root>/peers.json`). In AWS: S3 common prefixes and deletes, and
 * the `peers/latest.json` object.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { AnalyticsTenantStore, PeerSnapshot, PeerSnapshotStore } from '../app/analytics/ports.js';
import {
  directories,
  linesDirectory,
  parquetFiles,
  TENANT_PATTERN,
  withRootLock,
} from './analytics-duckdb.js';
import { SPOOL_DIR, SPOOL_SUFFIX } from './analytics-spool-sink-local.js';

/** The peers' snapshot's file under the analytics root (PEER_SNAPSHOT_KEY's local twin). */
export const PEERS_FILE = 'peers.json';

/** Options of {@link LocalAnalyticsTenantStore}. */
export interface LocalTenantStoreOptions {
  readonly root: string;
  /**
   * Runs a task with no compaction under way, so that a run cannot write Parquet files from spool
   * records it read before the delete. Default: the analytics root's lock, which the compactor holds
   * during each run, in whatever process it runs; the compactor's `exclusive` in its own process.
   */
  readonly exclusive?: <T>(task: () => Promise<T>) => Promise<T>;
}

/**
 * {@link AnalyticsTenantStore} on the local Parquet directory. Deleting a tenant removes its
 * `tenant=<id>/` directory and rewrites the spool files that hold its records without them (the
 * other tenants' records in those files are kept). Records still in a sink's memory (at most its
 * flush interval, ~250 ms) can land after the delete, as a Firehose buffer can in AWS.
 */
export class LocalAnalyticsTenantStore implements AnalyticsTenantStore {
  readonly #root: string;
  readonly #exclusive: <T>(task: () => Promise<T>) => Promise<T>;

  /** @param options - the root, and the compactor's lock */
  constructor(options: LocalTenantStoreOptions) {
    this.#root = options.root;
    this.#exclusive = options.exclusive ?? ((task) => withRootLock(this.#root, task));
  }

  /** @returns the tenants with at least one partition, sorted */
  async tenants(): Promise<readonly string[]> {
    const lines = linesDirectory(this.#root);
    const tenants: string[] = [];
    for (const name of await directories(lines, 'tenant=')) {
      const tenant = name.slice('tenant='.length);
      if (!TENANT_PATTERN.test(tenant)) continue;
      if ((await directories(join(lines, name), 'month=')).length > 0) tenants.push(tenant);
    }
    return tenants.sort();
  }

  /**
   * @param tenant - the caller's tenant (from its token)
   * @returns the Parquet files deleted, plus the spool files rewritten or removed
   */
  async deleteTenant(tenant: string): Promise<{ readonly objectsDeleted: number }> {
    // Never a path from a value that is not a tenant id: `..` or a slash would reach elsewhere.
    if (!TENANT_PATTERN.test(tenant)) return { objectsDeleted: 0 };
    return this.#exclusive(async () => {
      const directory = join(linesDirectory(this.#root), `tenant=${tenant}`);
      const files = await parquetFiles(directory);
      await rm(directory, { recursive: true, force: true });
      const spool = await this.#dropFromSpool(tenant);
      return { objectsDeleted: files.length + spool };
    });
  }

  /** Rewrites each ready spool file holding the tenant's records without them; answers the files touched. */
  async #dropFromSpool(tenant: string): Promise<number> {
    const directory = join(this.#root, SPOOL_DIR);
    let names: string[];
    try {
      names = (await readdir(directory)).filter((n) => n.endsWith(SPOOL_SUFFIX));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    // A cheap test before parsing: the serialised tenant field as the sink writes it.
    const marker = `"tenant":${JSON.stringify(tenant)}`;
    let touched = 0;
    for (const name of names) {
      const path = join(directory, name);
      let text: string;
      try {
        text = await readFile(path, 'utf8');
      } catch {
        continue;
      }
      if (!text.includes(marker)) continue;
      const kept = text
        .split('\n')
        .filter((line) => line.trim() !== '' && !isTenantLine(line, tenant, marker));
      touched += 1;
      if (kept.length === 0) {
        await rm(path, { force: true });
      } else {
        // Temporary name without the ready suffix, then rename over: the compactor sees either file whole.
        const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
        await writeFile(temporary, `${kept.join('\n')}\n`, { mode: 0o600 });
        await rename(temporary, path);
      }
    }
    return touched;
  }
}

/** Whether a spool line is a record of the tenant (a malformed line is left for the compactor to count). */
function isTenantLine(line: string, tenant: string, marker: string): boolean {
  if (!line.includes(marker)) return false;
  try {
    return (JSON.parse(line) as { tenant?: unknown }).tenant === tenant;
  } catch {
    return false;
  }
}

/**
 * {@link PeerSnapshotStore} as `<root>/peers.json`, written atomically (temporary file, rename). A
 * file that is not a snapshot loads as none (the pricing path then compares nothing), never an error.
 */
export class LocalPeerSnapshotStore implements PeerSnapshotStore {
  readonly #root: string;

  /** @param root - the analytics root */
  constructor(root: string) {
    this.#root = root;
  }

  /** @returns the snapshot, or null when there is none (or it cannot be read) */
  async load(): Promise<PeerSnapshot | null> {
    let text: string;
    try {
      text = await readFile(join(this.#root, PEERS_FILE), 'utf8');
    } catch {
      return null;
    }
    try {
      const value = JSON.parse(text) as Partial<PeerSnapshot> | null;
      if (
        typeof value !== 'object' ||
        value === null ||
        typeof value.builtAt !== 'string' ||
        typeof value.from !== 'string' ||
        typeof value.to !== 'string' ||
        typeof value.groups !== 'object' ||
        value.groups === null
      ) {
        return null;
      }
      return value as PeerSnapshot;
    } catch {
      return null;
    }
  }

  /** @param snapshot - the new snapshot; replaces the old one whole */
  async save(snapshot: PeerSnapshot): Promise<void> {
    await mkdir(this.#root, { recursive: true, mode: 0o700 });
    const path = join(this.#root, PEERS_FILE);
    const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temporary, JSON.stringify(snapshot), { mode: 0o600 });
    await rename(temporary, path);
  }
}
