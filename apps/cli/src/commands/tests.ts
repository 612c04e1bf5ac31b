import { writeFileSync } from "node:fs";
import type { ScenarioTestOutcome, ScenarioTestRun, ThresholdComparison } from "@nucleus/core";
import { UsageError } from "../args.js";
import type { Command, Context } from "../command.js";
import { CliError, table } from "../output.js";

const SYMBOL: Record<ThresholdComparison, string> = {
  greater_than: ">",
  greater_than_equal_to: ">=",
  less_than: "<",
  less_than_equal_to: "<=",
};
const BY_SYMBOL = new Map(
  Object.entries(SYMBOL).map(([name, symbol]) => [symbol, name as ThresholdComparison]),
);

/** Reads `bbox_recall>=0.8`, `bbox_iou` (no threshold) or `cat_f1<0.2`. */
export function parseCriterion(text: string): {
  name: string;
  threshold: number | null;
  comparison?: ThresholdComparison;
} {
  const match = /^\s*([A-Za-z0-9_.-]+)\s*(?:(>=|<=|>|<)\s*(-?[0-9]*\.?[0-9]+(?:e-?[0-9]+)?))?\s*$/.exec(text);
  if (!match) {
    throw new UsageError(`--criterion must look like bbox_recall>=0.8 or bbox_iou, got "${text}"`);
  }
  const [, name, symbol, value] = match;
  if (symbol === undefined) return { name: name as string, threshold: null };
  return {
    name: name as string,
    threshold: Number(value),
    comparison: BY_SYMBOL.get(symbol) as ThresholdComparison,
  };
}

const fmt = (value: number | null) => (value === null ? "-" : value.toFixed(4).replace(/\.?0+$/, "") || "0");

/** `bbox_recall >= 0.8`, or the name alone without a threshold. */
function criterionText(name: string, threshold: number | null, comparison: ThresholdComparison): string {
  return threshold === null ? name : `${name} ${SYMBOL[comparison]} ${fmt(threshold)}`;
}

const xml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/**
 * The run as JUnit XML: one test suite per scenario test, one test case per evaluation function,
 * a failure element (with the result and the threshold) for each that did not pass.
 */
export function junitXml(run: ScenarioTestRun): string {
  const suites = new Map<string, ScenarioTestOutcome[]>();
  for (const outcome of run.outcomes) {
    const list = suites.get(outcome.test.id) ?? [];
    list.push(outcome);
    suites.set(outcome.test.id, list);
  }
  const failures = run.outcomes.filter((o) => !o.passed).length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="nucleus scenario tests" tests="${run.outcomes.length}" failures="${failures}">`,
  ];
  for (const outcomes of suites.values()) {
    const test = (outcomes[0] as ScenarioTestOutcome).test;
    const failed = outcomes.filter((o) => !o.passed).length;
    lines.push(
      `  <testsuite name="${xml(test.name)}" id="${xml(test.id)}" tests="${outcomes.length}" failures="${failed}">`,
      `    <properties><property name="model_id" value="${xml(run.modelId)}"/><property name="slice_id" value="${xml(test.sliceId)}"/></properties>`,
    );
    for (const o of outcomes) {
      const name = xml(criterionText(o.function, o.threshold, o.comparison));
      const open = `    <testcase classname="${xml(test.name)}" name="${name}">`;
      if (o.passed) {
        lines.push(`${open}<system-out>result ${fmt(o.result)}</system-out></testcase>`);
        continue;
      }
      const message = o.error
        ? `${o.function}: ${o.error}`
        : `${o.function} = ${fmt(o.result)}, needs ${SYMBOL[o.comparison]} ${fmt(o.threshold)}`;
      lines.push(
        `${open}<failure message="${xml(message)}" type="threshold">${xml(message)}</failure></testcase>`,
      );
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>", "");
  return lines.join("\n");
}

async function runTests(c: Context): Promise<number> {
  const modelId = c.flag("model") as string;
  const names = (c.args.flags.test as string[] | undefined) ?? undefined;
  const run = await c.client().validate.run(modelId, names ? { testNames: names } : {});
  if (run.outcomes.length === 0) {
    throw new CliError(
      "No scenario tests",
      "There are no scenario tests to run",
      "Create one with `nu tests create`.",
    );
  }
  const junit = c.flag("junit");
  if (junit) writeFileSync(junit, junitXml(run));
  if (c.json) c.print(run);
  else {
    const rows = run.outcomes.map((o) => ({
      test: o.test.name,
      criterion: criterionText(o.function, o.threshold, o.comparison),
      result: fmt(o.result),
      status: o.passed ? "pass" : o.error ? `FAIL (${o.error})` : "FAIL",
    }));
    c.io.out(table(rows, ["test", "criterion", "result", "status"]));
    const failed = run.outcomes.filter((o) => !o.passed).length;
    c.io.out(
      failed === 0
        ? `All ${run.outcomes.length} criteria passed for model ${modelId}.\n`
        : `${failed} of ${run.outcomes.length} criteria failed for model ${modelId}.\n`,
    );
  }
  return run.passed ? 0 : 1;
}

/** `nu tests ...`: scenario tests (Validate), and running them as a CI gate. */
export const testCommands: Command[] = [
  {
    path: ["tests", "list"],
    summary: "list scenario tests",
    async run(c) {
      const tests = await c.client().validate.listScenarioTests();
      c.print(
        tests.map((t) => ({
          id: t.id,
          name: t.name,
          sliceId: t.sliceId,
          baselineModelId: t.baselineModelId,
        })),
        ["id", "name", "sliceId", "baselineModelId"],
      );
    },
  },
  {
    path: ["tests", "describe"],
    usage: "[scenario-test-id]",
    summary: "show scenario tests: slice, criteria and latest results",
    flags: { all: { type: "boolean", description: "describe every scenario test" } },
    async run(c) {
      const validate = c.client().validate;
      const id = c.args.positionals[0];
      if (!c.args.flags.all && id === undefined) throw new UsageError("give a scenario test id, or --all");
      const tests = c.args.flags.all
        ? await validate.listScenarioTests()
        : [await validate.getScenarioTest(id as string)];
      const names = new Map((await validate.evalFunctions()).map((f) => [f.id, f.name]));
      const described = [];
      for (const test of tests) {
        const functions = await test.functions();
        const history = await test.history();
        const criteria = functions.map((f) => {
          const latest = history.filter((e) => e.evalFunctionId === f.evalFunctionId).at(-1);
          return {
            criterion: criterionText(
              names.get(f.evalFunctionId) ?? f.evalFunctionId,
              f.threshold,
              f.thresholdComparison,
            ),
            evalFunctionId: f.evalFunctionId,
            latestModel: latest?.modelId ?? null,
            latestResult: latest ? fmt(latest.result) : null,
            latestPass: latest ? latest.pass : null,
          };
        });
        const items = (await test.items()).length;
        described.push({
          id: test.id,
          name: test.name,
          sliceId: test.sliceId,
          baselineModelId: test.baselineModelId,
          items,
          criteria,
        });
      }
      if (c.json) {
        c.print(c.args.flags.all ? described : described[0]);
        return;
      }
      for (const test of described) {
        c.io.out(
          `${test.name} (${test.id})\n  slice: ${test.sliceId}, ${test.items} items\n  baseline model: ${test.baselineModelId ?? "none"}\n\n`,
        );
        c.io.out(
          table(test.criteria, ["criterion", "evalFunctionId", "latestModel", "latestResult", "latestPass"]),
        );
        c.io.out("\n");
      }
    },
  },
  {
    path: ["tests", "create"],
    usage: "<name>",
    summary: "create a scenario test on a slice, with criteria",
    flags: {
      slice: { type: "string", value: "SLICE_ID", required: true, description: "the slice the test runs on" },
      criterion: {
        type: "string",
        value: "FN[OP VALUE]",
        multiple: true,
        required: true,
        description: "an evaluation function and its threshold, e.g. bbox_recall>=0.8 (repeatable)",
      },
    },
    details: `Criteria: a standard function (bbox_iou, bbox_precision, bbox_recall, bbox_map, poly_*, cuboid_*,
cat_f1) or an external one, optionally with >, >=, < or <= and a threshold. Without a threshold a
criterion is reported but never fails.
Example: nu tests create "pedestrians at night" --slice slc_... --criterion "bbox_recall>=0.8" --criterion bbox_iou`,
    async run(c) {
      const criteria = (c.args.flags.criterion as string[]).map(parseCriterion);
      const validate = c.client().validate;
      const test = await validate.createScenarioTest({
        name: c.arg(0, "name"),
        slice: c.flag("slice") as string,
        functions: criteria.map((criterion) => criterion.name),
      });
      for (const criterion of criteria) {
        if (criterion.threshold !== null)
          await test.setThreshold(criterion.name, criterion.threshold, criterion.comparison);
      }
      c.print({ id: test.id, name: test.name, sliceId: test.sliceId }, ["id", "name", "sliceId"]);
    },
  },
  {
    path: ["tests", "run"],
    summary: "evaluate a model on every scenario test; exit 1 if any criterion fails",
    flags: {
      model: { type: "string", value: "MODEL_ID", required: true, description: "the model to evaluate" },
      test: { type: "string", value: "NAME", multiple: true, description: "only this test (repeatable)" },
      junit: { type: "string", value: "FILE", description: "also write the results as JUnit XML, for CI" },
    },
    details: `Exit codes: 0 when every criterion passes, 1 when any fails (or has no result).
Example (CI): nu tests run --model prj_... --junit reports/scenario-tests.xml`,
    run: runTests,
  },
];
