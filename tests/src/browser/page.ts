/**
 * The page of the browser test: bundled with esbuild for the browser (so `@nucleus/core` resolves
 * to its browser build) and run in Chromium. It signs in with a key, runs the seed flow over the
 * session, and reports what it saw.
 */
import { type APIError, NucleusClient } from "@nucleus/core";

/** The DOM globals this page uses; typed here because the tests compile without the DOM library. */
const browser = globalThis as unknown as { location: { origin: string }; document: { cookie: string } };

/** What the page reports back to the test. */
export interface SeedFlowReport {
  datasetId: string;
  remote: { newItems: number };
  local: { newItems: number };
  annotated: { processed: number; errors: string[] };
  boxes: { label: string; referenceId?: string }[];
  localItem: { referenceId?: string; originalImageUrl?: string };
  datasetIds: string[];
  sliceItems: number;
  readableCookies: string;
  statusAfterSignOut: number | string;
}

/** Create a dataset, append remote and picked files, annotate boxes, read them back, list datasets. */
export async function seedFlow(input: { apiKey: string; png: number[] }): Promise<SeedFlowReport> {
  const endpoint = `${browser.location.origin}/v1/nucleus`;
  const client = await NucleusClient.signIn({ apiKey: input.apiKey, endpoint });

  const dataset = await client.createDataset("seen from a browser");
  const remote = await dataset.append([
    { imageUrl: "https://example.invalid/img_1.jpg", referenceId: "img_1", metadata: { camera: "front" } },
    { imageUrl: "https://example.invalid/img_2.jpg", referenceId: "img_2" },
  ]);
  // A file the user picked: a Blob under the name written in imageUrl.
  const picked = new Blob([new Uint8Array(input.png)], { type: "image/png" });
  const local = await dataset.append([{ imageUrl: "picked/img_3.png", referenceId: "img_3" }], {
    files: { "picked/img_3.png": picked },
  });
  const annotated = await dataset.annotate([
    { type: "box", label: "car", referenceId: "img_1", geometry: { x: 10, y: 20, width: 30, height: 40 } },
    { type: "box", label: "person", referenceId: "img_1", geometry: { x: 1, y: 2, width: 3, height: 4 } },
    { type: "box", label: "cat", referenceId: "img_3", geometry: { x: 0, y: 0, width: 1, height: 1 } },
  ]);
  const first = await dataset.refloc("img_1");
  const third = await dataset.refloc("img_3");
  const datasets = await client.listDatasets();

  // After a reload the page has no token in memory: the client reads it from its cookie.
  const reloaded = new NucleusClient({ endpoint, auth: { session: true } });
  const slice = await reloaded.getDataset(dataset.id).createSlice("cars", ["img_1"]);
  const sliceItems = (await slice.items().toArray({ limit: 10 })).length;

  const readableCookies = browser.document.cookie;
  await client.signOut();
  let statusAfterSignOut: number | string = "no error";
  try {
    await client.listDatasets();
  } catch (error) {
    statusAfterSignOut = (error as APIError).status ?? String(error);
  }

  return {
    datasetId: dataset.id,
    remote,
    local,
    annotated,
    boxes: (first.annotations.box ?? []).map(({ label, referenceId }) => ({ label, referenceId })),
    localItem: third.item,
    datasetIds: datasets.map((d) => d.id),
    sliceItems,
    readableCookies,
    statusAfterSignOut,
  };
}

/** Opens a session and nothing else, so the test can look at the cookies it set. */
export async function signIn(apiKey: string): Promise<void> {
  await NucleusClient.signIn({ apiKey, endpoint: `${browser.location.origin}/v1/nucleus` });
}

Object.assign(globalThis, { seedFlow, signIn });
