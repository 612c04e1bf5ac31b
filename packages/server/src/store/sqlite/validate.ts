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
import type { SqliteScope } from "./connection.js";
import { now } from "./values.js";

interface FunctionRow {
  id: string;
  tenant: string;
  name: string;
  level: ExternalFunctionRecord["level"];
  created_at: string;
}

interface TestRow {
  id: string;
  tenant: string;
  name: string;
  slice_id: string;
  dataset_id: string;
  baseline_model_id: string | null;
  created_at: string;
}

interface TestFunctionRow {
  scenario_test_id: string;
  eval_function_id: string;
  arguments: string;
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
  pass: number;
  threshold: number | null;
  comparison: Comparison;
  error: string | null;
  created_at: string;
}

interface ItemResultRow {
  level: ResultLevel;
  item_id: string;
  reference_id: string;
  result: number | null;
  weight: number;
  pass: number;
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
  createdAt: row.created_at,
});

const decodeTest = (row: TestRow): ScenarioTestRecord => ({
  id: row.id,
  tenant: row.tenant,
  name: row.name,
  sliceId: row.slice_id,
  datasetId: row.dataset_id,
  baselineModelId: row.baseline_model_id,
  createdAt: row.created_at,
});

const decodeTestFunction = (row: TestFunctionRow): TestFunctionRecord => ({
  scenarioTestId: row.scenario_test_id,
  evalFunctionId: row.eval_function_id,
  arguments: JSON.parse(row.arguments) as Record<string, unknown>,
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
  pass: row.pass === 1,
  threshold: row.threshold,
  comparison: row.comparison,
  error: row.error,
  createdAt: row.created_at,
});

/** Validate records on SQLite. */
export class SqliteValidateStore implements ValidateStore {
  constructor(private readonly scope: SqliteScope) {}

  createFunction(
    tenant: Tenant,
    input: { name: string; level: ExternalFunctionRecord["level"] },
  ): Promise<ExternalFunctionRecord> {
    return this.scope.write(() => {
      const existing = this.scope
        .sql(`SELECT ${FUNCTION_COLUMNS} FROM eval_functions WHERE tenant = ? AND name = ?`)
        .get(tenant, input.name) as FunctionRow | undefined;
      if (existing) return decodeFunction(existing);
      const record: ExternalFunctionRecord = {
        id: newValidateId("ef_"),
        tenant,
        name: input.name,
        level: input.level,
        createdAt: now(),
      };
      this.scope
        .sql(`INSERT INTO eval_functions (${FUNCTION_COLUMNS}) VALUES (?, ?, ?, ?, ?)`)
        .run(record.id, tenant, record.name, record.level, record.createdAt);
      return record;
    });
  }

  listFunctions(tenant: Tenant): Promise<ExternalFunctionRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(`SELECT ${FUNCTION_COLUMNS} FROM eval_functions WHERE tenant = ? ORDER BY seq`)
          .all(tenant) as FunctionRow[]
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
    return this.scope.write(() => {
      this.scope
        .sql(`INSERT INTO scenario_tests (${TEST_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(record.id, tenant, record.name, record.sliceId, record.datasetId, null, record.createdAt);
      for (const fn of input.functions) this.insertFunction(record.id, fn);
      return record;
    });
  }

  private insertFunction(testId: string, fn: { evalFunctionId: string; arguments: Record<string, unknown> }) {
    this.scope
      .sql(
        `INSERT INTO scenario_test_functions (${TEST_FUNCTION_COLUMNS}) VALUES (?, ?, ?, NULL, 'greater_than_equal_to')
         ON CONFLICT (scenario_test_id, eval_function_id) DO NOTHING`,
      )
      .run(testId, fn.evalFunctionId, JSON.stringify(fn.arguments));
  }

  getTest(tenant: Tenant, id: string): Promise<ScenarioTestRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope
        .sql(`SELECT ${TEST_COLUMNS} FROM scenario_tests WHERE id = ? AND tenant = ?`)
        .get(id, tenant) as TestRow | undefined;
      return row && decodeTest(row);
    });
  }

  findTest(tenant: Tenant, query: { name: string }): Promise<ScenarioTestRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope
        .sql(`SELECT ${TEST_COLUMNS} FROM scenario_tests WHERE tenant = ? AND name = ?`)
        .get(tenant, query.name) as TestRow | undefined;
      return row && decodeTest(row);
    });
  }

  listTests(tenant: Tenant): Promise<ScenarioTestRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(`SELECT ${TEST_COLUMNS} FROM scenario_tests WHERE tenant = ? ORDER BY seq`)
          .all(tenant) as TestRow[]
      ).map(decodeTest),
    );
  }

  deleteTest(tenant: Tenant, id: string): Promise<boolean> {
    return this.scope.write(
      () =>
        this.scope.sql("DELETE FROM scenario_tests WHERE id = ? AND tenant = ?").run(id, tenant).changes > 0,
    );
  }

  async setBaseline(tenant: Tenant, id: string, modelId: string): Promise<void> {
    await this.scope.write(() =>
      this.scope
        .sql("UPDATE scenario_tests SET baseline_model_id = ? WHERE id = ? AND tenant = ?")
        .run(modelId, id, tenant),
    );
  }

  functions(scenarioTestId: string): Promise<TestFunctionRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(
            `SELECT ${TEST_FUNCTION_COLUMNS} FROM scenario_test_functions WHERE scenario_test_id = ? ORDER BY seq`,
          )
          .all(scenarioTestId) as TestFunctionRow[]
      ).map(decodeTestFunction),
    );
  }

  addFunction(
    scenarioTestId: string,
    input: { evalFunctionId: string; arguments: Record<string, unknown> },
  ): Promise<TestFunctionRecord> {
    return this.scope.write(() => {
      this.insertFunction(scenarioTestId, input);
      return decodeTestFunction(this.functionRow(scenarioTestId, input.evalFunctionId) as TestFunctionRow);
    });
  }

  private functionRow(testId: string, fnId: string): TestFunctionRow | undefined {
    return this.scope
      .sql(
        `SELECT ${TEST_FUNCTION_COLUMNS} FROM scenario_test_functions WHERE scenario_test_id = ? AND eval_function_id = ?`,
      )
      .get(testId, fnId) as TestFunctionRow | undefined;
  }

  setThreshold(
    scenarioTestId: string,
    evalFunctionId: string,
    threshold: number | null,
    comparison?: Comparison,
  ): Promise<TestFunctionRecord | undefined> {
    return this.scope.write(() => {
      this.scope
        .sql(
          `UPDATE scenario_test_functions SET threshold = ?, comparison = COALESCE(?, comparison)
           WHERE scenario_test_id = ? AND eval_function_id = ?`,
        )
        .run(threshold, comparison ?? null, scenarioTestId, evalFunctionId);
      const row = this.functionRow(scenarioTestId, evalFunctionId);
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
    return this.scope.write(() => {
      const insert = this.scope.sql(
        `INSERT INTO scenario_evaluations (${EVALUATION_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, NULL, 0, NULL, ?, NULL, ?)`,
      );
      for (const r of records) {
        insert.run(
          r.id,
          tenant,
          r.scenarioTestId,
          r.evalFunctionId,
          r.modelId,
          r.jobId,
          r.status,
          r.comparison,
          r.createdAt,
        );
      }
      return records;
    });
  }

  async startEvaluation(id: string): Promise<void> {
    await this.scope.write(() =>
      this.scope.sql("UPDATE scenario_evaluations SET status = 'started' WHERE id = ?").run(id),
    );
  }

  async finishEvaluation(
    id: string,
    outcome: ScenarioOutcome,
    items: readonly ItemResultRecord[],
  ): Promise<void> {
    await this.scope.write(() => {
      this.scope
        .sql(
          `UPDATE scenario_evaluations SET status = ?, result = ?, pass = ?, threshold = ?, comparison = ?, error = ?
           WHERE id = ?`,
        )
        .run(
          outcome.status,
          outcome.result,
          outcome.pass ? 1 : 0,
          outcome.threshold,
          outcome.comparison,
          outcome.error,
          id,
        );
      this.scope.sql("DELETE FROM scenario_item_results WHERE evaluation_id = ?").run(id);
      const insert = this.scope.sql(
        `INSERT INTO scenario_item_results (evaluation_id, ord, item_id, reference_id, result, weight, pass, level)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      items.forEach((item, ord) => {
        insert.run(
          id,
          ord,
          item.itemId,
          item.referenceId,
          item.result,
          item.weight,
          item.pass ? 1 : 0,
          item.level ?? "item",
        );
      });
    });
  }

  getEvaluation(tenant: Tenant, id: string): Promise<ScenarioEvaluationRecord | undefined> {
    return this.scope.read(() => {
      const row = this.scope
        .sql(`SELECT ${EVALUATION_COLUMNS} FROM scenario_evaluations WHERE id = ? AND tenant = ?`)
        .get(id, tenant) as EvaluationRow | undefined;
      return row && decodeEvaluation(row);
    });
  }

  history(scenarioTestId: string): Promise<ScenarioEvaluationRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(
            `SELECT ${EVALUATION_COLUMNS} FROM scenario_evaluations WHERE scenario_test_id = ? ORDER BY seq`,
          )
          .all(scenarioTestId) as EvaluationRow[]
      ).map(decodeEvaluation),
    );
  }

  evaluationsOfJob(jobId: string): Promise<ScenarioEvaluationRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(`SELECT ${EVALUATION_COLUMNS} FROM scenario_evaluations WHERE job_id = ? ORDER BY seq`)
          .all(jobId) as EvaluationRow[]
      ).map(decodeEvaluation),
    );
  }

  itemResults(evaluationId: string): Promise<ItemResultRecord[]> {
    return this.scope.read(() =>
      (
        this.scope
          .sql(
            "SELECT item_id, reference_id, result, weight, pass, level FROM scenario_item_results WHERE evaluation_id = ? ORDER BY ord",
          )
          .all(evaluationId) as ItemResultRow[]
      ).map((row) => ({
        level: row.level,
        itemId: row.item_id,
        referenceId: row.reference_id,
        result: row.result,
        weight: row.weight,
        pass: row.pass === 1,
      })),
    );
  }
}
