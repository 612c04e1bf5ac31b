/**
 * The PostgreSQL schema, as numbered migrations: `nucleus_migrations` records which have run;
 * each runs once, in a transaction, in order, while the migrating process holds an advisory lock
 * (so servers starting together do not race). Append new migrations; never edit a shipped one.
 */
import { WRITE_VERSION_SHARDS } from "./connection.js";

// Creation order is an identity column (`seq`) on every listed table. Documents are `json`, not
// `jsonb`: it keeps what clients sent as they sent it (key order, `\u0000`), and still answers
// `->>` for queries. Label ids carry 100 random bits and are never looked up alone, so they have
// no index: every index is paid for on each of millions of inserts. Labels reach their dataset
// through their item (whose deletion cascades), so they carry no foreign key to it.
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE write_version (
    shard INTEGER PRIMARY KEY,
    value BIGINT NOT NULL
  );
  INSERT INTO write_version (shard, value) SELECT s, 0 FROM generate_series(0, ${WRITE_VERSION_SHARDS - 1}) AS s;

  CREATE TABLE datasets (
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    is_scene BOOLEAN NOT NULL,
    use_privacy_mode BOOLEAN NOT NULL,
    annotation_metadata_schema JSON,
    item_metadata_schema JSON,
    tags JSON NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX datasets_by_tenant ON datasets (tenant, seq);

  CREATE TABLE items (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    reference_id TEXT NOT NULL,
    image_url TEXT NOT NULL,
    media_key TEXT,
    metadata JSON NOT NULL,
    width INTEGER,
    height INTEGER,
    embedding_info JSON,
    UNIQUE (dataset_id, reference_id)
  );
  CREATE INDEX items_by_dataset ON items (dataset_id, seq);

  CREATE TABLE annotations (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL,
    dataset_id TEXT NOT NULL,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload JSON NOT NULL,
    UNIQUE (item_id, key)
  );

  CREATE TABLE models (
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    reference_id TEXT NOT NULL,
    metadata JSON,
    tags JSON NOT NULL,
    trained_slice_ids JSON NOT NULL,
    bundle_name TEXT,
    created_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX models_by_tenant ON models (tenant, seq);
  CREATE INDEX models_by_reference ON models (tenant, reference_id, seq);

  CREATE TABLE model_runs (
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    metadata JSON,
    status TEXT NOT NULL,
    commit_options JSON,
    implicit BOOLEAN NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX model_runs_by_dataset ON model_runs (dataset_id, seq);
  CREATE INDEX model_runs_by_model ON model_runs (model_id);
  -- One implicit run per (model, dataset), however many servers ask for it at once.
  CREATE UNIQUE INDEX model_runs_implicit ON model_runs (model_id, dataset_id) WHERE implicit;

  CREATE TABLE predictions (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL,
    run_id TEXT NOT NULL REFERENCES model_runs (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload JSON NOT NULL,
    UNIQUE (run_id, item_id, key)
  );
  CREATE INDEX predictions_by_item ON predictions (item_id);

  CREATE TABLE slices (
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    description TEXT,
    tags JSON NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX slices_by_dataset ON slices (dataset_id, seq);
  CREATE INDEX slices_by_tenant ON slices (tenant, seq);

  CREATE TABLE slice_items (
    slice_id TEXT NOT NULL REFERENCES slices (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    PRIMARY KEY (slice_id, item_id)
  );
  CREATE INDEX slice_items_by_item ON slice_items (item_id);
  CREATE INDEX slice_items_in_order ON slice_items (slice_id, seq);

  CREATE TABLE jobs (
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    dataset_id TEXT,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    message JSON,
    completed_steps INTEGER NOT NULL,
    total_steps INTEGER NOT NULL,
    errors JSON NOT NULL,
    spec JSON NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_owner TEXT,
    lease_expires_at BIGINT
  );
  CREATE INDEX jobs_by_tenant ON jobs (tenant, seq);
  CREATE INDEX jobs_claimable ON jobs (seq) WHERE status = 'Running';

  CREATE TABLE uploads (
    tenant TEXT NOT NULL,
    request_id TEXT NOT NULL,
    dataset_id TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    media_key TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, request_id)
  );

  CREATE TABLE evaluations (
    seq BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    run_id TEXT NOT NULL REFERENCES model_runs (id) ON DELETE CASCADE,
    dataset_id TEXT NOT NULL,
    name TEXT,
    status TEXT NOT NULL,
    options JSON NOT NULL,
    results JSON,
    error_message TEXT,
    created_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX evaluations_by_run ON evaluations (run_id, seq);

  CREATE TABLE idempotency_keys (
    tenant TEXT NOT NULL,
    key TEXT NOT NULL,
    route TEXT NOT NULL,
    owner TEXT NOT NULL,
    response JSON,
    reserved_at BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (tenant, key)
  );
  `,
  // Upload URLs expire and are spent by their job; idempotency records keep the fingerprint of
  // their request; which datasets hold which stored files.
  `
  ALTER TABLE uploads ADD COLUMN expires_at BIGINT NOT NULL DEFAULT 0;
  ALTER TABLE uploads ADD COLUMN consumed_at BIGINT;

  ALTER TABLE idempotency_keys ADD COLUMN fingerprint TEXT;

  CREATE TABLE dataset_media (
    tenant TEXT NOT NULL,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    media_key TEXT NOT NULL,
    PRIMARY KEY (dataset_id, media_key)
  );
  CREATE INDEX dataset_media_by_key ON dataset_media (media_key, tenant);
  `,
];
