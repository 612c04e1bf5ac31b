import { newId } from "../../ids.js";
import type { Tenant } from "../common.js";
import type {
  ModelRecord,
  ModelRunRecord,
  ModelRunStore,
  ModelStore,
  NewModel,
  NewModelRun,
} from "../models.js";
import type { PgScope } from "./connection.js";
import { iso, now, toJson } from "./values.js";

interface ModelRow {
  id: string;
  tenant: Tenant;
  name: string;
  reference_id: string;
  metadata: ModelRecord["metadata"];
  tags: string[];
  trained_slice_ids: string[];
  bundle_name: string | null;
  created_at: Date;
}

interface ModelRunRow {
  id: string;
  tenant: Tenant;
  model_id: string;
  dataset_id: string;
  name: string;
  metadata: ModelRunRecord["metadata"];
  status: "Started" | "Committed";
  commit_options: unknown;
  implicit: boolean;
  created_at: Date;
}

const MODEL_COLUMNS =
  "id, tenant, name, reference_id, metadata, tags, trained_slice_ids, bundle_name, created_at";
const RUN_COLUMNS =
  "id, tenant, model_id, dataset_id, name, metadata, status, commit_options, implicit, created_at";

function decodeModel(row: ModelRow): ModelRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    referenceId: row.reference_id,
    metadata: row.metadata,
    tags: row.tags,
    trainedSliceIds: row.trained_slice_ids,
    bundleName: row.bundle_name,
    createdAt: iso(row.created_at),
  };
}

function decodeRun(row: ModelRunRow): ModelRunRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    modelId: row.model_id,
    datasetId: row.dataset_id,
    name: row.name,
    metadata: row.metadata,
    status: row.status,
    commitOptions: row.commit_options ?? null,
    implicit: row.implicit,
    createdAt: iso(row.created_at),
  };
}

/** Models on PostgreSQL, in creation order (`seq`). */
export class PgModelStore implements ModelStore {
  constructor(private readonly scope: PgScope) {}

  async create(tenant: Tenant, input: NewModel): Promise<ModelRecord> {
    const record: ModelRecord = { id: newId("model"), tenant, ...input, createdAt: now() };
    await this.scope.mutate(
      `INSERT INTO models (${MODEL_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        record.id,
        tenant,
        record.name,
        record.referenceId,
        toJson(record.metadata),
        JSON.stringify(record.tags),
        JSON.stringify(record.trainedSliceIds),
        record.bundleName,
        record.createdAt,
      ],
    );
    return record;
  }

  get(tenant: Tenant, id: string): Promise<ModelRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<ModelRow>(
        `SELECT ${MODEL_COLUMNS} FROM models WHERE id = $1 AND tenant = $2`,
        [id, tenant],
      );
      return row && decodeModel(row);
    });
  }

  find(tenant: Tenant, query: { referenceId: string }): Promise<ModelRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<ModelRow>(
        `SELECT ${MODEL_COLUMNS} FROM models WHERE tenant = $1 AND reference_id = $2 ORDER BY seq DESC LIMIT 1`,
        [tenant, query.referenceId],
      );
      return row && decodeModel(row);
    });
  }

  list(tenant: Tenant): Promise<ModelRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<ModelRow>(`SELECT ${MODEL_COLUMNS} FROM models WHERE tenant = $1 ORDER BY seq`, [
          tenant,
        ])
      ).map(decodeModel),
    );
  }

  async delete(tenant: Tenant, id: string): Promise<boolean> {
    const rows = await this.scope.mutate("DELETE FROM models WHERE id = $1 AND tenant = $2 RETURNING id", [
      id,
      tenant,
    ]);
    return rows.length > 0;
  }
}

/** Model runs on PostgreSQL, in creation order (`seq`). */
export class PgModelRunStore implements ModelRunStore {
  constructor(private readonly scope: PgScope) {}

  async create(tenant: Tenant, input: NewModelRun): Promise<ModelRunRecord> {
    const [row] = await this.insert(tenant, input, false);
    return decodeRun(row as ModelRunRow);
  }

  get(tenant: Tenant, id: string): Promise<ModelRunRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<ModelRunRow>(
        `SELECT ${RUN_COLUMNS} FROM model_runs WHERE id = $1 AND tenant = $2`,
        [id, tenant],
      );
      return row && decodeRun(row);
    });
  }

  list(tenant: Tenant, filter: { datasetId: string }): Promise<ModelRunRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<ModelRunRow>(
          `SELECT ${RUN_COLUMNS} FROM model_runs WHERE dataset_id = $1 AND tenant = $2 ORDER BY seq`,
          [filter.datasetId, tenant],
        )
      ).map(decodeRun),
    );
  }

  async ensureImplicit(
    tenant: Tenant,
    model: Pick<ModelRecord, "id" | "name">,
    datasetId: string,
  ): Promise<ModelRunRecord> {
    const existing = () =>
      this.scope.read(async (db) => {
        const [row] = await db.query<ModelRunRow>(
          `SELECT ${RUN_COLUMNS} FROM model_runs WHERE tenant = $1 AND model_id = $2 AND dataset_id = $3 AND implicit`,
          [tenant, model.id, datasetId],
        );
        return row;
      });
    // Looking first keeps a read from writing; the unique index settles a race between servers.
    const found = await existing();
    if (found) return decodeRun(found);
    const [made] = await this.insert(
      tenant,
      { modelId: model.id, datasetId, name: model.name, metadata: null },
      true,
    );
    return decodeRun(made ?? ((await existing()) as ModelRunRow));
  }

  async commit(tenant: Tenant, id: string, options: unknown): Promise<void> {
    await this.scope.mutate(
      "UPDATE model_runs SET status = 'Committed', commit_options = $1 WHERE id = $2 AND tenant = $3 RETURNING id",
      [toJson(options), id, tenant],
    );
  }

  async delete(tenant: Tenant, id: string): Promise<boolean> {
    const rows = await this.scope.mutate(
      "DELETE FROM model_runs WHERE id = $1 AND tenant = $2 RETURNING id",
      [id, tenant],
    );
    return rows.length > 0;
  }

  /** Inserts a run; an implicit one that exists already is left alone (no row returned). */
  private insert(tenant: Tenant, input: NewModelRun, implicit: boolean): Promise<ModelRunRow[]> {
    return this.scope.mutate<ModelRunRow>(
      `INSERT INTO model_runs (${RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, 'Started', NULL, $7, $8)
       ON CONFLICT DO NOTHING RETURNING ${RUN_COLUMNS}`,
      [
        newId("modelRun"),
        tenant,
        input.modelId,
        input.datasetId,
        input.name,
        toJson(input.metadata),
        implicit,
        now(),
      ],
    );
  }
}
