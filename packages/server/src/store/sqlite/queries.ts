import { SQLITE } from "../../query/dialect.js";
import type { Page, PageRequest } from "../common.js";
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
import type { SqliteScope } from "./connection.js";
import { SqliteFacts } from "./facts.js";
import { decodeItem, fetchLimit, type ItemRow, positionOf } from "./items.js";
import { queryDataset } from "./query-context.js";

/** Queries on SQLite: compiled once per call, run against the item facts of the dataset. */
export class SqliteQueryStore implements QueryStore {
  constructor(private readonly scope: SqliteScope) {}

  /** Runs `fn` in a read on the dataset's facts, building them first (a write) when it has none. */
  private async on<T>(datasetId: string, fn: (dataset: QueryDataset) => T): Promise<T> {
    const built = await this.scope.read(() => new SqliteFacts(this.scope).keyOf(datasetId));
    if (built === undefined) await this.scope.write(() => new SqliteFacts(this.scope).ensure(datasetId));
    return this.scope.read(() => {
      const facts = new SqliteFacts(this.scope);
      const key = facts.keyOf(datasetId);
      if (key === undefined) throw new Error(`dataset ${datasetId} has no facts`);
      return fn(queryDataset(facts, key, datasetId));
    });
  }

  private all<R>(statement: Statement): R[] {
    return this.scope.prepare(statement.text).all(...statement.values) as R[];
  }

  private get<R>(statement: Statement): R {
    return this.scope.prepare(statement.text).get(...statement.values) as R;
  }

  check(datasetId: string, query: ItemQuery & { scope: "item" | "object" }): Promise<CheckedField[]> {
    return this.on(datasetId, (dataset) => checkStatement(dataset, SQLITE, query));
  }

  version(datasetId: string): Promise<number> {
    return this.on(datasetId, (dataset) => new SqliteFacts(this.scope).version(dataset.id) ?? 0);
  }

  items(datasetId: string, query: ItemQuery, page: PageRequest): Promise<Page<ItemRecord>> {
    return this.on(datasetId, (dataset) => {
      const rows = this.all<ItemRow>(
        itemsStatement(dataset, SQLITE, query, positionOf(page.cursor), fetchLimit(page)),
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
    return this.on(datasetId, (dataset) => this.get<{ n: number }>(countStatement(dataset, SQLITE, query)).n);
  }

  objects(datasetId: string, query: ObjectQuery, page: PageRequest): Promise<Page<ObjectRecord>> {
    return this.on(datasetId, (dataset) => {
      const rows = this.all<Record<string, unknown>>(
        objectsStatement(dataset, SQLITE, query, page.cursor, fetchLimit(page)),
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
            payload: JSON.parse(row.payload as string) as LabelInput,
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
    return this.on(datasetId, (dataset) => {
      const statements = matchRowsStatements(dataset, SQLITE, query, order);
      return {
        rows: this.all<MatchRowData>(statements.rows).map(decodeMatch),
        total: this.get<{ n: number }>(statements.total).n,
      };
    });
  }

  facets(datasetId: string, query: ItemQuery, request: FacetRequest): Promise<FacetsRecord> {
    return this.on(datasetId, (dataset) => {
      const plan = facetStatements(dataset, SQLITE, query, request);
      const totals = this.get<Record<string, number | null>>(plan.main);
      const values = new Map<number, { family: "string" | "boolean"; rows: { v: unknown; n: number }[] }[]>();
      for (const { key, family, statement } of plan.values) {
        const list = values.get(key) ?? [];
        list.push({ family, rows: this.all(statement) });
        values.set(key, list);
      }
      return plan.assemble(totals, values, this.all(plan.tags));
    });
  }

  metadataKeys(datasetId: string): Promise<MetadataKeyRecord[]> {
    return this.on(datasetId, (dataset) => {
      const plan = metadataKeysStatement(dataset, SQLITE);
      return plan.empty ? [] : plan.read(this.get(plan.statement));
    });
  }
}
