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
import type { SqliteScope } from "./connection.js";
import { fromJson, nextSeq, now, toJson } from "./values.js";

interface ModelRow {
  id: string;
  tenant: Tenant;
  name: string;
  reference_id: string;
  metadata: string | null;
  tags: string;
  trained_slice_ids: string;
  bundle_name: string | null;
  created_at: string;
}

interface ModelRunRow {
  id: string;
  tenant: Tenant;
  model_id: string;
  dataset_id: string;
  name: string;
  metadata: string | null;
  status: "Started" | "Committed";
  commit_options: string | null;
  implicit: number;
  created_at: string;
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
    metadata: fromJson(row.metadata),
    tags: JSON.parse(row.tags) as string[],
    trainedSliceIds: JSON.parse(row.trained_slice_ids) as string[],
    bundleName: row.bundle_name,
    createdAt: row.created_at,
  };
}

function decodeRun(row: ModelRunRow): ModelRunRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    modelId: row.model_id,
    datasetId: row.dataset_id,
    name: row.name,
    metadata: fromJson(row.metadata),
    status: row.status,
    commitOptions: fromJson(row.commit_options),
    implicit: row.implicit === 1,
    createdAt: row.created_at,
  };
}

/** Models on SQLite, in creation order (`seq`). */
export class SqliteModelStore implements ModelStore {
  constructor(private readonly scope: SqliteScope) {}

  create(tenant: Tenant, input: NewModel): Promise<ModelRecord> {
    const record: ModelRecord = { id: newId("model"), tenant, ...input, createdAt: now() };
    return this.scope.write(() => {
      this.scope
        .sql(
          `INSERT INTO models (${MODEL_COLUMNS}, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ${nextSeq("models")})`,
        )
        .run(
          record.id,
          tenant,
          record.name,
          record.referenceId,
          toJson(record.metadata),
          JSON.stringify(record.tags),
          JSON.stringify(record.trainedSliceIds),
          record.bundleName,
          record.createdAt,
        );
      return record;
    });
  }

  get(tenant: Tenant, id: string): Promise<ModelRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope
        .sql(`SELECT ${MODEL_COLUMNS} FROM models WHERE id = ? AND tenant = ?`)
        .get(id, tenant) as ModelRow | undefined;
      return row && decodeModel(row);
    });
  }

  find(tenant: Tenant, query: { referenceId: string }): Promise<ModelRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope
        .sql(
          `SELECT ${MODEL_COLUMNS} FROM models WHERE tenant = ? AND reference_id = ? ORDER BY seq DESC LIMIT 1`,
        )
        .get(tenant, query.referenceId) as ModelRow | undefined;
      return row && decodeModel(row);
    });
  }

  list(tenant: Tenant): Promise<ModelRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(`SELECT ${MODEL_COLUMNS} FROM models WHERE tenant = ? ORDER BY seq`)
          .all(tenant) as ModelRow[]
      ).map(decodeModel),
    );
  }

  delete(tenant: Tenant, id: string): Promise<boolean> {
    return this.scope.write(
      () => this.scope.sql("DELETE FROM models WHERE id = ? AND tenant = ?").run(id, tenant).changes > 0,
    );
  }
}

/** Model runs on SQLite, in creation order (`seq`). */
export class SqliteModelRunStore implements ModelRunStore {
  constructor(private readonly scope: SqliteScope) {}

  create(tenant: Tenant, input: NewModelRun): Promise<ModelRunRecord> {
    return this.scope.write(() => this.insert(tenant, input, false));
  }

  get(tenant: Tenant, id: string): Promise<ModelRunRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope
        .sql(`SELECT ${RUN_COLUMNS} FROM model_runs WHERE id = ? AND tenant = ?`)
        .get(id, tenant) as ModelRunRow | undefined;
      return row && decodeRun(row);
    });
  }

  list(tenant: Tenant, filter: { datasetId: string }): Promise<ModelRunRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(`SELECT ${RUN_COLUMNS} FROM model_runs WHERE dataset_id = ? AND tenant = ? ORDER BY seq`)
          .all(filter.datasetId, tenant) as ModelRunRow[]
      ).map(decodeRun),
    );
  }

  ensureImplicit(
    tenant: Tenant,
    model: Pick<ModelRecord, "id" | "name">,
    datasetId: string,
  ): Promise<ModelRunRecord> {
    const find = this.scope.sql(
      `SELECT ${RUN_COLUMNS} FROM model_runs
       WHERE tenant = ? AND model_id = ? AND dataset_id = ? AND implicit = 1 ORDER BY seq LIMIT 1`,
    );
    // Looking first keeps a read from bumping the write version; the write re-checks.
    const existing = () => find.get(tenant, model.id, datasetId) as ModelRunRow | undefined;
    return this.scope.read(existing).then((row) =>
      row
        ? decodeRun(row)
        : this.scope.write(() => {
            const again = existing();
            return again
              ? decodeRun(again)
              : this.insert(tenant, { modelId: model.id, datasetId, name: model.name, metadata: null }, true);
          }),
    );
  }

  commit(tenant: Tenant, id: string, options: unknown): Promise<void> {
    return this.scope.write(() => {
      this.scope
        .sql("UPDATE model_runs SET status = 'Committed', commit_options = ? WHERE id = ? AND tenant = ?")
        .run(toJson(options), id, tenant);
    });
  }

  delete(tenant: Tenant, id: string): Promise<boolean> {
    return this.scope.write(
      () => this.scope.sql("DELETE FROM model_runs WHERE id = ? AND tenant = ?").run(id, tenant).changes > 0,
    );
  }

  private insert(tenant: Tenant, input: NewModelRun, implicit: boolean): ModelRunRecord {
    const record: ModelRunRecord = {
      id: newId("modelRun"),
      tenant,
      ...input,
      status: "Started",
      commitOptions: null,
      implicit,
      createdAt: now(),
    };
    this.scope
      .sql(
        `INSERT INTO model_runs (${RUN_COLUMNS}, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ${nextSeq("model_runs")})`,
      )
      .run(
        record.id,
        tenant,
        record.modelId,
        record.datasetId,
        record.name,
        toJson(record.metadata),
        record.status,
        null,
        implicit ? 1 : 0,
        record.createdAt,
      );
    return record;
  }
}
