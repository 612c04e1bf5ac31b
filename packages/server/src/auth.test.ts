import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDataset,
  KEY,
  OTHER_KEY,
  remoteItems,
  startTestServer,
  type TestServer,
} from "./test-support.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

describe("authentication", () => {
  it("refuses requests without a key or with an unknown key, without echoing the key", async () => {
    const none = await server.call("GET", "dataset/details", { key: null });
    expect(none.status).toBe(401);
    expect((none.body as { error: string }).error).toMatch(/No API key/);
    const unknown = await server.call("GET", "dataset/details", { key: "sk-secret-guess" });
    expect(unknown.status).toBe(401);
    expect(JSON.stringify(unknown.body)).not.toContain("sk-secret-guess");
    const bad = await server.call("GET", "dataset/details", {
      key: null,
      headers: { authorization: "Basic !!!" },
    });
    expect(bad.status).toBe(401);
  });

  it("accepts the key as a limited access key header", async () => {
    const response = await server.call("GET", "dataset/details", {
      key: null,
      headers: { "x-limited-access-key": KEY },
    });
    expect(response.status).toBe(200);
  });

  it("guards hosted-only routes too, answering them with a JSON 501", async () => {
    expect((await server.call("GET", "ds_x/list_autotags", { key: null })).status).toBe(401);
    const response = await server.call("POST", "indexing/ds_x/internal/image", { body: {} });
    expect(response.status).toBe(501);
    expect((response.body as { error: string }).error).toMatch(/local Nucleus server does not offer/);
  });
});

describe("tenants", () => {
  it("never show one key's objects to another", async () => {
    const ds = await createDataset(server, "private");
    await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(2) } });
    const model = (
      (await server.call("POST", "models/add", { body: { name: "m", reference_id: "r" } })).body as {
        model_id: string;
      }
    ).model_id;
    const run = (
      (await server.call("POST", `dataset/${ds}/modelRun/create`, { body: { name: "r", reference_id: "r" } }))
        .body as {
        model_run_id: string;
      }
    ).model_run_id;
    const slice = (
      (
        await server.call("POST", `dataset/${ds}/create_slice`, {
          body: { name: "s", reference_ids: ["img_0"] },
        })
      ).body as {
        slice_id: string;
      }
    ).slice_id;
    await server.call("GET", `dataset/${ds}/signedUrl/req1`);

    const as = { key: OTHER_KEY };
    for (const route of [
      `dataset/${ds}/info`,
      `dataset/${ds}/refloc/img_0`,
      `dataset/${ds}/iloc/0`,
      `model/${model}`,
      `modelRun/${run}/info`,
      `slice/${slice}/info`,
      `slice/${slice}`,
    ]) {
      expect((await server.call("GET", route, as)).status, route).toBe(404);
    }
    expect(
      (await server.call("POST", `dataset/${ds}/append`, { ...as, body: { items: remoteItems(1, "x_") } }))
        .status,
    ).toBe(404);
    expect((await server.call("DELETE", `dataset/${ds}`, { ...as, body: {} })).status).toBe(404);
    expect((await server.call("DELETE", `model/${model}`, { ...as, body: {} })).status).toBe(404);
    expect(
      (await server.call("POST", `dataset/${ds}/append?async=1`, { ...as, body: { requestId: "req1" } }))
        .status,
    ).toBe(404);
    expect((await server.call("GET", "dataset/details", as)).body).toEqual([]);
    expect((await server.call("GET", "models/", as)).body).toEqual({ models: [] });
    expect((await server.call("GET", "slice/", as)).body).toEqual([]);
    expect((await server.call("POST", "jobs/", { ...as, body: { show_completed: true } })).body).toEqual([]);
    // The owner still sees everything.
    expect(((await server.call("GET", `dataset/${ds}/size`)).body as { count: number }).count).toBe(2);
  });
});
