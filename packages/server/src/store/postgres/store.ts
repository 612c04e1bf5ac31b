import type pg from "pg";
import type { Tenant } from "../common.js";
import type { ListingStore } from "../listings.js";
import type { NucleusStore, StoreTransaction } from "../store.js";
import { PgAutotagStore } from "./autotags.js";
import { PgBrowserTokenStore } from "./browser-tokens.js";
import { PgConnection, type PgScope } from "./connection.js";
import { PgCurationStore } from "./curation.js";
import { openPool, type PostgresLocation } from "./database.js";
import { PgDatasetStore } from "./datasets.js";
import { PgEmbeddingMapStore } from "./embedding-maps.js";
import { PgEmbeddingStore } from "./embeddings.js";
import { PgEvaluationStore } from "./evaluations.js";
import { PgIdempotencyStore } from "./idempotency.js";
import { PgItemStore } from "./items.js";
import { PgJobStore } from "./jobs.js";
import { PgLabelStore } from "./labels.js";
import { PgMatchStore } from "./matches.js";
import { PgMediaRefStore } from "./media.js";
import { PgModelRunStore, PgModelStore } from "./models.js";
import { PgObjectVectorStore } from "./object-vectors.js";
import { PgItemHashStore } from "./phashes.js";
import { PgQueryStore } from "./queries.js";
import { PgSceneStore } from "./scenes.js";
import { PgSliceObjectStore } from "./slice-objects.js";
import { PgSliceStore } from "./slices.js";
import { PgTagStore } from "./tags.js";
import { PgTaxonomyStore } from "./taxonomies.js";
import { PgUploadStore } from "./uploads.js";
import { PgValidateStore } from "./validate.js";

function entityStores(scope: PgScope): StoreTransaction {
  return {
    datasets: new PgDatasetStore(scope),
    items: new PgItemStore(scope),
    labels: new PgLabelStore(scope),
    models: new PgModelStore(scope),
    runs: new PgModelRunStore(scope),
    slices: new PgSliceStore(scope),
    jobs: new PgJobStore(scope),
    uploads: new PgUploadStore(scope),
    evaluations: new PgEvaluationStore(scope),
    idempotency: new PgIdempotencyStore(scope),
    media: new PgMediaRefStore(scope),
    queries: new PgQueryStore(scope),
    curation: new PgCurationStore(scope),
    embeddings: new PgEmbeddingStore(scope),
    objectVectors: new PgObjectVectorStore(scope),
    autotags: new PgAutotagStore(scope),
    embeddingMaps: new PgEmbeddingMapStore(scope),
    matches: new PgMatchStore(scope),
    validate: new PgValidateStore(scope),
    taxonomies: new PgTaxonomyStore(scope),
    scenes: new PgSceneStore(scope),
    sliceObjects: new PgSliceObjectStore(scope),
    tags: new PgTagStore(scope),
    phashes: new PgItemHashStore(scope),
    browserTokens: new PgBrowserTokenStore(scope),
  };
}

/**
 * The store on a PostgreSQL database, through a pool of connections (`pg`). Any number of server
 * processes may share the database: writes are transactions, job claims skip rows other servers
 * hold, and the write version is kept in the database.
 */
export class PostgresStore implements NucleusStore {
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
  /** Listings read through the pool like every other call: the database holds their pages, not this process. */
  readonly listings: ListingStore;
  private readonly connection: PgConnection;

  constructor(private readonly pool: pg.Pool) {
    this.connection = new PgConnection(pool);
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
    const { items, slices, labels } = stores;
    this.listings = {
      items: (datasetId, request) => items.page(datasetId, request),
      sliceItems: (sliceId, request) => slices.items(sliceId, request),
      labels: (target, itemIds) => labels.list(target, itemIds),
    };
  }

  transaction<T>(fn: (tx: StoreTransaction) => Promise<T>): Promise<T> {
    // Each transaction gets its own handle, which refuses calls once the transaction ended.
    return this.connection.transaction((scope) => fn(entityStores(scope)));
  }

  async writeVersion(): Promise<string> {
    const { rows } = await this.pool.query<{ value: number }>(
      "SELECT SUM(value)::bigint AS value FROM write_version",
    );
    return String(rows[0]?.value ?? 0);
  }

  rekeyTenant(from: Tenant, to: Tenant): Promise<number> {
    return this.connection.outside.write(async (db) => {
      // Every table of this schema with a tenant column, the ones later migrations add included.
      const tables = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.columns
         WHERE table_schema = current_schema() AND column_name = 'tenant'`,
      );
      let moved = 0;
      for (const { table_name } of tables) {
        const rows = await db.query(`UPDATE "${table_name}" SET tenant = $1 WHERE tenant = $2 RETURNING 1`, [
          to,
          from,
        ]);
        moved += rows.length;
      }
      return moved;
    });
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Opens the store on a PostgreSQL database (migrated first). */
export async function openPostgresStore(
  location: PostgresLocation,
  log?: (line: string) => void,
): Promise<PostgresStore> {
  return new PostgresStore(await openPool(location, log));
}
