import type { Statement } from "better-sqlite3";
import type { Db } from "../db/database.js";
import { newId } from "../ids.js";
import { groupOf, identify } from "./labels.js";
import type { NucleusStore } from "./store.js";
import type {
  DatasetRow,
  EvaluationRow,
  ItemInput,
  ItemRow,
  ItemUpsertResult,
  JobRow,
  LabelInput,
  LabelRow,
  LabelTarget,
  LabelUpsertResult,
  ModelRow,
  ModelRunRow,
  SliceRow,
  Tenant,
} from "./types.js";

const now = () => new Date().toISOString();
const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * Every read and write of the server, on SQLite. Routes call only this class; each write
 * method runs in one transaction, so a request applies whole or not at all.
 */
export class SqliteStore implements NucleusStore {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Db) {}

  /** A prepared statement, prepared once. */
  private sql(text: string): Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.db.prepare(text);
      this.statements.set(text, statement);
    }
    return statement;
  }

  /** Runs `fn` in one transaction. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** Rows changed through this connection, and SQLite's counter of commits by other connections. */
  writeVersion(): string {
    const changes = this.sql("SELECT total_changes() AS n").get() as { n: number };
    return `${changes.n}:${this.db.pragma("data_version", { simple: true })}`;
  }

  // Datasets -----------------------------------------------------------------------------------

  createDataset(
    tenant: Tenant,
    input: {
      name: string;
      isScene: boolean;
      usePrivacyMode: boolean;
      annotationMetadataSchema: unknown;
      itemMetadataSchema: unknown;
    },
  ): DatasetRow {
    const row: DatasetRow = {
      id: newId("dataset"),
      tenant,
      name: input.name,
      is_scene: input.isScene ? 1 : 0,
      use_privacy_mode: input.usePrivacyMode ? 1 : 0,
      annotation_metadata_schema: json(input.annotationMetadataSchema),
      item_metadata_schema: json(input.itemMetadataSchema),
      tags: "[]",
      created_at: now(),
    };
    this.sql(
      `INSERT INTO datasets (id, tenant, name, is_scene, use_privacy_mode, annotation_metadata_schema, item_metadata_schema, tags, created_at)
       VALUES (@id, @tenant, @name, @is_scene, @use_privacy_mode, @annotation_metadata_schema, @item_metadata_schema, @tags, @created_at)`,
    ).run(row);
    return row;
  }

  getDataset(tenant: Tenant, id: string): DatasetRow | undefined {
    return this.sql("SELECT * FROM datasets WHERE id = ? AND tenant = ?").get(id, tenant) as
      | DatasetRow
      | undefined;
  }

  listDatasets(tenant: Tenant): DatasetRow[] {
    return this.sql("SELECT * FROM datasets WHERE tenant = ? ORDER BY created_at, id").all(
      tenant,
    ) as DatasetRow[];
  }

  deleteDataset(tenant: Tenant, id: string): boolean {
    return this.transaction(
      () => this.sql("DELETE FROM datasets WHERE id = ? AND tenant = ?").run(id, tenant).changes > 0,
    );
  }

  countItems(datasetId: string): number {
    return (this.sql("SELECT COUNT(*) AS n FROM items WHERE dataset_id = ?").get(datasetId) as { n: number })
      .n;
  }

  // Items --------------------------------------------------------------------------------------

  /**
   * Inserts new items; existing reference ids are replaced when `update` is set (metadata and
   * all) and ignored otherwise. An item's own `update` flag (multipart uploads) wins.
   */
  upsertItems(datasetId: string, items: ItemInput[], update: boolean): ItemUpsertResult {
    const find = this.sql("SELECT id FROM items WHERE dataset_id = ? AND reference_id = ?");
    const insert = this.sql(
      `INSERT INTO items (id, dataset_id, reference_id, image_url, media_key, metadata, width, height, embedding_info)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const replace = this.sql(
      `UPDATE items SET image_url = ?, media_key = ?, metadata = ?, width = ?, height = ?, embedding_info = ?
       WHERE id = ?`,
    );
    return this.transaction(() => {
      const result: ItemUpsertResult = { newItems: 0, updatedItems: 0, ignoredItems: 0 };
      for (const item of items) {
        const existing = find.get(datasetId, item.reference_id) as { id: string } | undefined;
        const fields = [
          item.image_url,
          item.media_key ?? null,
          JSON.stringify(item.metadata ?? {}),
          item.width ?? null,
          item.height ?? null,
          json(item.embedding_info),
        ] as const;
        if (!existing) {
          insert.run(newId("item"), datasetId, item.reference_id, ...fields);
          result.newItems += 1;
        } else if (item.update ?? update) {
          replace.run(...fields, existing.id);
          result.updatedItems += 1;
        } else {
          result.ignoredItems += 1;
        }
      }
      return result;
    });
  }

  itemByReference(datasetId: string, referenceId: string): ItemRow | undefined {
    return this.sql("SELECT * FROM items WHERE dataset_id = ? AND reference_id = ?").get(
      datasetId,
      referenceId,
    ) as ItemRow | undefined;
  }

  itemById(datasetId: string, itemId: string): ItemRow | undefined {
    return this.sql("SELECT * FROM items WHERE dataset_id = ? AND id = ?").get(datasetId, itemId) as
      | ItemRow
      | undefined;
  }

  itemByIndex(datasetId: string, index: number): ItemRow | undefined {
    return this.sql("SELECT * FROM items WHERE dataset_id = ? ORDER BY seq LIMIT 1 OFFSET ?").get(
      datasetId,
      index,
    ) as ItemRow | undefined;
  }

  /** Items in upload order, after the `afterSeq` cursor. */
  itemsPage(datasetId: string, afterSeq: number, limit: number): ItemRow[] {
    return this.sql("SELECT * FROM items WHERE dataset_id = ? AND seq > ? ORDER BY seq LIMIT ?").all(
      datasetId,
      afterSeq,
      limit,
    ) as ItemRow[];
  }

  deleteItem(datasetId: string, referenceId: string): boolean {
    return this.transaction(
      () =>
        this.sql("DELETE FROM items WHERE dataset_id = ? AND reference_id = ?").run(datasetId, referenceId)
          .changes > 0,
    );
  }

  /** Merges metadata into items by reference id; returns the reference ids that do not exist. */
  mergeItemMetadata(
    datasetId: string,
    updates: { reference_id: string; metadata: Record<string, unknown> }[],
  ): string[] {
    return this.transaction(() => {
      const missing: string[] = [];
      for (const update of updates) {
        const item = this.itemByReference(datasetId, update.reference_id);
        if (!item) {
          missing.push(update.reference_id);
          continue;
        }
        const merged = { ...JSON.parse(item.metadata), ...update.metadata };
        this.sql("UPDATE items SET metadata = ? WHERE id = ?").run(JSON.stringify(merged), item.id);
      }
      return missing;
    });
  }

  // Annotations and predictions -----------------------------------------------------------------

  /**
   * Inserts labels; a label with the same identity on the same item is replaced when `update`
   * is set and ignored otherwise. Labels on unknown reference ids are refused, each named in
   * `errors`; the others still apply.
   */
  upsertLabels(target: LabelTarget, labels: LabelInput[], update: boolean): LabelUpsertResult {
    const isPrediction = target.kind === "predictions";
    const table = isPrediction ? "predictions" : "annotations";
    const scope = isPrediction ? "run_id" : "dataset_id";
    const scopeId = isPrediction ? target.runId : target.datasetId;
    const conflictTarget = isPrediction ? "(run_id, item_id, key)" : "(item_id, key)";
    // One statement per label: the unique index decides between new, ignored and replaced.
    const write = update
      ? this.sql(
          `INSERT INTO ${table} (id, ${scope}, item_id, kind, key, payload) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT ${conflictTarget} DO UPDATE SET kind = excluded.kind, payload = excluded.payload`,
        )
      : this.sql(
          `INSERT OR IGNORE INTO ${table} (id, ${scope}, item_id, kind, key, payload) VALUES (?, ?, ?, ?, ?, ?)`,
        );
    const findItem = this.sql("SELECT id FROM items WHERE dataset_id = ? AND reference_id = ?");
    return this.transaction(() => {
      const result: LabelUpsertResult = { processed: 0, ignored: 0, errors: [] };
      // New predictions make a committed run's evaluation stale: it must be committed again.
      if (isPrediction) this.sql("UPDATE model_runs SET status = 'Started' WHERE id = ?").run(target.runId);
      const itemIds = new Map<string, string | undefined>();
      for (const label of labels) {
        const ref = label.reference_id;
        if (!itemIds.has(ref)) {
          itemIds.set(ref, (findItem.get(target.datasetId, ref) as { id: string } | undefined)?.id);
        }
        const itemId = itemIds.get(ref);
        if (!itemId) {
          result.errors.push(`Item with reference id ${JSON.stringify(ref)} doesn't exist.`);
          continue;
        }
        const { key, payload } = identify(label);
        const id = newId(isPrediction ? "prediction" : "annotation");
        const changes = write.run(
          id,
          scopeId,
          itemId,
          groupOf(label.type),
          key,
          JSON.stringify(payload),
        ).changes;
        if (changes > 0) result.processed += 1;
        else result.ignored += 1;
      }
      return result;
    });
  }

  /** Ground truth (or a run's predictions) of some items. */
  labelsOfItems(target: LabelTarget, itemIds: string[]): LabelRow[] {
    if (itemIds.length === 0) return [];
    const isPrediction = target.kind === "predictions";
    const table = isPrediction ? "predictions" : "annotations";
    const scope = isPrediction ? "run_id" : "dataset_id";
    const scopeId = isPrediction ? target.runId : target.datasetId;
    const rows: LabelRow[] = [];
    // SQLite limits bound parameters; 500 per query is far below it.
    for (let i = 0; i < itemIds.length; i += 500) {
      const chunk = itemIds.slice(i, i + 500);
      const marks = chunk.map(() => "?").join(",");
      const found = this.db
        .prepare(
          `SELECT id, item_id, kind, payload FROM ${table} WHERE ${scope} = ? AND item_id IN (${marks}) ORDER BY seq`,
        )
        .all(scopeId, ...chunk) as LabelRow[];
      // Appended one by one: spreading hundreds of thousands of rows overflows the stack.
      for (const row of found) rows.push(row);
    }
    return rows;
  }

  /** One label by its item's reference id and its annotation id. */
  labelByAnnotationId(target: LabelTarget, itemId: string, annotationId: string): LabelRow | undefined {
    const isPrediction = target.kind === "predictions";
    const table = isPrediction ? "predictions" : "annotations";
    const scope = isPrediction ? "run_id" : "dataset_id";
    const scopeId = isPrediction ? target.runId : target.datasetId;
    return this.sql(
      `SELECT id, item_id, kind, payload FROM ${table} WHERE ${scope} = ? AND item_id = ? AND key = ?`,
    ).get(scopeId, itemId, `id:${annotationId}`) as LabelRow | undefined;
  }

  /** Deletes the ground truth of some items (all items when `referenceIds` is empty). */
  deleteAnnotations(datasetId: string, referenceIds: string[]): number {
    return this.transaction(() => {
      if (referenceIds.length === 0) {
        return this.sql("DELETE FROM annotations WHERE dataset_id = ?").run(datasetId).changes;
      }
      let deleted = 0;
      for (const ref of referenceIds) {
        const item = this.itemByReference(datasetId, ref);
        if (item) deleted += this.sql("DELETE FROM annotations WHERE item_id = ?").run(item.id).changes;
      }
      return deleted;
    });
  }

  // Models and runs ----------------------------------------------------------------------------

  createModel(
    tenant: Tenant,
    input: {
      name: string;
      referenceId: string;
      metadata: unknown;
      tags: string[];
      trainedSliceIds: string[];
      bundleName: string | null;
    },
  ): ModelRow {
    const row: ModelRow = {
      id: newId("model"),
      tenant,
      name: input.name,
      reference_id: input.referenceId,
      metadata: json(input.metadata),
      tags: JSON.stringify(input.tags),
      trained_slice_ids: JSON.stringify(input.trainedSliceIds),
      bundle_name: input.bundleName,
      created_at: now(),
    };
    this.sql(
      `INSERT INTO models (id, tenant, name, reference_id, metadata, tags, trained_slice_ids, bundle_name, created_at)
       VALUES (@id, @tenant, @name, @reference_id, @metadata, @tags, @trained_slice_ids, @bundle_name, @created_at)`,
    ).run(row);
    return row;
  }

  getModel(tenant: Tenant, id: string): ModelRow | undefined {
    return this.sql("SELECT * FROM models WHERE id = ? AND tenant = ?").get(id, tenant) as
      | ModelRow
      | undefined;
  }

  /** The newest model of a user reference id. */
  modelByReference(tenant: Tenant, referenceId: string): ModelRow | undefined {
    return this.sql(
      "SELECT * FROM models WHERE tenant = ? AND reference_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
    ).get(tenant, referenceId) as ModelRow | undefined;
  }

  listModels(tenant: Tenant): ModelRow[] {
    return this.sql("SELECT * FROM models WHERE tenant = ? ORDER BY created_at, rowid").all(
      tenant,
    ) as ModelRow[];
  }

  deleteModel(tenant: Tenant, id: string): boolean {
    return this.transaction(
      () => this.sql("DELETE FROM models WHERE id = ? AND tenant = ?").run(id, tenant).changes > 0,
    );
  }

  createModelRun(
    tenant: Tenant,
    input: { modelId: string; datasetId: string; name: string; metadata: unknown; implicit: boolean },
  ): ModelRunRow {
    const row: ModelRunRow = {
      id: newId("modelRun"),
      tenant,
      model_id: input.modelId,
      dataset_id: input.datasetId,
      name: input.name,
      metadata: json(input.metadata),
      status: "Started",
      commit_options: null,
      implicit: input.implicit ? 1 : 0,
      created_at: now(),
    };
    this.sql(
      `INSERT INTO model_runs (id, tenant, model_id, dataset_id, name, metadata, status, commit_options, implicit, created_at)
       VALUES (@id, @tenant, @model_id, @dataset_id, @name, @metadata, @status, @commit_options, @implicit, @created_at)`,
    ).run(row);
    return row;
  }

  getModelRun(tenant: Tenant, id: string): ModelRunRow | undefined {
    return this.sql("SELECT * FROM model_runs WHERE id = ? AND tenant = ?").get(id, tenant) as
      | ModelRunRow
      | undefined;
  }

  /** A model run by id, whoever owns it (for the job runner). */
  jobRun(id: string): ModelRunRow | undefined {
    return this.sql("SELECT * FROM model_runs WHERE id = ?").get(id) as ModelRunRow | undefined;
  }

  /** The run that `uploadPredictions` uses for a (model, dataset) pair, made on first use. */
  implicitRun(tenant: Tenant, model: ModelRow, datasetId: string): ModelRunRow {
    return this.transaction(() => {
      const existing = this.sql(
        "SELECT * FROM model_runs WHERE tenant = ? AND model_id = ? AND dataset_id = ? AND implicit = 1",
      ).get(tenant, model.id, datasetId) as ModelRunRow | undefined;
      return (
        existing ??
        this.createModelRun(tenant, {
          modelId: model.id,
          datasetId,
          name: model.name,
          metadata: null,
          implicit: true,
        })
      );
    });
  }

  runsOfDataset(datasetId: string): ModelRunRow[] {
    return this.sql("SELECT * FROM model_runs WHERE dataset_id = ? ORDER BY created_at, rowid").all(
      datasetId,
    ) as ModelRunRow[];
  }

  commitModelRun(id: string, options: unknown): void {
    this.sql("UPDATE model_runs SET status = 'Committed', commit_options = ? WHERE id = ?").run(
      json(options),
      id,
    );
  }

  deleteModelRun(tenant: Tenant, id: string): boolean {
    return this.transaction(
      () => this.sql("DELETE FROM model_runs WHERE id = ? AND tenant = ?").run(id, tenant).changes > 0,
    );
  }

  // Slices -------------------------------------------------------------------------------------

  createSlice(tenant: Tenant, datasetId: string, name: string, itemIds: string[]): SliceRow {
    return this.transaction(() => {
      const row: SliceRow = {
        id: newId("slice"),
        tenant,
        dataset_id: datasetId,
        name,
        type: "dataset_item",
        description: null,
        tags: "[]",
        created_at: now(),
      };
      this.sql(
        `INSERT INTO slices (id, tenant, dataset_id, name, type, description, tags, created_at)
         VALUES (@id, @tenant, @dataset_id, @name, @type, @description, @tags, @created_at)`,
      ).run(row);
      this.addToSlice(row.id, itemIds);
      return row;
    });
  }

  /** Adds items to a slice; items already in it are left alone. Returns the ids added. */
  addToSlice(sliceId: string, itemIds: string[]): string[] {
    return this.transaction(() => {
      const { next } = this.sql(
        "SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM slice_items WHERE slice_id = ?",
      ).get(sliceId) as {
        next: number;
      };
      const insert = this.sql("INSERT OR IGNORE INTO slice_items (slice_id, item_id, seq) VALUES (?, ?, ?)");
      const added: string[] = [];
      let seq = next;
      for (const itemId of itemIds) {
        if (insert.run(sliceId, itemId, seq).changes > 0) {
          added.push(itemId);
          seq += 1;
        }
      }
      return added;
    });
  }

  getSlice(tenant: Tenant, id: string): SliceRow | undefined {
    return this.sql("SELECT * FROM slices WHERE id = ? AND tenant = ?").get(id, tenant) as
      | SliceRow
      | undefined;
  }

  listSlices(tenant: Tenant, datasetId?: string): SliceRow[] {
    return datasetId
      ? (this.sql("SELECT * FROM slices WHERE tenant = ? AND dataset_id = ? ORDER BY created_at, rowid").all(
          tenant,
          datasetId,
        ) as SliceRow[])
      : (this.sql("SELECT * FROM slices WHERE tenant = ? ORDER BY created_at, rowid").all(
          tenant,
        ) as SliceRow[]);
  }

  /** A slice's items in the order they were added, after the `afterSeq` cursor. */
  sliceItemsPage(sliceId: string, afterSeq: number, limit: number): (ItemRow & { slice_seq: number })[] {
    return this.sql(
      `SELECT items.*, slice_items.seq AS slice_seq FROM slice_items JOIN items ON items.id = slice_items.item_id
       WHERE slice_items.slice_id = ? AND slice_items.seq > ? ORDER BY slice_items.seq LIMIT ?`,
    ).all(sliceId, afterSeq, limit) as (ItemRow & { slice_seq: number })[];
  }

  deleteSlice(tenant: Tenant, id: string): boolean {
    return this.transaction(
      () => this.sql("DELETE FROM slices WHERE id = ? AND tenant = ?").run(id, tenant).changes > 0,
    );
  }

  // Jobs and signed uploads ----------------------------------------------------------------------

  createJob(tenant: Tenant, input: { datasetId: string | null; type: string; spec: unknown }): JobRow {
    const row: JobRow = {
      id: newId("job"),
      tenant,
      dataset_id: input.datasetId,
      type: input.type,
      status: "Running",
      message: JSON.stringify("Job is running."),
      completed_steps: 0,
      total_steps: 0,
      errors: "[]",
      spec: JSON.stringify(input.spec),
      created_at: now(),
    };
    this.sql(
      `INSERT INTO jobs (id, tenant, dataset_id, type, status, message, completed_steps, total_steps, errors, spec, created_at)
       VALUES (@id, @tenant, @dataset_id, @type, @status, @message, @completed_steps, @total_steps, @errors, @spec, @created_at)`,
    ).run(row);
    return row;
  }

  getJob(tenant: Tenant, id: string): JobRow | undefined {
    return this.sql("SELECT * FROM jobs WHERE id = ? AND tenant = ?").get(id, tenant) as JobRow | undefined;
  }

  /** A job by id, whoever owns it (for the job runner). */
  jobById(id: string): JobRow | undefined {
    return this.sql("SELECT * FROM jobs WHERE id = ?").get(id) as JobRow | undefined;
  }

  /** Jobs still running, oldest first: resumed when the server starts. */
  runningJobs(): JobRow[] {
    return this.sql(
      "SELECT * FROM jobs WHERE status = 'Running' ORDER BY created_at, rowid",
    ).all() as JobRow[];
  }

  listJobs(
    tenant: Tenant,
    filter: { datasetId?: string | null; types?: string[]; showCompleted: boolean; limit: number },
  ): JobRow[] {
    const rows = this.sql("SELECT * FROM jobs WHERE tenant = ? ORDER BY created_at, rowid").all(
      tenant,
    ) as JobRow[];
    return rows
      .filter((row) => !filter.datasetId || row.dataset_id === filter.datasetId)
      .filter((row) => !filter.types?.length || filter.types.includes(row.type))
      .filter((row) => filter.showCompleted || row.status !== "Completed")
      .slice(0, filter.limit);
  }

  updateJob(
    id: string,
    fields: Partial<Pick<JobRow, "status" | "message" | "completed_steps" | "total_steps" | "errors">>,
  ): void {
    const sets = Object.keys(fields).map((key) => `${key} = @${key}`);
    if (sets.length === 0) return;
    this.db.prepare(`UPDATE jobs SET ${sets.join(", ")} WHERE id = @id`).run({ ...fields, id });
  }

  registerUpload(tenant: Tenant, requestId: string, datasetId: string, token: string): void {
    this.sql(
      `INSERT INTO uploads (tenant, request_id, dataset_id, token, media_key, created_at) VALUES (?, ?, ?, ?, NULL, ?)
       ON CONFLICT (tenant, request_id) DO UPDATE SET dataset_id = excluded.dataset_id, token = excluded.token, media_key = NULL`,
    ).run(tenant, requestId, datasetId, token, now());
  }

  uploadByToken(token: string): { tenant: Tenant; request_id: string } | undefined {
    return this.sql("SELECT tenant, request_id FROM uploads WHERE token = ?").get(token) as
      | { tenant: Tenant; request_id: string }
      | undefined;
  }

  completeUpload(token: string, mediaKey: string): void {
    this.sql("UPDATE uploads SET media_key = ? WHERE token = ?").run(mediaKey, token);
  }

  uploadOf(tenant: Tenant, requestId: string): { dataset_id: string; media_key: string | null } | undefined {
    return this.sql("SELECT dataset_id, media_key FROM uploads WHERE tenant = ? AND request_id = ?").get(
      tenant,
      requestId,
    ) as { dataset_id: string; media_key: string | null } | undefined;
  }

  // Evaluations --------------------------------------------------------------------------------

  createEvaluation(
    tenant: Tenant,
    input: { runId: string; datasetId: string; name: string | null; options: unknown },
  ): EvaluationRow {
    const row: EvaluationRow = {
      id: newId("evaluation"),
      tenant,
      run_id: input.runId,
      dataset_id: input.datasetId,
      name: input.name,
      status: "pending",
      options: JSON.stringify(input.options ?? {}),
      results: null,
      error_message: null,
      created_at: now(),
    };
    this.sql(
      `INSERT INTO evaluations (id, tenant, run_id, dataset_id, name, status, options, results, error_message, created_at)
       VALUES (@id, @tenant, @run_id, @dataset_id, @name, @status, @options, @results, @error_message, @created_at)`,
    ).run(row);
    return row;
  }

  getEvaluation(tenant: Tenant, id: string): EvaluationRow | undefined {
    return this.sql("SELECT * FROM evaluations WHERE id = ? AND tenant = ?").get(id, tenant) as
      | EvaluationRow
      | undefined;
  }

  evaluationById(id: string): EvaluationRow | undefined {
    return this.sql("SELECT * FROM evaluations WHERE id = ?").get(id) as EvaluationRow | undefined;
  }

  listEvaluations(runId: string): EvaluationRow[] {
    return this.sql("SELECT * FROM evaluations WHERE run_id = ? ORDER BY created_at DESC, rowid DESC").all(
      runId,
    ) as EvaluationRow[];
  }

  updateEvaluation(
    id: string,
    fields: Partial<Pick<EvaluationRow, "status" | "results" | "error_message">>,
  ): void {
    const sets = Object.keys(fields).map((key) => `${key} = @${key}`);
    if (sets.length > 0)
      this.db.prepare(`UPDATE evaluations SET ${sets.join(", ")} WHERE id = @id`).run({ ...fields, id });
  }

  deleteEvaluation(tenant: Tenant, id: string): boolean {
    return this.sql("DELETE FROM evaluations WHERE id = ? AND tenant = ?").run(id, tenant).changes > 0;
  }

  // Idempotency keys -----------------------------------------------------------------------------

  idempotentResponse(tenant: Tenant, key: string): { route: string; response: string } | undefined {
    return this.sql("SELECT route, response FROM idempotency WHERE tenant = ? AND key = ?").get(
      tenant,
      key,
    ) as { route: string; response: string } | undefined;
  }

  recordIdempotentResponse(tenant: Tenant, key: string, route: string, response: string): void {
    this.sql("INSERT INTO idempotency (tenant, key, route, response, created_at) VALUES (?, ?, ?, ?, ?)").run(
      tenant,
      key,
      route,
      response,
      now(),
    );
  }
}
