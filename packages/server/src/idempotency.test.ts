import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, remoteItems, startTestServer, type TestServer } from "./test-support.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

describe("Idempotency-Key", () => {
  it("answers a repeated write with its first response, applied once", async () => {
    const ds = await createDataset(server);
    const send = () =>
      server.call("POST", `dataset/${ds}/append`, {
        body: { items: remoteItems(5) },
        headers: { "idempotency-key": "chunk-1" },
      });
    const [a, b, c] = await Promise.all([send(), send(), send()]);
    for (const response of [a, b, c]) {
      expect(response.body).toEqual({
        dataset_id: ds,
        new_items: 5,
        updated_items: 0,
        ignored_items: 0,
        upload_errors: 0,
      });
    }
    const again = await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(5) } });
    expect((again.body as { ignored_items: number }).ignored_items).toBe(5);
  });

  it("refuses the same key with other items (422) instead of replaying and dropping them", async () => {
    const ds = await createDataset(server);
    const first = await server.call("POST", `dataset/${ds}/append`, {
      body: { items: remoteItems(3, "first_") },
      headers: { "idempotency-key": "reused" },
    });
    expect(first.status).toBe(200);
    const other = await server.call("POST", `dataset/${ds}/append`, {
      body: { items: remoteItems(3, "second_") },
      headers: { "idempotency-key": "reused" },
    });
    expect(other.status).toBe(422);
    expect((other.body as { error: string }).error).toMatch(/used with another request body/);
    expect((await server.call("GET", `dataset/${ds}/info`)).body).toMatchObject({ length: 3 });
    // The same request again is still a replay.
    const repeat = await server.call("POST", `dataset/${ds}/append`, {
      body: { items: remoteItems(3, "first_") },
      headers: { "idempotency-key": "reused" },
    });
    expect(repeat.body).toEqual(first.body);
  });

  it("replays annotate counts and refuses a key reused on another route", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(1) } });
    const body = {
      annotations: [
        { type: "box", label: "a", reference_id: "img_0", geometry: { x: 0, y: 0, width: 1, height: 1 } },
      ],
    };
    const first = await server.call("POST", `dataset/${ds}/annotate`, {
      body,
      headers: { "idempotency-key": "k2" },
    });
    const second = await server.call("POST", `dataset/${ds}/annotate`, {
      body,
      headers: { "idempotency-key": "k2" },
    });
    expect(second.body).toEqual(first.body);
    expect((second.body as { annotations_processed: number }).annotations_processed).toBe(1);
    const other = await server.call("POST", `dataset/${ds}/append`, {
      body: { items: [] },
      headers: { "idempotency-key": "k2" },
    });
    expect(other.status).toBe(409);
  });

  it("keeps keys per tenant", async () => {
    const mine = await createDataset(server);
    const theirs = await createDataset(server, "theirs", "other_key");
    const a = await server.call("POST", `dataset/${mine}/append`, {
      body: { items: remoteItems(1) },
      headers: { "idempotency-key": "same" },
    });
    const b = await server.call("POST", `dataset/${theirs}/append`, {
      body: { items: remoteItems(2) },
      headers: { "idempotency-key": "same" },
      key: "other_key",
    });
    expect((a.body as { new_items: number }).new_items).toBe(1);
    expect((b.body as { new_items: number }).new_items).toBe(2);
  });

  it("apply a keyed write once when identical requests reach two servers on one data folder", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nucleus-keys-"));
    const a = await startTestServer(dir);
    const b = await startTestServer(dir);
    try {
      const ds = await createDataset(a);
      const send = (to: TestServer) =>
        to.call("POST", `dataset/${ds}/append`, {
          body: { items: remoteItems(50, "two_") },
          headers: { "idempotency-key": "shared-chunk" },
        });
      const answers = await Promise.all([send(a), send(b), send(a), send(b)]);
      for (const answer of answers) {
        expect(answer.status).toBe(200);
        expect(answer.body).toMatchObject({ new_items: 50, ignored_items: 0 });
      }
      expect((await b.call("GET", `dataset/${ds}/size`)).body).toEqual({ count: 50 });
    } finally {
      await a.stop();
      await b.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
