/**
 * The SQLite schema, as numbered migrations. `PRAGMA user_version` records how many have run; each
 * runs once, in a transaction, in order. Append new migrations; never edit a shipped one.
 */
import { VALIDATE_TABLES } from "./validate-schema.js";

// Label ids carry 100 random bits and are never looked up alone, so they have no index: every
// index is paid for on each of millions of inserts.
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE datasets (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    is_scene INTEGER NOT NULL DEFAULT 0,
    use_privacy_mode INTEGER NOT NULL DEFAULT 0,
    annotation_metadata_schema TEXT,
    item_metadata_schema TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
  );
  CREATE INDEX datasets_by_tenant ON datasets (tenant, created_at);

  CREATE TABLE items (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    reference_id TEXT NOT NULL,
    image_url TEXT NOT NULL,
    media_key TEXT,
    metadata TEXT NOT NULL DEFAULT '{}',
    width INTEGER,
    height INTEGER,
    embedding_info TEXT,
    UNIQUE (dataset_id, reference_id)
  );
  CREATE INDEX items_by_dataset ON items (dataset_id, seq);

  CREATE TABLE annotations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    UNIQUE (item_id, key)
  );

  CREATE TABLE models (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    reference_id TEXT NOT NULL,
    metadata TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    trained_slice_ids TEXT NOT NULL DEFAULT '[]',
    bundle_name TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX models_by_reference ON models (tenant, reference_id);

  CREATE TABLE model_runs (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    metadata TEXT,
    status TEXT NOT NULL,
    commit_options TEXT,
    implicit INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  );
  CREATE INDEX model_runs_by_dataset ON model_runs (dataset_id, created_at);
  CREATE INDEX model_runs_by_model ON model_runs (model_id);

  CREATE TABLE predictions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    run_id TEXT NOT NULL REFERENCES model_runs (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    UNIQUE (run_id, item_id, key)
  );
  CREATE INDEX predictions_by_item ON predictions (item_id);

  CREATE TABLE slices (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL DEFAULT 'dataset_item',
    description TEXT,
    tags TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
  );
  CREATE INDEX slices_by_dataset ON slices (dataset_id, created_at);

  CREATE TABLE slice_items (
    slice_id TEXT NOT NULL REFERENCES slices (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    PRIMARY KEY (slice_id, item_id)
  );
  CREATE INDEX slice_items_by_item ON slice_items (item_id);
  CREATE INDEX slice_items_in_order ON slice_items (slice_id, seq);

  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    dataset_id TEXT,
    type TEXT NOT NULL,
    status TEXT NOT NULL,
    message TEXT,
    completed_steps INTEGER NOT NULL DEFAULT 0,
    total_steps INTEGER NOT NULL DEFAULT 0,
    errors TEXT NOT NULL DEFAULT '[]',
    spec TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX jobs_by_tenant ON jobs (tenant, created_at);

  CREATE TABLE uploads (
    tenant TEXT NOT NULL,
    request_id TEXT NOT NULL,
    dataset_id TEXT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    media_key TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant, request_id)
  );
  `,
  `
  CREATE TABLE evaluations (
    id TEXT PRIMARY KEY,
    tenant TEXT NOT NULL,
    run_id TEXT NOT NULL REFERENCES model_runs (id) ON DELETE CASCADE,
    dataset_id TEXT NOT NULL,
    name TEXT,
    status TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',
    results TEXT,
    error_message TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX evaluations_by_run ON evaluations (run_id, created_at);
  `,
  `
  CREATE TABLE idempotency (
    tenant TEXT NOT NULL,
    key TEXT NOT NULL,
    route TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant, key)
  );
  `,
  // Explicit creation order (seq) for every listed table, a write version bumped by every write,
  // job leases, and idempotency keys reserved before their write runs.
  `
  CREATE TABLE write_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
  );
  INSERT INTO write_version (id, value) VALUES (1, 0);

  ALTER TABLE datasets ADD COLUMN seq INTEGER;
  UPDATE datasets SET seq = rowid;
  CREATE UNIQUE INDEX datasets_in_order ON datasets (seq);
  DROP INDEX datasets_by_tenant;
  CREATE INDEX datasets_by_tenant ON datasets (tenant, seq);

  ALTER TABLE models ADD COLUMN seq INTEGER;
  UPDATE models SET seq = rowid;
  CREATE UNIQUE INDEX models_in_order ON models (seq);
  DROP INDEX models_by_reference;
  CREATE INDEX models_by_reference ON models (tenant, reference_id, seq);

  ALTER TABLE model_runs ADD COLUMN seq INTEGER;
  UPDATE model_runs SET seq = rowid;
  CREATE UNIQUE INDEX model_runs_in_order ON model_runs (seq);
  DROP INDEX model_runs_by_dataset;
  CREATE INDEX model_runs_by_dataset ON model_runs (dataset_id, seq);

  ALTER TABLE slices ADD COLUMN seq INTEGER;
  UPDATE slices SET seq = rowid;
  CREATE UNIQUE INDEX slices_in_order ON slices (seq);
  DROP INDEX slices_by_dataset;
  CREATE INDEX slices_by_dataset ON slices (dataset_id, seq);
  CREATE INDEX slices_by_tenant ON slices (tenant, seq);

  ALTER TABLE evaluations ADD COLUMN seq INTEGER;
  UPDATE evaluations SET seq = rowid;
  CREATE UNIQUE INDEX evaluations_in_order ON evaluations (seq);
  DROP INDEX evaluations_by_run;
  CREATE INDEX evaluations_by_run ON evaluations (run_id, seq);

  ALTER TABLE jobs ADD COLUMN seq INTEGER;
  UPDATE jobs SET seq = rowid;
  ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE jobs ADD COLUMN lease_owner TEXT;
  ALTER TABLE jobs ADD COLUMN lease_expires_at INTEGER;
  CREATE UNIQUE INDEX jobs_in_order ON jobs (seq);
  DROP INDEX jobs_by_tenant;
  CREATE INDEX jobs_by_tenant ON jobs (tenant, seq);
  CREATE INDEX jobs_claimable ON jobs (seq) WHERE status = 'Running';

  CREATE TABLE idempotency_keys (
    tenant TEXT NOT NULL,
    key TEXT NOT NULL,
    route TEXT NOT NULL,
    owner TEXT NOT NULL,
    response TEXT,
    reserved_at INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (tenant, key)
  );
  INSERT INTO idempotency_keys (tenant, key, route, owner, response, reserved_at, created_at)
    SELECT tenant, key, route, '', response, 0, created_at FROM idempotency;
  DROP TABLE idempotency;
  `,
  // Upload URLs expire and are spent by their job; idempotency records keep the fingerprint of
  // their request; which datasets hold which stored files (backfilled from items and masks).
  `
  ALTER TABLE uploads ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE uploads ADD COLUMN consumed_at INTEGER;

  ALTER TABLE idempotency_keys ADD COLUMN fingerprint TEXT;

  CREATE TABLE dataset_media (
    tenant TEXT NOT NULL,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    media_key TEXT NOT NULL,
    PRIMARY KEY (dataset_id, media_key)
  );
  CREATE INDEX dataset_media_by_key ON dataset_media (media_key, tenant);

  INSERT OR IGNORE INTO dataset_media (tenant, dataset_id, media_key)
    SELECT d.tenant, i.dataset_id, i.media_key FROM items i JOIN datasets d ON d.id = i.dataset_id
    WHERE i.media_key IS NOT NULL;
  INSERT OR IGNORE INTO dataset_media (tenant, dataset_id, media_key)
    SELECT d.tenant, a.dataset_id,
      substr(rest, 1, instr(rest, '"') - 1)
    FROM (SELECT dataset_id, substr(payload, instr(payload, 'nucleus-media:') + 14) AS rest
          FROM annotations WHERE instr(payload, 'nucleus-media:') > 0) a
    JOIN datasets d ON d.id = a.dataset_id;
  INSERT OR IGNORE INTO dataset_media (tenant, dataset_id, media_key)
    SELECT r.tenant, r.dataset_id,
      substr(rest, 1, instr(rest, '"') - 1)
    FROM (SELECT run_id, substr(payload, instr(payload, 'nucleus-media:') + 14) AS rest
          FROM predictions WHERE instr(payload, 'nucleus-media:') > 0) p
    JOIN model_runs r ON r.id = p.run_id;
  `,
  // Curation: the facts of each item that queries read (metadata values and label counts, in
  // columns a dataset picks as it needs them, added to item_facts on the way), item tags, reviews,
  // the queries of slices made from one, and the match rows of evaluations.
  `
  CREATE TABLE facts_datasets (
    dataset_key INTEGER PRIMARY KEY,
    dataset_id TEXT NOT NULL UNIQUE REFERENCES datasets (id) ON DELETE CASCADE,
    labels_version INTEGER NOT NULL DEFAULT 0,
    version INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE facts_columns (
    name TEXT PRIMARY KEY,
    pool TEXT NOT NULL
  );
  CREATE TABLE facts_slots (
    dataset_key INTEGER NOT NULL REFERENCES facts_datasets (dataset_key) ON DELETE CASCADE,
    name TEXT NOT NULL,
    column_name TEXT,
    lo REAL,
    hi REAL,
    PRIMARY KEY (dataset_key, name)
  ) WITHOUT ROWID;
  CREATE TABLE item_facts (
    dataset_key INTEGER NOT NULL REFERENCES facts_datasets (dataset_key) ON DELETE CASCADE,
    item_seq INTEGER NOT NULL,
    PRIMARY KEY (dataset_key, item_seq)
  ) WITHOUT ROWID;
  CREATE TABLE run_versions (
    run_id TEXT PRIMARY KEY REFERENCES model_runs (id) ON DELETE CASCADE,
    version INTEGER NOT NULL
  );

  CREATE TABLE item_tags (
    item_seq INTEGER NOT NULL REFERENCES items (seq) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    dataset_key INTEGER NOT NULL REFERENCES facts_datasets (dataset_key) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (item_seq, tag)
  ) WITHOUT ROWID;
  CREATE INDEX item_tags_by_dataset ON item_tags (dataset_key, tag);

  CREATE TABLE reviews (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    item_seq INTEGER NOT NULL REFERENCES items (seq) ON DELETE CASCADE,
    annotation_id TEXT,
    status TEXT NOT NULL,
    reviewer TEXT,
    comment TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX reviews_by_item ON reviews (item_seq, seq);

  CREATE TABLE slice_queries (
    slice_id TEXT PRIMARY KEY REFERENCES slices (id) ON DELETE CASCADE,
    query TEXT NOT NULL,
    run_id TEXT,
    dynamic INTEGER NOT NULL
  );

  CREATE TABLE match_sets (
    key INTEGER PRIMARY KEY AUTOINCREMENT,
    evaluation_id TEXT NOT NULL REFERENCES evaluations (id) ON DELETE CASCADE,
    iou_threshold REAL NOT NULL,
    labels_version INTEGER NOT NULL,
    run_version INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (evaluation_id, iou_threshold)
  );
  CREATE TABLE match_rows (
    set_key INTEGER NOT NULL REFERENCES match_sets (key) ON DELETE CASCADE,
    item_seq INTEGER NOT NULL,
    ord INTEGER NOT NULL,
    match_type TEXT NOT NULL,
    shape TEXT NOT NULL,
    prediction_id TEXT,
    annotation_id TEXT,
    pred_annotation_id TEXT,
    gt_annotation_id TEXT,
    pred_label TEXT,
    gt_label TEXT,
    iou REAL NOT NULL,
    score REAL,
    x REAL,
    y REAL,
    w REAL,
    h REAL,
    area REAL,
    gt_area REAL,
    rank INTEGER,
    coco_all INTEGER,
    coco_small INTEGER,
    coco_medium INTEGER,
    coco_large INTEGER,
    agnostic_label TEXT,
    agnostic_matched INTEGER,
    PRIMARY KEY (set_key, item_seq, ord)
  ) WITHOUT ROWID;
  `,
  // Validate: external evaluation functions, scenario tests, their evaluations and item results.
  VALIDATE_TABLES,
  // Taxonomies: the label sets category and multicategory labels are checked against.
  `
  CREATE TABLE taxonomies (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    labels TEXT NOT NULL,
    created_at TEXT NOT NULL,
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
    expires_at INTEGER NOT NULL
  );
  CREATE INDEX browser_tokens_by_expiry ON browser_tokens (expires_at);
  `,
  // Perceptual hashes of items' images, for deduplication.
  `
  CREATE TABLE item_phashes (
    item_id TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    phash TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  // Item embeddings: one float32 vector per item, paged by item id for exact search.
  `
  CREATE TABLE item_embeddings (
    item_id TEXT PRIMARY KEY REFERENCES items (id) ON DELETE CASCADE,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    dimension INTEGER NOT NULL,
    vector BLOB NOT NULL
  );
  CREATE INDEX item_embeddings_by_dataset ON item_embeddings (dataset_id, item_id);
  `,
  // Scenes (lidar and video) with their frame items, scene-level labels and tracks.
  `
  CREATE TABLE scenes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    reference_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    metadata TEXT NOT NULL,
    frame_rate REAL,
    video_url TEXT,
    video_media_key TEXT,
    frame_count INTEGER NOT NULL,
    created_at TEXT NOT NULL,
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
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL,
    scene_id TEXT NOT NULL REFERENCES scenes (id) ON DELETE CASCADE,
    run_id TEXT NOT NULL,
    key TEXT NOT NULL,
    payload TEXT NOT NULL,
    UNIQUE (scene_id, run_id, key)
  );
  CREATE TABLE tracks (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    reference_id TEXT NOT NULL,
    metadata TEXT NOT NULL,
    UNIQUE (dataset_id, reference_id)
  );
  `,
  // Index keys of item embeddings: each stored vector gets the next number of its dataset (a
  // replaced vector a new one), so a vector index catches up by reading the keys past its last.
  `
  CREATE TABLE embedding_keys (
    dataset_id TEXT PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
    last_key INTEGER NOT NULL
  ) WITHOUT ROWID;
  ALTER TABLE item_embeddings ADD COLUMN ann_key INTEGER NOT NULL DEFAULT 0;
  UPDATE item_embeddings SET ann_key = rowid;
  INSERT INTO embedding_keys (dataset_id, last_key)
    SELECT dataset_id, max(ann_key) FROM item_embeddings GROUP BY dataset_id;
  CREATE INDEX item_embeddings_by_key ON item_embeddings (dataset_id, ann_key);
  `,
  // Autotags (linear classifiers on item vectors) with each item's score, and a 2-D map of each
  // dataset's vectors with the vectors' version it was computed from.
  `
  CREATE TABLE autotags (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    training TEXT NOT NULL,
    generation INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (dataset_id, name)
  );
  CREATE TABLE autotag_scores (
    autotag_id TEXT NOT NULL REFERENCES autotags (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    generation INTEGER NOT NULL,
    score REAL NOT NULL,
    PRIMARY KEY (autotag_id, item_id)
  ) WITHOUT ROWID;
  CREATE INDEX autotag_scores_by_score ON autotag_scores (autotag_id, score DESC, item_id);
  CREATE INDEX autotag_scores_by_item ON autotag_scores (item_id);
  CREATE TABLE embedding_maps (
    dataset_id TEXT PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
    method TEXT NOT NULL,
    version TEXT NOT NULL,
    status TEXT NOT NULL,
    job_id TEXT NOT NULL,
    points INTEGER NOT NULL,
    details TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE embedding_map_points (
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    x REAL NOT NULL,
    y REAL NOT NULL,
    PRIMARY KEY (dataset_id, item_id)
  ) WITHOUT ROWID;
  CREATE INDEX embedding_map_points_by_item ON embedding_map_points (item_id);
  `,
  // Uniqueness of item embeddings, in [0, 1]; cleared when the vector is replaced.
  `
  ALTER TABLE item_embeddings ADD COLUMN uniqueness REAL;
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
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    item_id TEXT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    annotation_seq INTEGER UNIQUE REFERENCES annotations (seq) ON DELETE CASCADE,
    prediction_seq INTEGER UNIQUE REFERENCES predictions (seq) ON DELETE CASCADE,
    object_id TEXT NOT NULL,
    source TEXT NOT NULL,
    run_id TEXT,
    label TEXT NOT NULL,
    dimension INTEGER NOT NULL,
    vector BLOB NOT NULL
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
  // How many item vectors each dataset holds, kept by triggers (counting a million rows on every
  // upload and search took longer than the rest of either).
  `
  CREATE TABLE embedding_counts (
    dataset_id TEXT PRIMARY KEY,
    vectors INTEGER NOT NULL
  ) WITHOUT ROWID;
  INSERT INTO embedding_counts (dataset_id, vectors)
    SELECT dataset_id, count(*) FROM item_embeddings GROUP BY dataset_id;
  CREATE TRIGGER item_embeddings_counted AFTER INSERT ON item_embeddings BEGIN
    INSERT INTO embedding_counts (dataset_id, vectors) VALUES (NEW.dataset_id, 1)
      ON CONFLICT (dataset_id) DO UPDATE SET vectors = vectors + 1;
  END;
  CREATE TRIGGER item_embeddings_uncounted AFTER DELETE ON item_embeddings BEGIN
    UPDATE embedding_counts SET vectors = vectors - 1 WHERE dataset_id = OLD.dataset_id;
  END;
  `,
  // Representativeness of item embeddings, in [0, 1]; cleared when the vector is replaced.
  `
  ALTER TABLE item_embeddings ADD COLUMN representativeness REAL;
  `,
  // Item embeddings keyed by the item's upload order instead of its random id: vectors usually
  // arrive in that order, so a large upload appends to the table and its index instead of
  // rewriting pages all over two id indexes (which, past a few hundred thousand vectors, took
  // most of each upload's commit).
  `
  CREATE TABLE item_vectors (
    item_seq INTEGER PRIMARY KEY REFERENCES items (seq) ON DELETE CASCADE,
    dataset_id TEXT NOT NULL REFERENCES datasets (id) ON DELETE CASCADE,
    ann_key INTEGER NOT NULL,
    dimension INTEGER NOT NULL,
    uniqueness REAL,
    representativeness REAL,
    vector BLOB NOT NULL
  );
  INSERT INTO item_vectors (item_seq, dataset_id, ann_key, dimension, uniqueness, representativeness, vector)
    SELECT i.seq, e.dataset_id, e.ann_key, e.dimension, e.uniqueness, e.representativeness, e.vector
    FROM item_embeddings e JOIN items i ON i.id = e.item_id
    ORDER BY i.seq;
  DROP TABLE item_embeddings;
  ALTER TABLE item_vectors RENAME TO item_embeddings;
  CREATE INDEX item_embeddings_by_key ON item_embeddings (dataset_id, ann_key);
  CREATE TRIGGER item_embeddings_counted AFTER INSERT ON item_embeddings BEGIN
    INSERT INTO embedding_counts (dataset_id, vectors) VALUES (NEW.dataset_id, 1)
      ON CONFLICT (dataset_id) DO UPDATE SET vectors = vectors + 1;
  END;
  CREATE TRIGGER item_embeddings_uncounted AFTER DELETE ON item_embeddings BEGIN
    UPDATE embedding_counts SET vectors = vectors - 1 WHERE dataset_id = OLD.dataset_id;
  END;
  `,
];
