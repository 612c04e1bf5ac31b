import type { Tenant } from "../common.js";
import {
  type Comparison,
  type ExternalFunctionRecord,
  type ItemResultRecord,
  type NewScenarioEvaluation,
  type NewScenarioTest,
  newValidateId,
  type ResultLevel,
  type ScenarioEvaluationRecord,
  type ScenarioOutcome,
  type ScenarioTestRecord,
  type TestFunctionRecord,
  type ValidateStore,
} from "../validate.js";
import type { PgScope, Queryable } from "./connection.js";
import { iso, now } from "./values.js";

interface FunctionRow {
  id: string;
  tenant: string;
  name: string;
  level: ExternalFunctionRecord["level"];
  created_at: Date;
}

interface TestRow {
  id: string;
  tenant: string;
  name: string;
  slice_id: string;
  dataset_id: string;
  baseline_model_id: string | null;
  created_at: Date;
}

interface TestFunctionRow {
  scenario_test_id: string;
  eval_function_id: string;
  arguments: Record<string, unknown>;
  threshold: number | null;
  comparison: Comparison;
}

interface EvaluationRow {
  id: string;
  tenant: string;
  scenario_test_id: string;
  eval_function_id: string;
  model_id: string;
  job_id: string | null;
  status: ScenarioEvaluationRecord["status"];
  result: number | null;
  pass: boolean;
  threshold: number | null;
  comparison: Comparison;
  error: string | null;
  created_at: Date;
}

interface ItemResultRow {
  level: ResultLevel;
  item_id: string;
  reference_id: string;
  result: number | null;
  weight: number;
  pass: boolean;
}

const FUNCTION_COLUMNS = "id, tenant, name, level, created_at";
const TEST_COLUMNS = "id, tenant, name, slice_id, dataset_id, baseline_model_id, created_at";
const TEST_FUNCTION_COLUMNS = "scenario_test_id, eval_function_id, arguments, threshold, comparison";
const EVALUATION_COLUMNS =
  "id, tenant, scenario_test_id, eval_function_id, model_id, job_id, status, result, pass, threshold, comparison, error, created_at";

const decodeFunction = (row: FunctionRow): ExternalFunctionRecord => ({
  id: row.id,
  tenant: row.tenant,
  name: row.name,
  level: row.level,
  createdAt: iso(row.created_at),
});

const decodeTest = (row: TestRow): ScenarioTestRecord => ({
  id: row.id,
  tenant: row.tenant,
  name: row.name,
  sliceId: row.slice_id,
  datasetId: row.dataset_id,
  baselineModelId: row.baseline_model_id,
  createdAt: iso(row.created_at),
});

const decodeTestFunction = (row: TestFunctionRow): TestFunctionRecord => ({
  scenarioTestId: row.scenario_test_id,
  evalFunctionId: row.eval_function_id,
  arguments: row.arguments,
  threshold: row.threshold,
  comparison: row.comparison,
});

const decodeEvaluation = (row: EvaluationRow): ScenarioEvaluationRecord => ({
  id: row.id,
  tenant: row.tenant,
  scenarioTestId: row.scenario_test_id,
  evalFunctionId: row.eval_function_id,
  modelId: row.model_id,
  jobId: row.job_id,
  status: row.status,
  result: row.result,
  pass: row.pass,
  threshold: row.threshold,
  comparison: row.comparison,
  error: row.error,
  createdAt: iso(row.created_at),
});

/** Validate records on PostgreSQL. */
export class PgValidateStore implements ValidateStore {
  constructor(private readonly scope: PgScope) {}

  createFunction(
    tenant: Tenant,
    input: { name: string; level: ExternalFunctionRecord["level"] },
  ): Promise<ExternalFunctionRecord> {
    return this.scope.write(async (db) => {
      await db.query(
        `INSERT INTO eval_functions (${FUNCTION_COLUMNS}) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (tenant, name) DO NOTHING`,
        [newValidateId("ef_"), tenant, input.name, input.level, now()],
      );
      const [row] = await db.query<FunctionRow>(
        `SELECT ${FUNCTION_COLUMNS} FROM eval_functions WHERE tenant = $1 AND name = $2`,
        [tenant, input.name],
      );
      return decodeFunction(row as FunctionRow);
    });
  }

  listFunctions(tenant: Tenant): Promise<ExternalFunctionRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<FunctionRow>(
          `SELECT ${FUNCTION_COLUMNS} FROM eval_functions WHERE tenant = $1 ORDER BY seq`,
          [tenant],
        )
      ).map(decodeFunction),
    );
  }

  createTest(tenant: Tenant, input: NewScenarioTest): Promise<ScenarioTestRecord> {
    const record: ScenarioTestRecord = {
      id: newValidateId("ut_"),
      tenant,
      name: input.name,
      sliceId: input.sliceId,
      datasetId: input.datasetId,
      baselineModelId: null,
      createdAt: now(),
    };
    return this.scope.write(async (db) => {
      await db.query(`INSERT INTO scenario_tests (${TEST_COLUMNS}) VALUES ($1, $2, $3, $4, $5, NULL, $6)`, [
        record.id,
        tenant,
        record.name,
        record.sliceId,
        record.datasetId,
        record.createdAt,
      ]);
      for (const fn of input.functions) await insertFunction(db, record.id, fn);
      return record;
    });
  }

  getTest(tenant: Tenant, id: string): Promise<ScenarioTestRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<TestRow>(
        `SELECT ${TEST_COLUMNS} FROM scenario_tests WHERE id = $1 AND tenant = $2`,
        [id, tenant],
      );
      return row && decodeTest(row);
    });
  }

  findTest(tenant: Tenant, query: { name: string }): Promise<ScenarioTestRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<TestRow>(
        `SELECT ${TEST_COLUMNS} FROM scenario_tests WHERE tenant = $1 AND name = $2`,
        [tenant, query.name],
      );
      return row && decodeTest(row);
    });
  }

  listTests(tenant: Tenant): Promise<ScenarioTestRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<TestRow>(`SELECT ${TEST_COLUMNS} FROM scenario_tests WHERE tenant = $1 ORDER BY seq`, [
          tenant,
        ])
      ).map(decodeTest),
    );
  }

  async deleteTest(tenant: Tenant, id: string): Promise<boolean> {
    const rows = await this.scope.mutate(
      "DELETE FROM scenario_tests WHERE id = $1 AND tenant = $2 RETURNING id",
      [id, tenant],
    );
    return rows.length > 0;
  }

  async setBaseline(tenant: Tenant, id: string, modelId: string): Promise<void> {
    await this.scope.mutate(
      "UPDATE scenario_tests SET baseline_model_id = $1 WHERE id = $2 AND tenant = $3 RETURNING id",
      [modelId, id, tenant],
    );
  }

  functions(scenarioTestId: string): Promise<TestFunctionRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<TestFunctionRow>(
          `SELECT ${TEST_FUNCTION_COLUMNS} FROM scenario_test_functions WHERE scenario_test_id = $1 ORDER BY seq`,
          [scenarioTestId],
        )
      ).map(decodeTestFunction),
    );
  }

  addFunction(
    scenarioTestId: string,
    input: { evalFunctionId: string; arguments: Record<string, unknown> },
  ): Promise<TestFunctionRecord> {
    return this.scope.write(async (db) => {
      await insertFunction(db, scenarioTestId, input);
      return decodeTestFunction(
        (await functionRow(db, scenarioTestId, input.evalFunctionId)) as TestFunctionRow,
      );
    });
  }

  setThreshold(
    scenarioTestId: string,
    evalFunctionId: string,
    threshold: number | null,
    comparison?: Comparison,
  ): Promise<TestFunctionRecord | undefined> {
    return this.scope.write(async (db) => {
      await db.query(
        `UPDATE scenario_test_functions SET threshold = $1, comparison = COALESCE($2, comparison)
         WHERE scenario_test_id = $3 AND eval_function_id = $4`,
        [threshold, comparison ?? null, scenarioTestId, evalFunctionId],
      );
      const row = await functionRow(db, scenarioTestId, evalFunctionId);
      return row && decodeTestFunction(row);
    });
  }

  createEvaluations(
    tenant: Tenant,
    inputs: readonly NewScenarioEvaluation[],
  ): Promise<ScenarioEvaluationRecord[]> {
    const createdAt = now();
    const records = inputs.map(
      (input): ScenarioEvaluationRecord => ({
        id: newValidateId("ste_"),
        tenant,
        ...input,
        status: "pending",
        result: null,
        pass: false,
        threshold: null,
        comparison: "greater_than_equal_to",
        error: null,
        createdAt: input.createdAt ?? createdAt,
      }),
    );
    return this.scope.write(async (db) => {
      for (const r of records) {
        await db.query(
          `INSERT INTO scenario_evaluations (${EVALUATION_COLUMNS})
           VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, FALSE, NULL, $8, NULL, $9)`,
          [
            r.id,
            tenant,
            r.scenarioTestId,
            r.evalFunctionId,
            r.modelId,
            r.jobId,
            r.status,
            r.comparison,
            r.createdAt,
          ],
        );
      }
      return records;
    });
  }

  async startEvaluation(id: string): Promise<void> {
    await this.scope.mutate("UPDATE scenario_evaluations SET status = 'started' WHERE id = $1 RETURNING id", [
      id,
    ]);
  }

  async finishEvaluation(
    id: string,
    outcome: ScenarioOutcome,
    items: readonly ItemResultRecord[],
  ): Promise<void> {
    await this.scope.write(async (db) => {
      await db.query(
        `UPDATE scenario_evaluations SET status = $1, result = $2, pass = $3, threshold = $4, comparison = $5, error = $6
         WHERE id = $7`,
        [
          outcome.status,
          outcome.result,
          outcome.pass,
          outcome.threshold,
          outcome.comparison,
          outcome.error,
          id,
        ],
      );
      await db.query("DELETE FROM scenario_item_results WHERE evaluation_id = $1", [id]);
      // One statement per few thousand items: arrays unnested into rows.
      for (let start = 0; start < items.length; start += 5_000) {
        const chunk = items.slice(start, start + 5_000);
        await db.query(
          `INSERT INTO scenario_item_results (evaluation_id, ord, item_id, reference_id, result, weight, pass, level)
           SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::bool[], $8::text[])`,
          [
            id,
            chunk.map((_, i) => start + i),
            chunk.map((r) => r.itemId),
            chunk.map((r) => r.referenceId),
            chunk.map((r) => r.result),
            chunk.map((r) => r.weight),
            chunk.map((r) => r.pass),
            chunk.map((r) => r.level ?? "item"),
          ],
        );
      }
    });
  }

  getEvaluation(tenant: Tenant, id: string): Promise<ScenarioEvaluationRecord | undefined> {
    return this.scope.read(async (db) => {
      const [row] = await db.query<EvaluationRow>(
        `SELECT ${EVALUATION_COLUMNS} FROM scenario_evaluations WHERE id = $1 AND tenant = $2`,
        [id, tenant],
      );
      return row && decodeEvaluation(row);
    });
  }

  history(scenarioTestId: string): Promise<ScenarioEvaluationRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<EvaluationRow>(
          `SELECT ${EVALUATION_COLUMNS} FROM scenario_evaluations WHERE scenario_test_id = $1 ORDER BY seq`,
          [scenarioTestId],
        )
      ).map(decodeEvaluation),
    );
  }

  evaluationsOfJob(jobId: string): Promise<ScenarioEvaluationRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<EvaluationRow>(
          `SELECT ${EVALUATION_COLUMNS} FROM scenario_evaluations WHERE job_id = $1 ORDER BY seq`,
          [jobId],
        )
      ).map(decodeEvaluation),
    );
  }

  itemResults(evaluationId: string): Promise<ItemResultRecord[]> {
    return this.scope.read(async (db) =>
      (
        await db.query<ItemResultRow>(
          "SELECT item_id, reference_id, result, weight, pass, level FROM scenario_item_results WHERE evaluation_id = $1 ORDER BY ord",
          [evaluationId],
        )
      ).map((row) => ({
        level: row.level,
        itemId: row.item_id,
        referenceId: row.reference_id,
        result: row.result,
        weight: row.weight,
        pass: row.pass,
      })),
    );
  }
}

async function insertFunction(
  db: Queryable,
  testId: string,
  fn: { evalFunctionId: string; arguments: Record<string, unknown> },
): Promise<void> {
  await db.query(
    `INSERT INTO scenario_test_functions (${TEST_FUNCTION_COLUMNS}) VALUES ($1, $2, $3, NULL, 'greater_than_equal_to')
     ON CONFLICT (scenario_test_id, eval_function_id) DO NOTHING`,
    [testId, fn.evalFunctionId, JSON.stringify(fn.arguments)],
  );
}

async function functionRow(
  db: Queryable,
  testId: string,
  fnId: string,
): Promise<TestFunctionRow | undefined> {
  const [row] = await db.query<TestFunctionRow>(
    `SELECT ${TEST_FUNCTION_COLUMNS} FROM scenario_test_functions WHERE scenario_test_id = $1 AND eval_function_id = $2`,
    [testId, fnId],
  );
  return row;
}
