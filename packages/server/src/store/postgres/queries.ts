import { POSTGRES } from "../../query/dialect.js";
import type { Page, PageRequest } from "../common.js";
import { metadataTypesOf } from "../facts.js";
import type { ItemRecord } from "../items.js";
import type { LabelInput } from "../labels.js";
import type { MatchRowRecord } from "../matches.js";
import type {
  CheckedField,
  FacetRequest,
  FacetsRecord,
  ItemQuery,
  MatchOrder,
  MetadataKeyRecord,
  ObjectQuery,
  ObjectRecord,
  ObjectSource,
  QueryStore,
} from "../queries.js";
import {
  checkStatement,
  countStatement,
  decodeMatch,
  facetStatements,
  itemsStatement,
  type MatchRowData,
  matchRowsStatements,
  metadataKeysStatement,
  objectNextCursor,
  objectsStatement,
  type QueryDataset,
  type Statement,
} from "../query-sql.js";
import type { PgScope, Queryable } from "./connection.js";
import { PgFacts } from "./facts.js";
import { decodeItem, type ItemRow } from "./items.js";
import { fetchLimit, positionOf } from "./values.js";

/** The dataset of a facts key, as queries see it. */
export async function pgQueryDataset(facts: PgFacts, key: number, datasetId: string): Promise<QueryDataset> {
  const slots = await facts.slots(key);
  return {
    id: datasetId,
    key,
    slots,
    ranges: await facts.ranges(key),
    catalog: await facts.catalog(key, datasetId),
    types: metadataTypesOf(slots.keys()),
  };
}

const run = <R>(db: Queryable, statement: Statement) => db.query<R>(statement.text, statement.values);

/** Queries on PostgreSQL, from the same statements as SQLite's. */
export class PgQueryStore implements QueryStore {
  constructor(private readonly scope: PgScope) {}

  /** Runs `fn` on the dataset's facts, building them first (a write) when it has none. */
  private async on<T>(
    datasetId: string,
    fn: (db: Queryable, dataset: QueryDataset) => Promise<T>,
  ): Promise<T> {
    const built = await this.scope.read((db) => new PgFacts(db).keyOf(datasetId));
    if (built === undefined) await this.scope.write((db) => new PgFacts(db).ensure(datasetId));
    return this.scope.read(async (db) => {
      const facts = new PgFacts(db);
      const key = await facts.keyOf(datasetId);
      if (key === undefined) throw new Error(`dataset ${datasetId} has no facts`);
      return fn(db, await pgQueryDataset(facts, key, datasetId));
    });
  }

  check(datasetId: string, query: ItemQuery & { scope: "item" | "object" }): Promise<CheckedField[]> {
    return this.on(datasetId, async (_, dataset) => checkStatement(dataset, POSTGRES, query));
  }

  version(datasetId: string): Promise<number> {
    return this.on(datasetId, async (db, dataset) => (await new PgFacts(db).version(dataset.id)) ?? 0);
  }

  items(datasetId: string, query: ItemQuery, page: PageRequest): Promise<Page<ItemRecord>> {
    return this.on(datasetId, async (db, dataset) => {
      const rows = await run<ItemRow>(
        db,
        itemsStatement(dataset, POSTGRES, query, positionOf(page.cursor), fetchLimit(page)),
      );
      const more = page.limit !== undefined && rows.length > page.limit;
      const served = more ? rows.slice(0, page.limit) : rows;
      return {
        records: served.map(decodeItem),
        nextCursor: more ? String((served[served.length - 1] as ItemRow).seq) : null,
      };
    });
  }

  count(datasetId: string, query: ItemQuery): Promise<number> {
    return this.on(datasetId, async (db, dataset) => {
      const [row] = await run<{ n: number }>(db, countStatement(dataset, POSTGRES, query));
      return row?.n ?? 0;
    });
  }

  objects(datasetId: string, query: ObjectQuery, page: PageRequest): Promise<Page<ObjectRecord>> {
    return this.on(datasetId, async (db, dataset) => {
      const rows = await run<Record<string, unknown>>(
        db,
        objectsStatement(dataset, POSTGRES, query, page.cursor, fetchLimit(page)),
      );
      const more = page.limit !== undefined && rows.length > page.limit;
      const served = more ? rows.slice(0, page.limit) : rows;
      const last = served[served.length - 1];
      const nextCursor = more && last ? objectNextCursor(query, last) : null;
      if (query.source.kind === "matches")
        return {
          records: served.map((row) => ({
            kind: "match",
            match: decodeMatch(row as unknown as MatchRowData),
          })),
          nextCursor,
        };
      return {
        records: served.map((row) => ({
          kind: "label",
          referenceId: row.reference_id as string,
          label: {
            id: row.id as string,
            itemId: row.item_id as string,
            group: row.kind as string,
            payload: row.payload as LabelInput,
          },
        })),
        nextCursor,
      };
    });
  }

  matchRows(
    datasetId: string,
    query: ObjectQuery & { source: Extract<ObjectSource, { kind: "matches" }> },
    order: MatchOrder,
  ): Promise<{ rows: MatchRowRecord[]; total: number }> {
    return this.on(datasetId, async (db, dataset) => {
      const statements = matchRowsStatements(dataset, POSTGRES, query, order);
      const rows = await run<MatchRowData>(db, statements.rows);
      const [total] = await run<{ n: number }>(db, statements.total);
      return { rows: rows.map(decodeMatch), total: total?.n ?? 0 };
    });
  }

  facets(datasetId: string, query: ItemQuery, request: FacetRequest): Promise<FacetsRecord> {
    return this.on(datasetId, async (db, dataset) => {
      const plan = facetStatements(dataset, POSTGRES, query, request);
      const [totals] = await run<Record<string, number | null>>(db, plan.main);
      const values = new Map<number, { family: "string" | "boolean"; rows: { v: unknown; n: number }[] }[]>();
      for (const { key, family, statement } of plan.values) {
        const list = values.get(key) ?? [];
        list.push({ family, rows: await run(db, statement) });
        values.set(key, list);
      }
      return plan.assemble(totals ?? {}, values, await run(db, plan.tags));
    });
  }

  metadataKeys(datasetId: string): Promise<MetadataKeyRecord[]> {
    return this.on(datasetId, async (db, dataset) => {
      const plan = metadataKeysStatement(dataset, POSTGRES);
      if (plan.empty) return [];
      const [row] = await run<Record<string, number | null>>(db, plan.statement);
      return plan.read(row ?? {});
    });
  }
}
