import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, remoteItems, startTestServer, type TestServer, TINY_PNG } from "./test-support.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

type AppendResponse = { dataset_id: string; new_items: number; updated_items: number; ignored_items: number };
type ItemResponse = {
  item: { id: string; reference_id: string; original_image_url: string; metadata: Record<string, unknown> };
};

describe("items", () => {
  it("upsert by reference id: new, ignored without update, replaced with update", async () => {
    const ds = await createDataset(server);
    const first = await server.call("POST", `dataset/${ds}/append`, {
      body: { items: remoteItems(3), update: false },
    });
    expect(first.body).toEqual({
      dataset_id: ds,
      new_items: 3,
      updated_items: 0,
      ignored_items: 0,
      upload_errors: 0,
    });

    const again = await server.call("POST", `dataset/${ds}/append`, {
      body: {
        items: [...remoteItems(2, "img_", { color: "red" }), ...remoteItems(1, "new_")],
        update: false,
      },
    });
    expect(again.body).toMatchObject({ new_items: 1, updated_items: 0, ignored_items: 2 });
    const untouched = (await server.call("GET", `dataset/${ds}/refloc/img_0`)).body as ItemResponse;
    expect(untouched.item.metadata).toEqual({ index: 0 });

    const update = await server.call("POST", `dataset/${ds}/append`, {
      body: {
        items: [
          { reference_id: "img_1", image_url: "https://example.invalid/other.jpg", metadata: { only: true } },
        ],
        update: true,
      },
    });
    expect((update.body as AppendResponse).updated_items).toBe(1);
    const replaced = (await server.call("GET", `dataset/${ds}/refloc/img_1`)).body as ItemResponse;
    expect(replaced.item.metadata).toEqual({ only: true });
    expect(replaced.item.original_image_url).toBe("https://example.invalid/other.jpg");
    expect((await server.call("GET", `dataset/${ds}/size`)).body).toEqual({ count: 4 });
  });

  it("pages through 25,000 items in upload order, each exactly once", { timeout: 60_000 }, async () => {
    const ds = await createDataset(server, "big");
    const all = remoteItems(25_000);
    for (let i = 0; i < all.length; i += 5_000) {
      const response = await server.call("POST", `dataset/${ds}/append`, {
        body: { items: all.slice(i, i + 5_000) },
      });
      expect((response.body as AppendResponse).new_items).toBe(5_000);
    }
    const seen: string[] = [];
    let token: string | null = null;
    let pages = 0;
    do {
      const response = await server.call("POST", `dataset/${ds}/itemsPage`, {
        body: { pageToken: token, pageSize: 1_000 },
      });
      const page = response.body as { items: { reference_id: string }[]; nextPageToken: string | null };
      seen.push(...page.items.map((item) => item.reference_id));
      token = page.nextPageToken;
      pages += 1;
    } while (token);
    expect(pages).toBe(25);
    expect(seen).toEqual(all.map((item) => item.reference_id));
    const last = (await server.call("GET", `dataset/${ds}/iloc/24999`)).body as ItemResponse;
    expect(last.item.reference_id).toBe("img_24999");
    expect((await server.call("GET", `dataset/${ds}/iloc/25000`)).status).toBe(404);
  });

  it("find reference ids with slashes and spaces, and delete them", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, {
      body: { items: [{ reference_id: "folder/img 3", image_url: "s3://b/img%203.jpg" }] },
    });
    const found = await server.call("GET", `dataset/${ds}/refloc/folder%2Fimg%203`);
    expect((found.body as ItemResponse).item.reference_id).toBe("folder/img 3");
    const byId = await server.call("GET", `dataset/${ds}/loc/${(found.body as ItemResponse).item.id}`);
    expect((byId.body as ItemResponse).item.reference_id).toBe("folder/img 3");
    expect((await server.call("DELETE", `dataset/${ds}/refloc/folder%2Fimg%203`, { body: {} })).body).toEqual(
      {},
    );
    expect((await server.call("GET", `dataset/${ds}/refloc/folder%2Fimg%203`)).status).toBe(404);
  });

  it("merge metadata updates into existing metadata", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, {
      body: { items: remoteItems(2, "m_", { a: 1, b: 1 }) },
    });
    const response = await server.call("POST", `dataset/${ds}/metadata`, {
      body: { metadata: [{ reference_id: "m_0", metadata: { b: 2, c: 3 } }], level: "item" },
    });
    expect(response.status).toBe(200);
    const item = (await server.call("GET", `dataset/${ds}/refloc/m_0`)).body as ItemResponse;
    expect(item.item.metadata).toEqual({ index: 0, a: 1, b: 2, c: 3 });
  });

  it("store local image uploads and serve them back byte-identical", async () => {
    const ds = await createDataset(server);
    const jpeg = Buffer.concat([
      Buffer.from([0xff, 0xd8, 0xff]),
      Buffer.from("local image bytes"),
      Buffer.alloc(4096, 7),
    ]);
    const form = new FormData();
    form.append(
      "items",
      JSON.stringify([
        { reference_id: "local_1", image_url: "/data/local_1.jpg", metadata: {}, update: false },
        { reference_id: "local_2", image_url: "../../etc/passwd", metadata: {}, update: false },
      ]),
    );
    form.append("image", new Blob([jpeg], { type: "image/jpg" }), "%2Fdata%2Flocal_1.jpg");
    form.append("image", new Blob([TINY_PNG], { type: "image/png" }), "..%2F..%2Fetc%2Fpasswd");
    const response = await server.call("POST", `dataset/${ds}/append`, { body: form });
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
    expect(response.body).toMatchObject({ dataset_id: ds, new_items: 2 });

    for (const [ref, bytes] of [
      ["local_1", jpeg],
      ["local_2", TINY_PNG],
    ] as const) {
      const item = ((await server.call("GET", `dataset/${ds}/refloc/${ref}`)).body as ItemResponse).item;
      expect(item.original_image_url).toMatch(
        /^http:\/\/127\.0\.0\.1:\d+\/v1\/nucleus\/__media\/[0-9a-f]{64}/,
      );
      const served = Buffer.from(await (await fetch(item.original_image_url)).arrayBuffer());
      expect(served.equals(bytes)).toBe(true);
    }
  });

  it("store local masks and serve them back byte-identical", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(1) } });
    const form = new FormData();
    form.append(
      "serialized_request",
      JSON.stringify({
        segmentations: [
          {
            type: "mask",
            mask_url: "/tmp/mask.png",
            annotations: [{ label: "road", index: 1 }],
            reference_id: "img_0",
          },
        ],
        update: false,
      }),
    );
    form.append("mask", new Blob([TINY_PNG], { type: "image/png" }), "%2Ftmp%2Fmask.png");
    const response = await server.call("POST", `dataset/${ds}/annotate`, { body: form });
    expect(response.body).toEqual({ dataset_id: ds, annotations_processed: 1, annotations_ignored: 0 });
    const item = (await server.call("GET", `dataset/${ds}/refloc/img_0`)).body as {
      annotations: { segmentation: { mask_url: string; mask_media_url: string; annotations: unknown[] }[] };
    };
    const mask = item.annotations.segmentation[0];
    expect(mask?.annotations).toEqual([{ label: "road", index: 1 }]);
    // The caller's path comes back as sent; the bytes are served beside it.
    expect(mask?.mask_url).toBe("/tmp/mask.png");
    const served = Buffer.from(await (await fetch(mask?.mask_media_url as string)).arrayBuffer());
    expect(served.equals(TINY_PNG)).toBe(true);
  });

  it("export every item with every annotation list, and page the export", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(3) } });
    await server.call("POST", `dataset/${ds}/annotate`, {
      body: {
        annotations: [
          { type: "box", label: "car", reference_id: "img_1", geometry: { x: 1, y: 2, width: 3, height: 4 } },
          { type: "category", label: "day", reference_id: "img_1", taxonomy_name: "time" },
        ],
      },
    });
    const { exportedRows } = (await server.call("GET", `dataset/${ds}/exportForTraining`)).body as {
      exportedRows: Record<string, unknown>[];
    };
    expect(exportedRows).toHaveLength(3);
    expect(Object.keys(exportedRows[1] ?? {}).sort()).toEqual(
      [
        "box",
        "category",
        "cuboid",
        "item",
        "keypoints",
        "line",
        "multicategory",
        "polygon",
        "segmentation",
      ].sort(),
    );
    expect(exportedRows[1]?.box).toHaveLength(1);
    expect(exportedRows[1]?.segmentation).toBeNull();
    const page = (
      await server.call("POST", `dataset/${ds}/exportForTrainingPage`, {
        body: { pageToken: null, pageSize: 2 },
      })
    ).body as { data: unknown[]; nextPageToken: string | null };
    expect(page.data).toHaveLength(2);
    const rest = (
      await server.call("POST", `dataset/${ds}/exportForTrainingPage`, {
        body: { pageToken: page.nextPageToken, pageSize: 2 },
      })
    ).body as { data: unknown[]; nextPageToken: string | null };
    expect(rest.data).toHaveLength(1);
    expect(rest.nextPageToken).toBeNull();
  });
});
