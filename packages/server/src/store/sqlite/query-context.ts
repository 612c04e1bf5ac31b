import { metadataTypesOf } from "../facts.js";
import type { QueryDataset } from "../query-sql.js";
import type { SqliteFacts } from "./facts.js";

/** The dataset of a facts key, as queries see it. */
export function queryDataset(facts: SqliteFacts, key: number, datasetId: string): QueryDataset {
  const slots = facts.slots(key);
  return {
    id: datasetId,
    key,
    slots,
    ranges: facts.ranges(key),
    catalog: facts.catalog(key, datasetId),
    types: metadataTypesOf(slots.keys()),
  };
}
