/**
 * The PostgreSQL schema, as numbered migrations: `nucleus_migrations` records which have run;
 * each runs once, in a transaction, in order, while the migrating process holds an advisory lock
 * (so servers starting together do not race). Append new migrations; never edit a shipped one.
 */
import { WRITE_VERSION_SHARDS } from "./connection.js";
import { VALIDATE_TABLES } from "./validate-schema.js";

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
  // Curation: the facts of each item that queries read (metadata values and label counts, in
  // columns a dataset picks as it needs them, added to item_facts on the way), item tags, reviews,
  // the queries of slices made from one, the match rows of evaluations, and the area of a label's
  // shape for object queries.
  `
  CREATE TABLE facts_datasets (
    dataset_key BIGINT PRIMARY KEY,
    dataset_id TEXT NOT NULL UNIQUE REFERENCES datasets (id) ON DELETE CASCADE,
    labels_version BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 0
  );
  CREATE TABLE facts_columns (
    name TEXT PRIMARY KEY,
    pool TEXT NOT NULL
  );
  CREATE TABLE facts_slots (
    dataset_key BIGINT NOT NULL REFERENCES facts_datasets (dataset_key) ON DELETE CASCADE,
    name TEXT NOT NULL,
    column_name TEXT,
    lo DOUBLE PRECISION,
    hi DOUBLE PRECISION,
    PRIMARY KEY (dataset_key, name)
  );
  CREATE TABLE item_facts (
    dataset_key BIGINT NOT NULL REFERENCES facts_datasets (dataset_key) ON DELETE CASCADE,
    item_seq BIGINT NOT NULL,
    PRIMARY KEY (dataset_key, item_seq)
  );
  CREATE TABLE run_versions (
    run_id TEXT PRIMARY KEY REFERENCES model_runs (id) ON DELETE CASCADE,
    version BIGINT NOT NULL
  );

  CREATE TABLE item_tags (
    item_seq BIGINT NOT NULL REFERENCES items (seq) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    dataset_key BIGINT NOT NULL REFERENCES facts_datasets (dataset_key) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_seq, tag)
  );
  CREATE INDEX item_tags_by_dataset ON item_tags (dataset_key, tag);

  CREATE TABLE reviews (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    item_seq BIGINT NOT NULL REFERENCES items (seq) ON DELETE CASCADE,
    annotation_id TEXT,
    status TEXT NOT NULL,
    reviewer TEXT,
    comment TEXT,
    created_at TIMESTAMPTZ NOT NULL
  );
  CREATE INDEX reviews_by_item ON reviews (item_seq, seq);

  CREATE TABLE slice_queries (
    slice_id TEXT PRIMARY KEY REFERENCES slices (id) ON DELETE CASCADE,
    query TEXT NOT NULL,
    run_id TEXT,
    dynamic BOOLEAN NOT NULL
  );

  CREATE TABLE match_sets (
    key BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    evaluation_id TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    iou_threshold DOUBLE PRECISION NOT NULL,
    labels_version BIGINT NOT NULL,
    run_version BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (evaluation_id, iou_threshold)
  );
  CREATE TABLE match_rows (
    set_key BIGINT NOT NULL REFERENCES match_sets (key) ON DELETE CASCADE,
    item_seq BIGINT NOT NULL,
    ord INTEGER NOT NULL,
    match_type TEXT NOT NULL,
    shape TEXT NOT NULL,
    prediction_id TEXT,
    annotation_id TEXT,
    pred_annotation_id TEXT,
    gt_annotation_id TEXT,
    pred_label TEXT,
    gt_label TEXT,
    iou DOUBLE PRECISION NOT NULL,
    score DOUBLE PRECISION,
    x DOUBLE PRECISION,
    y DOUBLE PRECISION,
    w DOUBLE PRECISION,
    h DOUBLE PRECISION,
    area DOUBLE PRECISION,
    gt_area DOUBLE PRECISION,
    rank INTEGER,
    coco_all INTEGER,
    coco_small INTEGER,
    coco_medium INTEGER,
    coco_large INTEGER,
    agnostic_label TEXT,
    agnostic_matched INTEGER,
    PRIMARY KEY (set_key, item_seq, ord)
  );

  CREATE FUNCTION nucleus_area(payload json) RETURNS DOUBLE PRECISION
  LANGUAGE sql IMMUTABLE AS $fn$
    SELECT CASE payload->>'type'
      WHEN 'box' THEN
        CASE WHEN json_typeof(payload->'geometry'->'width') = 'number' AND json_typeof(payload->'geometry'->'height') = 'number'
          THEN (payload->'geometry'->>'width')::double precision * (payload->'geometry'->>'height')::double precision END
      WHEN 'polygon' THEN (
        SELECT abs(sum(x * ny - nx * y)) / 2 FROM (
          SELECT (v->>'x')::double precision AS x, (v->>'y')::double precision AS y,
                 (COALESCE(lead(v) OVER w, first_value(v) OVER w)->>'x')::double precision AS nx,
                 (COALESCE(lead(v) OVER w, first_value(v) OVER w)->>'y')::double precision AS ny
          FROM json_array_elements(CASE WHEN json_typeof(payload->'geometry'->'vertices') = 'array'
                                        THEN payload->'geometry'->'vertices' ELSE '[]'::json END)
            WITH ORDINALITY AS t(v, n)
          WINDOW w AS (ORDER BY n)) AS edges)
    END
  $fn$;
  `,
  // Validate: external evaluation functions, scenario tests, their evaluations and item results.
  VALIDATE_TABLES,
  // Taxonomies: the label sets category and multicategory labels are checked against.
  `
  CREATE TABLE taxonomies (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    labels JSON NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (dataset_id, name)
  );
  `,
  // Browser sessions and login links, by token hash, so that every server of the data honours them.
  `
  CREATE TABLE browser_tokens (
    hash TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    tenant TEXT NOT NULL,
    csrf_token TEXT,
    expires_at BIGINT NOT NULL
  );
  CREATE INDEX browser_tokens_by_expiry ON browser_tokens (expires_at);
  `,
  // Perceptual hashes of items' images, for deduplication.
  `
  CREATE TABLE item_phashes (
    item_id TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    phash TEXT NOT NULL
  );
  `,
  // Item embeddings: one float32 vector per item, paged by item id for exact search.
  `
  CREATE TABLE item_embeddings (
    item_id TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    dimension INTEGER NOT NULL,
    vector BYTEA NOT NULL
  );
  CREATE INDEX item_embeddings_by_dataset ON item_embeddings (dataset_id, item_id);
  `,
  // Scenes (lidar and video) with their frame items, scene-level labels and tracks.
  `
  CREATE TABLE scenes (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    reference_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    metadata JSON NOT NULL,
    frame_rate DOUBLE PRECISION,
    video_url TEXT,
    video_media_key TEXT,
    frame_count INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (dataset_id, reference_id)
  );
  CREATE TABLE scene_frames (
    scene_id TEXT NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL UNIQUE REFERENCES items (id) ON DELETE CASCADE,
    frame INTEGER NOT NULL,
    sensor TEXT NOT NULL,
    type TEXT NOT NULL,
    PRIMARY KEY (scene_id, frame, sensor)
  );
  CREATE TABLE scene_labels (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL,
    scene_id TEXT NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
    run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    payload JSON NOT NULL,
    UNIQUE (scene_id, run_id, key)
  );
  CREATE TABLE tracks (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    reference_id TEXT NOT NULL,
    metadata JSON NOT NULL,
    UNIQUE (dataset_id, reference_id)
  );
  `,
  // Index keys of item embeddings: each stored vector gets the next number of its dataset (a
  // replaced vector a new one), so a vector index catches up by reading the keys past its last.
  `
  CREATE TABLE embedding_keys (
    dataset_id TEXT PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
    last_key BIGINT NOT NULL
  );
  ALTER TABLE item_embeddings ADD COLUMN ann_key BIGINT NOT NULL DEFAULT 0;
  UPDATE item_embeddings e SET ann_key = n.key
    FROM (SELECT item_id, row_number() OVER (PARTITION BY dataset_id ORDER BY item_id) AS key FROM item_embeddings) n
    WHERE n.item_id = e.item_id;
  INSERT INTO embedding_keys (dataset_id, last_key)
    SELECT dataset_id, max(ann_key) FROM item_embeddings GROUP BY dataset_id;
  CREATE INDEX item_embeddings_by_key ON item_embeddings (dataset_id, ann_key);
  `,
  // Autotags (linear classifiers on item vectors) with each item's score, and a 2-D map of each
  // dataset's vectors with the vectors' version it was computed from.
  `
  CREATE TABLE autotags (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    training JSON NOT NULL,
    generation BIGINT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    UNIQUE (dataset_id, name)
  );
  CREATE TABLE autotag_scores (
    autotag_id TEXT NOT NULL REFERENCES autotags (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    generation BIGINT NOT NULL,
    score DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (autotag_id, item_id)
  );
  CREATE INDEX autotag_scores_by_score ON autotag_scores (autotag_id, score DESC, item_id);
  CREATE INDEX autotag_scores_by_item ON autotag_scores (item_id);
  CREATE TABLE embedding_maps (
    dataset_id TEXT PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    version TEXT NOT NULL,
    status TEXT NOT NULL,
    job_id TEXT NOT NULL,
    points BIGINT NOT NULL,
    details JSON NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
  );
  CREATE TABLE embedding_map_points (
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    x DOUBLE PRECISION NOT NULL,
    y DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (dataset_id, item_id)
  );
  CREATE INDEX embedding_map_points_by_item ON embedding_map_points (item_id);
  `,
  // Uniqueness of item embeddings, in [0, 1]; cleared when the vector is replaced.
  `
  ALTER TABLE item_embeddings ADD COLUMN uniqueness DOUBLE PRECISION;
  `,
  // What a frame item holds: an image, or a point cloud (served under `pointcloud_url`).
  `
  ALTER TABLE items ADD COLUMN kind TEXT NOT NULL DEFAULT 'image';
  `,
  // Scenario results per scene or per track as well as per item: the row says which it names.
  `
  ALTER TABLE scenario_item_results ADD COLUMN level TEXT NOT NULL DEFAULT 'item';
  `, // Object embeddings: the vectors of box and polygon annotations and predictions, one row per
  // label, gone with it (and with its item, run or dataset).
  `
  CREATE TABLE object_vectors (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    annotation_seq BIGINT UNIQUE REFERENCES annotations (seq) ON DELETE CASCADE,
    prediction_seq BIGINT UNIQUE REFERENCES predictions (seq) ON DELETE CASCADE,
    object_id TEXT NOT NULL,
    source TEXT NOT NULL,
    run_id TEXT,
    label TEXT NOT NULL,
    dimension INTEGER NOT NULL,
    vector BYTEA NOT NULL
  );
  CREATE INDEX object_vectors_by_dataset ON object_vectors (dataset_id, seq);
  CREATE INDEX object_vectors_by_object ON object_vectors (dataset_id, object_id);
  CREATE INDEX object_vectors_by_item ON object_vectors (item_id);
  `,
  // Object slices: the annotations and predictions a slice names, by server id, in order; labels
  // are found by id when such a slice is read.
  `
  CREATE TABLE slice_objects (
    slice_id TEXT NOT NULL REFERENCES slices (id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    label_id TEXT NOT NULL,
    PRIMARY KEY (slice_id, ord),
    UNIQUE (slice_id, label_id)
  );
  CREATE INDEX annotations_by_id ON annotations (id);
  CREATE INDEX predictions_by_id ON predictions (id);
  `,
  // Representativeness of item embeddings, in [0, 1]; cleared when the vector is replaced.
  `
  ALTER TABLE item_embeddings ADD COLUMN representativeness DOUBLE PRECISION;
  `,
  // Item embeddings keyed by the item's upload order instead of its random id: vectors usually
  // arrive in that order, so a large upload appends to the primary key instead of writing pages
  // all over two id indexes.
  `
  ALTER TABLE item_embeddings ADD COLUMN item_seq BIGINT;
  UPDATE item_embeddings e SET item_seq = i.seq FROM items i WHERE i.id = e.item_id;
  ALTER TABLE item_embeddings DROP COLUMN item_id;
  ALTER TABLE item_embeddings ALTER COLUMN item_seq SET NOT NULL;
  ALTER TABLE item_embeddings ADD PRIMARY KEY (item_seq);
  ALTER TABLE item_embeddings ADD FOREIGN KEY (item_seq) REFERENCES items (seq) ON DELETE CASCADE;
  `,
];
