/**
 * Compiling each kind of field to SQL, for both dialects: the SQL a field becomes, and that every
 * compiled condition runs on SQLite and plans on PostgreSQL against the real schemas.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkQuery, QueryError } from "@nucleus/query";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPostgresStore } from "../store/postgres/store.js";
import { dropSchema, newSchema, testDatabaseUrl } from "../store/postgres/testing.js";
import { openDatabase } from "../store/sqlite/database.js";
import { registerQueryFunctions } from "../store/sqlite/query-functions.js";
import { type FactsCatalog, metadataSlotName } from "./catalog.js";
import {
  type CompileContext,
  compileItemCondition,
  compileObjectCondition,
  type ObjectRows,
} from "./compile.js";
import { POSTGRES, SQLITE, type SqlDialect } from "./dialect.js";
import { Bindings } from "./sql.js";

/** A dataset's storage as the compiler sees it: a few columns, one overflowed key, two runs, slices. */
const COLUMNS = new Map<string, string | null>([
  [metadataSlotName(["weather"], "string"), "t0"],
  [metadataSlotName(["speed"], "number"), "n0"],
  [metadataSlotName(["speed"], "string"), "t1"],
  [metadataSlotName(["night"], "boolean"), "n1"],
  [metadataSlotName(["tags"], "list"), "j0"],
  [metadataSlotName(["review_status"], "string"), "t2"],
  [metadataSlotName(["overflow"], "number"), null],
  ["c:gt:*", "n2"],
  ["c:gt:l:car", "n3"],
  ["c:gt:t:box", "n4"],
  ["c:gt:l:rare", null],
  ["c:run:run_a:l:car", "n5"],
  ["c:run:run_b:l:car", "n6"],
]);

const catalog: FactsCatalog = {
  metadata: (path, family) => COLUMNS.get(metadataSlotName(path, family)),
  count: (source, key) => {
    const who = source.kind === "annotations" ? "gt" : `run:${source.runId}`;
    const what = key.kind === "total" ? "*" : key.kind === "label" ? `l:${key.label}` : `t:${key.type}`;
    return COLUMNS.get(`c:${who}:${what}`);
  },
  runIds: ["run_a", "run_b"],
  slice: (name) =>
    name === "static"
      ? { kind: "static", id: "slc_1", name }
      : name === "foggy"
        ? { kind: "dynamic", id: "slc_2", name, query: 'metadata.weather = "foggy"', runId: null }
        : name === "loop"
          ? { kind: "dynamic", id: "slc_3", name, query: "slice.loop = true", runId: null }
          : undefined,
};

const TYPES = { weather: "string", speed: "any", night: "boolean", tags: "list" } as const;

function compile(text: string, dialect: SqlDialect, rows?: ObjectRows, runId?: string) {
  const bindings = new Bindings();
  const ctx: CompileContext = {
    dialect,
    catalog,
    bindings,
    runId: runId ?? null,
    recheck: (t) => checkQuery(t, "item", { metadata: TYPES }),
  };
  const checked = checkQuery(text, rows ? "object" : "item", { metadata: TYPES });
  const where = rows ? compileObjectCondition(checked, rows, ctx) : compileItemCondition(checked, ctx);
  return { ...bindings.render(where, dialect), usesItems: Boolean(ctx.usesItems) };
}

/** Each field kind, the SQLite it compiles to, and its bound values. */
const ITEM_CASES: [string, string, string, unknown[]][] = [
  ["item column", 'item.reference_id = "a"', "(i.reference_id = ?)", ["a"]],
  ["item size", "item.width > 10", "(i.width > 10)", []],
  ["item type", 'item.type = "image"', "('image' = ?)", ["image"]],
  ["metadata text column", 'metadata.weather = "foggy"', "(f.t0 = ?)", ["foggy"]],
  ["metadata of several kinds", "metadata.speed >= 50", "(f.n0 >= 50)", []],
  ["metadata text of a mixed key", 'metadata.speed = "fast"', "(f.t1 = ?)", ["fast"]],
  ["metadata boolean", "metadata.night = true", "(f.n1 = 1)", []],
  ["metadata list", 'metadata.tags CONTAINS "a"', "json_each(f.j0)", ["a"]],
  ["metadata kept in no column", "metadata.overflow > 1", "json_extract(i.metadata, ?)", ['$."overflow"']],
  ["metadata nobody has", "metadata.absent = 1", "(NULL)", []],
  ["metadata presence", "metadata.speed EXISTS", "(f.n0 IS NOT NULL OR f.t1 IS NOT NULL)", []],
  ["total count", "annotations.count > 2", "(COALESCE(f.n2, 0) > 2)", []],
  ["label count", "annotations.car >= 3", "(COALESCE(f.n3, 0) >= 3)", []],
  ["type count", "annotations.box.count = 1", "(COALESCE(f.n4, 0) = 1)", []],
  [
    "label count in no column",
    "annotations.rare > 0",
    "SELECT COUNT(*) FROM annotations c",
    ["rare", "rare"],
  ],
  ["label nobody has", "annotations.bus > 0", "(0 > 0)", []],
  ["predictions of every run", "predictions.car > 1", "(COALESCE(f.n5, 0) + COALESCE(f.n6, 0))", []],
  ["static slice", "slice.static = true", "slice_items s WHERE s.slice_id = ?", ["slc_1"]],
  ["dynamic slice", "slice.foggy = true", "COALESCE((f.t0 = ?), 1 = 0)", ["foggy"]],
  ["tags", 'tags CONTAINS "hard"', "item_tags t WHERE t.item_seq = f.item_seq AND t.tag = ?", ["hard"]],
  ["review status", 'review.status = "rejected"', "(f.t2 = ?)", ["rejected"]],
  ["LIKE as GLOB", 'metadata.weather LIKE "f_g%"', "(f.t0 GLOB ?)", ["f?g*"]],
  ["arithmetic", "metadata.speed / 2 % 3 = 1", "NULLIF(", []],
  ["NOT keeps unknown", "NOT metadata.night = true", "(NOT (f.n1 = 1))", []],
  ["IN of mixed kinds", 'metadata.speed IN [1, "fast"]', "COALESCE((f.n0 IN (1)), (f.t1 IN (?)))", ["fast"]],
  ["null comparison", "metadata.weather = null", "(NOT (f.t0 IS NOT NULL))", []],
];

const OBJECT_CASES: [string, string, ObjectRows, string][] = [
  ["label of ground truth", 'label = "car"', { kind: "annotations" }, "json_extract(o.payload, ?)"],
  ["area", "area < 1024", { kind: "annotations" }, "nucleus_area(o.payload)"],
  ["box geometry", "width > 10 AND x < 5", { kind: "annotations" }, "json_type(o.payload, ?)"],
  ["confidence", "confidence > 0.5", { kind: "predictions", runId: "run_a" }, "json_extract(o.payload, ?)"],
  ["object metadata", 'metadata.source = "cam"', { kind: "annotations" }, "json_extract(o.payload, ?)"],
  ["item metadata of an object", 'item.metadata.weather = "foggy"', { kind: "annotations" }, "(f.t0 = ?)"],
  [
    "match row columns",
    'match_type = "FP" AND iou < 0.1',
    { kind: "matches", runId: "run_a" },
    "(m.iou < 0.1)",
  ],
  [
    "match labels",
    "gt_label = pred_label",
    { kind: "matches", runId: "run_a" },
    "(m.gt_label = m.pred_label)",
  ],
  [
    "a match row's label",
    'label = "car"',
    { kind: "matches", runId: "run_a" },
    "COALESCE(m.pred_label, m.gt_label)",
  ],
  ["a match row's metadata", "metadata.k = 1", { kind: "matches", runId: "run_a" }, "p.id = m.prediction_id"],
];

describe("compiling fields to SQL", () => {
  for (const [name, text, sql, values] of ITEM_CASES) {
    it(`compiles ${name}: ${text}`, () => {
      const compiled = compile(text, SQLITE);
      expect(compiled.text).toContain(sql);
      for (const value of values) expect(compiled.values).toContain(value);
      // The same query in PostgreSQL: numbered parameters, as many values.
      const pg = compile(text, POSTGRES);
      expect(pg.values).toHaveLength(compiled.values.length);
      expect(pg.text).not.toContain("?");
    });
  }
  for (const [name, text, rows, sql] of OBJECT_CASES) {
    it(`compiles ${name}: ${text}`, () => {
      expect(compile(text, SQLITE, rows).text).toContain(sql);
    });
  }

  it("counts one run's predictions when the query names it", () => {
    expect(compile("predictions.car > 1", SQLITE, undefined, "run_b").text).toBe("(COALESCE(f.n6, 0) > 1)");
  });

  it("joins items only for fields that read them", () => {
    expect(compile("annotations.car >= 3 AND metadata.speed > 1", SQLITE).usesItems).toBe(false);
    expect(compile('item.reference_id = "a"', SQLITE).usesItems).toBe(true);
    expect(compile("metadata.overflow > 1", SQLITE).usesItems).toBe(true);
  });

  it("refuses at the field's position what storage cannot answer", () => {
    const error = (text: string, rows?: ObjectRows, runId?: string) => {
      try {
        compile(text, SQLITE, rows, runId);
      } catch (e) {
        return e as QueryError;
      }
      throw new Error(`${text} compiled`);
    };
    expect(error("slice.nope = true")).toMatchObject({ position: 1, found: "slice.nope" });
    expect(error("slice.loop = true").message).toContain("names itself");
    expect(error("iou < 0.1", { kind: "annotations" }).message).toContain("match rows");
    expect(error("predictions.car > 1", undefined, "run_x").message).toContain("not a run of this dataset");
    expect(error("x", undefined)).toBeInstanceOf(QueryError);
  });

  it("writes GLOB patterns that match LIKE's meaning, and PostgreSQL patterns that escape", () => {
    expect(SQLITE.likePattern("a*b_%")).toBe("a[*]b?*");
    expect(POSTGRES.likePattern("a\\b%")).toBe("a\\\\b%");
  });
});

/** Every case, as the WHERE of a statement over the tables compiled queries read. */
function statements(dialect: SqlDialect) {
  const all = [
    ...ITEM_CASES.map(([, text]) => ({ text, rows: undefined as ObjectRows | undefined })),
    ...OBJECT_CASES.map(([, text, rows]) => ({ text, rows })),
  ];
  return all.map(({ text, rows }) => {
    const compiled = compile(text, dialect, rows);
    const from =
      rows?.kind === "matches"
        ? "match_rows m JOIN items i ON i.seq = m.item_seq JOIN item_facts f ON f.item_seq = m.item_seq"
        : rows
          ? `item_facts f JOIN items i ON i.seq = f.item_seq JOIN ${rows.kind} o ON o.item_id = i.id`
          : "item_facts f JOIN items i ON i.seq = f.item_seq";
    return { text, sql: `SELECT COUNT(*) AS n FROM ${from} WHERE ${compiled.text}`, values: compiled.values };
  });
}

const FACT_COLUMNS = ["n0", "n1", "n2", "n3", "n4", "n5", "n6", "t0", "t1", "t2", "j0"];

describe("compiled conditions run", () => {
  it("on SQLite", () => {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-compile-"));
    const db = openDatabase(dir);
    try {
      registerQueryFunctions(db);
      for (const c of FACT_COLUMNS)
        db.exec(`ALTER TABLE item_facts ADD COLUMN ${c} ${c.startsWith("n") ? "NUMERIC" : "TEXT"}`);
      for (const { text, sql, values } of statements(SQLITE)) {
        expect(() => db.prepare(sql).get(...values), text).not.toThrow();
      }
    } finally {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const url = testDatabaseUrl();
  describe.skipIf(url === null)("on PostgreSQL", () => {
    const schema = newSchema("compile");
    beforeAll(async () => {
      const store = await openPostgresStore({ url: url as string, schema, poolSize: 1 });
      await store.close();
    });
    afterAll(() => dropSchema(url as string, schema));

    it("plans every compiled condition", async () => {
      const { default: pg } = await import("pg");
      const client = new pg.Client({ connectionString: url as string, options: `-c search_path=${schema}` });
      await client.connect();
      try {
        for (const c of FACT_COLUMNS)
          await client.query(
            `ALTER TABLE item_facts ADD COLUMN ${c} ${c.startsWith("n") ? "DOUBLE PRECISION" : "TEXT"}`,
          );
        for (const { text, sql, values } of statements(POSTGRES)) {
          await expect(client.query(`EXPLAIN ${sql}`, values), text).resolves.toBeDefined();
          await expect(client.query(sql, values), text).resolves.toBeDefined();
        }
      } finally {
        await client.end();
      }
    });
  });
});
