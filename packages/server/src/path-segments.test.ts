/**
 * Reference ids in paths arrive encoded two ways, and both reach the item: the official Python
 * client's `quote(ref, safe="")` (which escapes `'()*!` too) and JavaScript's
 * `encodeURIComponent`. Routes the official client does not quote (`modelRun/{id}/refloc/{ref}`)
 * get only what `requests` escapes itself; those work for ids without `/`, `?` or `#`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, startTestServer, type TestServer } from "./test-support.js";

/** Reference ids, and each one as the official client's `quote(ref, safe="")` sends it. */
const QUOTED: [string, string][] = [
  ["folder/img 3", "folder%2Fimg%203"],
  ["..x", "..x"],
  ["50%", "50%25"],
  ["%2F", "%252F"],
  ["q?x", "q%3Fx"],
  ["h#x", "h%23x"],
  ["ünï 🚀", "%C3%BCn%C3%AF%20%F0%9F%9A%80"],
  ["it's (1)*!", "it%27s%20%281%29%2A%21"],
  ["a+b", "a%2Bb"],
  ["[br] x;y=z", "%5Bbr%5D%20x%3By%3Dz"],
];

/** Reference ids, and each one as `requests` sends it on a route the client does not quote. */
const REQUOTED: [string, string][] = [
  ["sp ace", "sp%20ace"],
  ["ünï 🚀", "%C3%BCn%C3%AF%20%F0%9F%9A%80"],
  ["it's (1)*!", "it's%20(1)*!"],
  ["[br] x;y=z", "[br]%20x;y=z"],
  ["50%", "50%"],
];

let server: TestServer;
let ds: string;
let run: string;

beforeAll(async () => {
  server = await startTestServer();
  ds = await createDataset(server, "paths");
  const refs = [...new Set([...QUOTED, ...REQUOTED].map(([ref]) => ref))];
  await server.call("POST", `dataset/${ds}/append`, {
    body: { items: refs.map((ref) => ({ reference_id: ref, image_url: "s3://bucket/x.jpg" })) },
  });
  await server.call("POST", "models/add", { body: { name: "m", reference_id: "m" } });
  run = (
    (await server.call("POST", `dataset/${ds}/modelRun/create`, { body: { name: "r", reference_id: "m" } }))
      .body as { model_run_id: string }
  ).model_run_id;
  const predicted = await server.call("POST", `modelRun/${run}/predict`, {
    body: {
      annotations: REQUOTED.map(([ref]) => ({
        type: "box",
        label: "car",
        reference_id: ref,
        geometry: { x: 0, y: 0, width: 1, height: 1 },
        confidence: 0.5,
      })),
    },
  });
  expect(predicted.status).toBe(200);
});
afterAll(async () => {
  await server.stop();
});

const refOf = (body: unknown) => (body as { item?: { reference_id?: string } }).item?.reference_id;

describe("reference ids in dataset paths", () => {
  it.each(QUOTED)("%j reads back quoted like the official client (%s)", async (ref, quoted) => {
    const response = await server.call("GET", `dataset/${ds}/refloc/${quoted}`);
    expect(response.status).toBe(200);
    expect(refOf(response.body)).toBe(ref);
  });

  it.each(QUOTED)("%j reads back with encodeURIComponent", async (ref) => {
    const response = await server.call("GET", `dataset/${ds}/refloc/${encodeURIComponent(ref)}`);
    expect(response.status).toBe(200);
    expect(refOf(response.body)).toBe(ref);
  });

  it("deletes by the official client's quoting", async () => {
    const [ref, quoted] = QUOTED[0] as [string, string];
    expect((await server.call("DELETE", `dataset/${ds}/refloc/${quoted}`, { body: {} })).status).toBe(200);
    const gone = await server.call("GET", `dataset/${ds}/refloc/${encodeURIComponent(ref)}`);
    expect(gone.status).toBe(404);
  });
});

describe("reference ids on routes the official client leaves unquoted", () => {
  it.each(REQUOTED)("%j reads its predictions back as requests sends it (%s)", async (ref, sent) => {
    const response = await server.call("GET", `modelRun/${run}/refloc/${sent}`, { body: {} });
    expect(response.status).toBe(200);
    const boxes = (response.body as { annotations: { box?: { reference_id: string }[] } }).annotations.box;
    expect(boxes?.map((b) => b.reference_id)).toEqual([ref]);
  });
});
