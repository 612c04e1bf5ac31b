import { newId } from "../../ids.js";
import type { Tenant } from "../common.js";
import type { DatasetRecord, DatasetStore, MetadataSchemaDefinition, NewDataset } from "../datasets.js";
import type { SqliteScope } from "./connection.js";
import { fromJson, nextSeq, now, toJson } from "./values.js";

interface DatasetRow {
  id: string;
  tenant: Tenant;
  name: string;
  is_scene: number;
  use_privacy_mode: number;
  annotation_metadata_schema: string | null;
  item_metadata_schema: string | null;
  tags: string;
  created_at: string;
}

const COLUMNS =
  "id, tenant, name, is_scene, use_privacy_mode, annotation_metadata_schema, item_metadata_schema, tags, created_at";

function decode(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    tenant: row.tenant,
    name: row.name,
    isScene: row.is_scene === 1,
    usePrivacyMode: row.use_privacy_mode === 1,
    annotationMetadataSchema: fromJson<MetadataSchemaDefinition>(row.annotation_metadata_schema),
    itemMetadataSchema: fromJson<MetadataSchemaDefinition>(row.item_metadata_schema),
    tags: JSON.parse(row.tags) as string[],
    createdAt: row.created_at,
  };
}

/** Datasets on SQLite. */
export class SqliteDatasetStore implements DatasetStore {
  constructor(private readonly scope: SqliteScope) {}

  create(tenant: Tenant, input: NewDataset): Promise<DatasetRecord> {
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
    return this.scope.write(() => {
      this.scope
        .sql(
          `INSERT INTO datasets (${COLUMNS}, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ${nextSeq("datasets")})`,
        )
        .run(
          record.id,
          tenant,
          record.name,
          record.isScene ? 1 : 0,
          record.usePrivacyMode ? 1 : 0,
          toJson(record.annotationMetadataSchema),
          toJson(record.itemMetadataSchema),
          JSON.stringify(record.tags),
          record.createdAt,
        );
      return record;
    });
  }

  get(tenant: Tenant, id: string): Promise<DatasetRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope
        .sql(`SELECT ${COLUMNS} FROM datasets WHERE id = ? AND tenant = ?`)
        .get(id, tenant) as DatasetRow | undefined;
      return row && decode(row);
    });
  }

  list(tenant: Tenant): Promise<DatasetRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(`SELECT ${COLUMNS} FROM datasets WHERE tenant = ? ORDER BY seq`)
          .all(tenant) as DatasetRow[]
      ).map(decode),
    );
  }

  delete(tenant: Tenant, id: string): Promise<boolean> {
    return this.scope.write(
      () => this.scope.sql("DELETE FROM datasets WHERE id = ? AND tenant = ?").run(id, tenant).changes > 0,
    );
  }
}
