/**
 * The metadata keys of each dataset, as the metadata schema route and dataset info report them:
 * reading them counts distinct values over every item, so the last few are kept until the
 * dataset changes.
 */
import type { MetadataKeyRecord, NucleusStore } from "../store/index.js";
import { RecentResults } from "./recent.js";

/** Metadata keys per dataset, cached by the dataset's facts version. */
export class MetadataSchemas {
  private readonly recent = new RecentResults<MetadataKeyRecord[]>(16);

  constructor(private readonly store: NucleusStore) {}

  /** The dataset's metadata keys, as of its latest write. */
  async keys(datasetId: string): Promise<MetadataKeyRecord[]> {
    const version = String(await this.store.queries.version(datasetId));
    return this.recent.get(datasetId, version, () => this.store.queries.metadataKeys(datasetId));
  }
}

const instances = new WeakMap<NucleusStore, MetadataSchemas>();

/** The metadata schemas of a store: one cache per store. */
export function metadataSchemasOf(store: NucleusStore): MetadataSchemas {
  let schemas = instances.get(store);
  if (!schemas) {
    schemas = new MetadataSchemas(store);
    instances.set(store, schemas);
  }
  return schemas;
}
