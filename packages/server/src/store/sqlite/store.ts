import type { Tenant } from "../common.js";
import type { ListingStore } from "../listings.js";
import type { NucleusStore, StoreTransaction } from "../store.js";
import { SqliteAutotagStore } from "./autotags.js";
import { SqliteBrowserTokenStore } from "./browser-tokens.js";
import { SqliteConnection, type SqliteScope } from "./connection.js";
import { SqliteCurationStore } from "./curation.js";
import { type Db, openDatabase, openListingDatabase } from "./database.js";
import { SqliteDatasetStore } from "./datasets.js";
import { SqliteEmbeddingMapStore } from "./embedding-maps.js";
import { SqliteEmbeddingStore } from "./embeddings.js";
import { SqliteEvaluationStore } from "./evaluations.js";
import { SqliteIdempotencyStore } from "./idempotency.js";
import { SqliteItemStore } from "./items.js";
import { SqliteJobStore } from "./jobs.js";
import { SqliteLabelStore } from "./labels.js";
import { SqliteMatchStore } from "./matches.js";
import { SqliteMediaRefStore } from "./media.js";
import { SqliteModelRunStore, SqliteModelStore } from "./models.js";
import { SqliteObjectVectorStore } from "./object-vectors.js";
import { SqliteItemHashStore } from "./phashes.js";
import { SqliteQueryStore } from "./queries.js";
import { registerQueryFunctions } from "./query-functions.js";
import { SqliteSceneStore } from "./scenes.js";
import { SqliteSliceObjectStore } from "./slice-objects.js";
import { SqliteSliceStore } from "./slices.js";
import { SqliteTagStore } from "./tags.js";
import { SqliteTaxonomyStore } from "./taxonomies.js";
import { SqliteUploadStore } from "./uploads.js";
import { SqliteValidateStore } from "./validate.js";

function entityStores(scope: SqliteScope): StoreTransaction {
  return {
    datasets: new SqliteDatasetStore(scope),
    items: new SqliteItemStore(scope),
    labels: new SqliteLabelStore(scope),
    models: new SqliteModelStore(scope),
    runs: new SqliteModelRunStore(scope),
    slices: new SqliteSliceStore(scope),
    sliceObjects: new SqliteSliceObjectStore(scope),
    jobs: new SqliteJobStore(scope),
    uploads: new SqliteUploadStore(scope),
    evaluations: new SqliteEvaluationStore(scope),
    idempotency: new SqliteIdempotencyStore(scope),
    media: new SqliteMediaRefStore(scope),
    queries: new SqliteQueryStore(scope),
    curation: new SqliteCurationStore(scope),
    embeddings: new SqliteEmbeddingStore(scope),
    objectVectors: new SqliteObjectVectorStore(scope),
    autotags: new SqliteAutotagStore(scope),
    embeddingMaps: new SqliteEmbeddingMapStore(scope),
    matches: new SqliteMatchStore(scope),
    validate: new SqliteValidateStore(scope),
    taxonomies: new SqliteTaxonomyStore(scope),
    scenes: new SqliteSceneStore(scope),
    tags: new SqliteTagStore(scope),
    phashes: new SqliteItemHashStore(scope),
    browserTokens: new SqliteBrowserTokenStore(scope),
  };
}

/** Listings read through `scope`; the items of dynamic slices (queries) through `main`. */
function listingStore(scope: SqliteScope, main: SqliteScope): ListingStore {
  const items = new SqliteItemStore(scope);
  const slices = new SqliteSliceStore(scope, main);
  const labels = new SqliteLabelStore(scope);
  return {
    items: (datasetId, request) => items.page(datasetId, request),
    sliceItems: (sliceId, request) => slices.items(sliceId, request),
    labels: (target, itemIds) => labels.list(target, itemIds),
  };
}

/**
 * The store on one SQLite database (better-sqlite3). Each call runs its whole batch in one
 * synchronous SQLite transaction and settles once; `transaction` holds the connection across its
 * awaits, and other calls wait for it (so a transaction's function must use only its handle).
 */
export class SqliteStore implements NucleusStore {
  readonly datasets;
  readonly items;
  readonly labels;
  readonly models;
  readonly runs;
  readonly slices;
  readonly jobs;
  readonly uploads;
  readonly evaluations;
  readonly idempotency;
  readonly media;
  readonly queries;
  readonly curation;
  readonly embeddings;
  readonly objectVectors;
  readonly autotags;
  readonly embeddingMaps;
  readonly matches;
  readonly validate;
  readonly taxonomies;
  readonly scenes;
  readonly sliceObjects;
  readonly tags;
  readonly phashes;
  readonly browserTokens;
  readonly listings: ListingStore;
  private readonly connection: SqliteConnection;
  /** The read-only connection of listings; the main one for a database in memory. */
  private readonly listingConnection: SqliteConnection;

  constructor(private readonly db: Db) {
    registerQueryFunctions(db);
    this.connection = new SqliteConnection(db);
    const stores = entityStores(this.connection.outside);
    this.datasets = stores.datasets;
    this.items = stores.items;
    this.labels = stores.labels;
    this.models = stores.models;
    this.runs = stores.runs;
    this.slices = stores.slices;
    this.jobs = stores.jobs;
    this.uploads = stores.uploads;
    this.evaluations = stores.evaluations;
    this.idempotency = stores.idempotency;
    this.media = stores.media;
    this.queries = stores.queries;
    this.curation = stores.curation;
    this.embeddings = stores.embeddings;
    this.objectVectors = stores.objectVectors;
    this.autotags = stores.autotags;
    this.embeddingMaps = stores.embeddingMaps;
    this.matches = stores.matches;
    this.validate = stores.validate;
    this.taxonomies = stores.taxonomies;
    this.scenes = stores.scenes;
    this.sliceObjects = stores.sliceObjects;
    this.tags = stores.tags;
    this.phashes = stores.phashes;
    this.browserTokens = stores.browserTokens;
    this.listingConnection = db.memory ? this.connection : new SqliteConnection(openListingDatabase(db.name));
    this.listings = listingStore(this.listingConnection.outside, this.connection.outside);
  }

  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    // Each transaction gets its own handle, which refuses calls once the transaction ended.
    return this.connection.transaction((scope) => fn(entityStores(scope)));
  }

  writeVersion(): Promise<string> {
    return this.connection.outside.read(() =>
      String(
        (this.connection.sql("SELECT value FROM write_version WHERE id = 1").get() as { value: number })
          .value,
      ),
    );
  }

  rekeyTenant(from: Tenant, to: Tenant): Promise<number> {
    return this.connection.outside.write(() => {
      // Every table with a tenant column, the ones later migrations add included.
      const tables = (
        this.db
          .prepare(
            `SELECT m.name FROM sqlite_master m, pragma_table_info(m.name) c
             WHERE m.type = 'table' AND c.name = 'tenant'`,
          )
          .all() as { name: string }[]
      ).map((row) => row.name);
      let moved = 0;
      for (const table of tables) {
        moved += this.db.prepare(`UPDATE "${table}" SET tenant = ? WHERE tenant = ?`).run(to, from).changes;
      }
      return moved;
    });
  }

  async close(): Promise<void> {
    await this.connection.close();
    if (this.listingConnection !== this.connection) this.listingConnection.db.close();
    this.db.close();
  }
}

/**
 * Opens (or creates) the store of a data folder: `nucleus.sqlite` in it, migrated. Loose
 * permissions of the folder or the database are warned about on `log` (default: standard error).
 */
export function openSqliteStore(dataDir: string, log?: (line: string) => void): SqliteStore {
  return new SqliteStore(openDatabase(dataDir, log));
}
