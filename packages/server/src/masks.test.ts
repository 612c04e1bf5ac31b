/**
 * Segmentation masks sent as files, in the official client's multipart shape (the recorded
 * request, seq 31): a later read returns the `mask_url` the client sent, which its equality
 * checks compare, and serves the PNG at `mask_media_url`, on both backends.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDataset,
  loadWireLog,
  OTHER_KEY,
  remoteItems,
  startTestServer,
  type TestServer,
  testBackends,
} from "./test-support.js";

interface RecordedPart {
  name: string;
  filename: string | null;
  content_type: string;
  json?: { segmentations: Record<string, unknown>[]; update: boolean };
}

/** The official client's recorded multipart mask upload. */
const recorded = (() => {
  const record = loadWireLog().find((r) => r.body_kind === "multipart" && r.route.endsWith("/annotate"));
  if (!record) throw new Error("the wire log has no multipart annotate request");
  return record.body as RecordedPart[];
})();
const sentRequest = recorded.find((part) => part.json)?.json as NonNullable<RecordedPart["json"]>;
const sentMask = sentRequest.segmentations[0] as { mask_url: string; reference_id: string };

/** A 4x4 mask with pixel values 1 on the left half and 2 on the right. */
const maskPng = () =>
  sharp(Buffer.from(Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 1 : 2))), {
    raw: { width: 4, height: 4, channels: 1 },
  })
    .png()
    .toBuffer();

/** The recorded form, part for part, with `png` as the file and `segmentations` as the request's list. */
function officialForm(png: Buffer, segmentations = sentRequest.segmentations): FormData {
  const form = new FormData();
  for (const part of recorded) {
    if (part.json) form.append(part.name, JSON.stringify({ ...part.json, segmentations }));
    else
      for (const _ of segmentations)
        form.append(part.name, new Blob([png], { type: part.content_type }), part.filename ?? "mask.png");
  }
  return form;
}

interface ReadMask {
  type?: string;
  mask_url: string;
  mask_media_url?: string;
  annotations: unknown;
  annotation_id: string;
  reference_id: string;
  mask_media_key?: unknown;
}

async function bytesAt(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

describe.each(testBackends())("masks sent as files ($name)", (backend) => {
  let server: TestServer;
  let png: Buffer;
  beforeAll(async () => {
    server = await startTestServer(undefined, backend.options());
    png = await maskPng();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("read back with the mask_url the client sent, the PNG served at mask_media_url", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, {
      body: { items: [{ ...remoteItems(1)[0], reference_id: sentMask.reference_id }] },
    });
    // A second mask on a reference id the dataset lacks is refused by name; the first lands.
    const stray = { ...sentMask, reference_id: "not_here", annotation_id: "stray" };
    const response = await server.call("POST", `dataset/${ds}/annotate`, {
      body: officialForm(png, [...sentRequest.segmentations, stray]),
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const answer = response.body as { annotations_processed: number; errors: string[] };
    expect(answer.annotations_processed).toBe(1);
    expect(answer.errors[0]).toContain("not_here");

    const item = (await server.call("GET", `dataset/${ds}/refloc/${sentMask.reference_id}`)).body as {
      annotations: { segmentation: ReadMask[] };
    };
    const [read] = item.annotations.segmentation;
    const { mask_media_url, ...rest } = read as ReadMask;
    // Everything the client sent comes back as it was, mask_url included.
    expect(rest).toMatchObject(sentRequest.segmentations[0] as object);
    expect(rest.mask_url).toBe(sentMask.mask_url);
    expect(rest).not.toHaveProperty("mask_media_key");
    expect((await bytesAt(mask_media_url as string)).equals(png)).toBe(true);
  });

  it("keep the sent mask_url for predictions too", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, {
      body: { items: [{ ...remoteItems(1)[0], reference_id: sentMask.reference_id }] },
    });
    await server.call("POST", "models/add", { body: { name: "m", reference_id: "masks-model" } });
    const run = (
      (
        await server.call("POST", `dataset/${ds}/modelRun/create`, {
          body: { name: "r", reference_id: "masks-model" },
        })
      ).body as { model_run_id: string }
    ).model_run_id;
    const response = await server.call("POST", `modelRun/${run}/predict`, { body: officialForm(png) });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const read = (await server.call("GET", `modelRun/${run}/refloc/${sentMask.reference_id}`)).body as {
      annotations: { segmentation: ReadMask[] };
    };
    const [mask] = read.annotations.segmentation;
    expect(mask?.mask_url).toBe(sentMask.mask_url);
    expect((await bytesAt(mask?.mask_media_url as string)).equals(png)).toBe(true);
  });

  it("never let a JSON body name a stored file", async () => {
    const ds = await createDataset(server);
    await server.call("POST", `dataset/${ds}/append`, { body: { items: remoteItems(1) } });
    const form = officialForm(png, [{ ...sentMask, reference_id: "img_0" }]);
    await server.call("POST", `dataset/${ds}/annotate`, { body: form });
    const stored = (
      (await server.call("GET", `dataset/${ds}/refloc/img_0`)).body as {
        annotations: { segmentation: ReadMask[] };
      }
    ).annotations.segmentation[0] as ReadMask;
    const key = new URL(stored.mask_media_url as string).pathname.split("/").at(-1) as string;

    // Another key sends the private field by hand: it is dropped, nothing is served.
    const other = await createDataset(server, "other", OTHER_KEY);
    await server.call("POST", `dataset/${other}/append`, { body: { items: remoteItems(1) }, key: OTHER_KEY });
    const sent = await server.call("POST", `dataset/${other}/annotate`, {
      key: OTHER_KEY,
      body: { segmentations: [{ ...sentMask, reference_id: "img_0", mask_media_key: key }] },
    });
    expect(sent.status).toBe(200);
    const read = (
      (await server.call("GET", `dataset/${other}/refloc/img_0`, { key: OTHER_KEY })).body as {
        annotations: { segmentation: ReadMask[] };
      }
    ).annotations.segmentation[0] as ReadMask;
    expect(read.mask_url).toBe(sentMask.mask_url);
    expect(read).not.toHaveProperty("mask_media_url");
    expect(read).not.toHaveProperty("mask_media_key");
  });
});
