import { afterEach, beforeEach } from "vitest";
import type { NucleusStore } from "../store.js";

/** A store under test on fresh storage, and a way to open a second one on the same storage. */
export interface StoreHarness {
  store: NucleusStore;
  /** Another store on the same storage, as a second server process would open it. */
  openAnother(): Promise<NucleusStore>;
  /** Closes every store it opened and removes the storage. */
  close(): Promise<void>;
}

/** A backend under test: opens a harness on fresh, empty storage. */
export interface StoreBackend {
  name: string;
  open(): Promise<StoreHarness>;
}

/** The stores of the current test, opened before each test and closed after it. */
export interface StoreFixture {
  readonly store: NucleusStore;
  openAnother(): Promise<NucleusStore>;
}

/** Opens a fresh harness around each test of the enclosing `describe`. */
export function useStore(backend: StoreBackend): StoreFixture {
  let harness: StoreHarness | undefined;
  beforeEach(async () => {
    harness = await backend.open();
  });
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });
  const current = () => {
    if (!harness) throw new Error("the store is opened by beforeEach");
    return harness;
  };
  return {
    get store() {
      return current().store;
    },
    openAnother: () => current().openAnother(),
  };
}

/** Two tenants. */
export const TENANT = "tenant-a";
export const OTHER_TENANT = "tenant-b";

/** `count` remote items `prefix0`, `prefix1`, ... with their index in metadata. */
export function items(count: number, prefix = "img_") {
  return Array.from({ length: count }, (_, i) => ({
    reference_id: `${prefix}${i}`,
    image_url: `s3://bucket/${prefix}${i}.jpg`,
    metadata: { index: i },
  }));
}

/** A box on an item. */
export function box(referenceId: string, extra: Record<string, unknown> = {}) {
  return {
    type: "box" as const,
    label: "car",
    reference_id: referenceId,
    geometry: { x: 1, y: 2, width: 3, height: 4 },
    ...extra,
  };
}

/** A dataset with `count` items; returns its id. */
export async function datasetWithItems(store: NucleusStore, count: number, tenant = TENANT): Promise<string> {
  const dataset = await store.datasets.create(tenant, { name: "d", isScene: false, usePrivacyMode: false });
  if (count > 0) await store.items.upsert(dataset.id, items(count), { update: false });
  return dataset.id;
}

/** A model of the default tenant named "m", with nothing else set. */
export function plainModel(store: NucleusStore) {
  return store.models.create(TENANT, {
    name: "m",
    referenceId: "m",
    metadata: null,
    tags: [],
    trainedSliceIds: [],
    bundleName: null,
  });
}
