import { newId } from "../../ids.js";
import type { Tenant } from "../common.js";
import type { DatasetRecord, DatasetStore, NewDataset } from "../datasets.js";
import type { PgScope } from "./connection.js";
import { iso, now, toJson } from "./values.js";

interface DatasetRow {
  id: string;
  tenant: Tenant;
  name: string;
  is_scene: boolean;
  use_privacy_mode: boolean;
  annotation_metadata_schema: DatasetRecord["annotationMetadataSchema"];
  item_metadata_schema: DatasetRecord["itemMetadataSchema"];
  tags: string[];
  created_at: Date;
}

const COLUMNS =
  "id, tenant, name, is_scene, use_privacy_mode, annotation_metadata_schema, item_metadata_schema, tags, created_at";

function decode(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    isScene: row.is_scene,
    usePrivacyMode: row.use_privacy_mode,
    annotationMetadataSchema: row.annotation_metadata_schema,
    itemMetadataSchema: row.item_metadata_schema,
    tags: row.tags,
    createdAt: iso(row.created_at),
  };
}

/** Datasets on PostgreSQL, in creation order (`seq`). */
export class PgDatasetStore implements DatasetStore {
  constructor(private readonly scope: PgScope) {}

  async create(tenant: Tenant, input: NewDataset): Promise<DatasetRecord> {
    const record: DatasetRecord = {
      id: newId("dataset"),
      tenant,
      name: input.name,
      isScene: input.isScene,
      usePrivacyMode: input.usePrivacyMode,
      annotationMetadataSchema: input.annotationMetadataSchema ?? null,
      itemMetadataSchema: input.itemMetadataSchema ?? null,
      tags: [],
      createdAt: now(),
    };
    await this.scope.mutate(
      `INSERT INTO datasets (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        record.id,
        tenant,
        record.name,
        record.isScene,
        record.usePrivacyMode,
        toJson(record.annotationMetadataSchema),
        toJson(record.itemMetadataSchema),
        JSON.stringify(record.tags),
        record.createdAt,
      ],
    );
    return record;
  }

  get(tenant: Tenant, id: string): Promise<DatasetRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<DatasetRow>(
        `SELECT ${COLUMNS} FROM datasets WHERE id = $1 AND tenant = $2`,
        [id, tenant],
      );
      return row && decode(row);
    });
  }

  list(tenant: Tenant): Promise<DatasetRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<DatasetRow>(`SELECT ${COLUMNS} FROM datasets WHERE tenant = $1 ORDER BY seq`, [tenant])
      ).map(decode),
    );
  }

  async delete(tenant: Tenant, id: string): Promise<boolean> {
    const rows = await this.scope.mutate("DELETE FROM datasets WHERE id = $1 AND tenant = $2 RETURNING id", [
      id,
      tenant,
    ]);
    return rows.length > 0;
  }
}
