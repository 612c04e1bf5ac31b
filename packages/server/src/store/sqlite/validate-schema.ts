/**
 * The SQLite tables of Validate: external evaluation functions, scenario tests with their
 * functions, evaluations and their per-item results. A migration of `migrations.ts`.
 */
export const VALIDATE_TABLES = `
  CREATE TABLE eval_functions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (tenant, name)
  );

  CREATE TABLE scenario_tests (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    name TEXT NOT NULL,
    slice_id TEXT NOT NULL REFERENCES slices (id) ON DELETE CASCADE,
    dataset_id TEXT NOT NULL,
    baseline_model_id TEXT REFERENCES models (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    UNIQUE (tenant, name)
  );

  CREATE TABLE scenario_test_functions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    scenario_test_id TEXT NOT NULL REFERENCES scenario_tests (id) ON DELETE CASCADE,
    eval_function_id TEXT NOT NULL,
    arguments TEXT NOT NULL,
    threshold REAL,
    comparison TEXT NOT NULL,
    UNIQUE (scenario_test_id, eval_function_id)
  );

  CREATE TABLE scenario_evaluations (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    tenant TEXT NOT NULL,
    scenario_test_id TEXT NOT NULL REFERENCES scenario_tests (id) ON DELETE CASCADE,
    eval_function_id TEXT NOT NULL,
    model_id TEXT NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    job_id TEXT,
    status TEXT NOT NULL,
    result REAL,
    pass INTEGER NOT NULL,
    threshold REAL,
    comparison TEXT NOT NULL,
    error TEXT,
    created_at TEXT NOT NULL
  );
  CREATE INDEX scenario_evaluations_by_test ON scenario_evaluations (scenario_test_id, seq);
  CREATE INDEX scenario_evaluations_by_job ON scenario_evaluations (job_id);

  CREATE TABLE scenario_item_results (
    evaluation_id TEXT NOT NULL REFERENCES scenario_evaluations (id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    item_id TEXT NOT NULL,
    reference_id TEXT NOT NULL,
    result REAL,
    weight REAL NOT NULL,
    pass INTEGER NOT NULL,
    PRIMARY KEY (evaluation_id, ord)
  ) WITHOUT ROWID;
`;
