/**
 * The store conformance suite: one set of tests, written against the `NucleusStore` interface,
 * that every backend runs (`describeStoreConformance({ name, open })`). Every store test belongs
 * here, so a second backend is checked by exactly the tests the first one passes.
 */
import { describe } from "vitest";
import { autotagConformance } from "./autotags.js";
import { browserTokenConformance } from "./browser-tokens.js";
import { datasetConformance } from "./datasets.js";
import { embeddingConformance } from "./embeddings.js";
import { evaluationConformance } from "./evaluations.js";
import type { StoreBackend } from "./harness.js";
import { idempotencyConformance } from "./idempotency.js";
import { itemConformance } from "./items.js";
import { jobConformance } from "./jobs.js";
import { labelConformance } from "./labels.js";
import { listingConformance } from "./listings.js";
import { mediaConformance } from "./media.js";
import { modelConformance } from "./models.js";
import { objectVectorConformance } from "./object-vectors.js";
import { queryConformance } from "./queries.js";
import { sceneConformance } from "./scenes.js";
import { sliceObjectConformance } from "./slice-objects.js";
import { sliceConformance } from "./slices.js";
import { taxonomyConformance } from "./taxonomies.js";
import { transactionConformance } from "./transactions.js";
import { uploadConformance } from "./uploads.js";
import { validateConformance } from "./validate.js";
import { writeVersionConformance } from "./write-version.js";

export type { StoreBackend, StoreHarness } from "./harness.js";

/** Declares the whole suite for one backend. */
export function describeStoreConformance(backend: StoreBackend): void {
  describe(`NucleusStore on ${backend.name}`, () => {
    datasetConformance(backend);
    itemConformance(backend);
    embeddingConformance(backend);
    autotagConformance(backend);
    labelConformance(backend);
    objectVectorConformance(backend);
    modelConformance(backend);
    queryConformance(backend);
    sliceConformance(backend);
    sliceObjectConformance(backend);
    listingConformance(backend);
    taxonomyConformance(backend);
    sceneConformance(backend);
    jobConformance(backend);
    uploadConformance(backend);
    evaluationConformance(backend);
    idempotencyConformance(backend);
    mediaConformance(backend);
    transactionConformance(backend);
    writeVersionConformance(backend);
    validateConformance(backend);
    browserTokenConformance(backend);
  });
}
