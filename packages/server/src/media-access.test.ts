/**
 * Stored files are readable only by a tenant whose dataset holds them (key, session or signed
 * URL), never as NDJSON payloads, with the type of their bytes; a file goes when the last
 * dataset holding it is deleted.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { payloadKeyOf } from "./routes/uploads.js";
import {
  createDataset,
  KEY,
  OTHER_KEY,
  rawRequest,
  startTestServer,
  type TestServer,
  TINY_PNG,
} from "./test-support.js";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

/** Where the folder media keep a key's file. */
const mediaPath = (key: string) => join(server.dataDir, "media", key.slice(0, 2), key);
const basic = (key: string) => ({ authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}` });

/** Uploads one local file as an item; returns its signed URL and bare media URL. */
async function uploadFile(ds: string, bytes: Buffer, name: string, key = KEY) {
  const form = new FormData();
  form.append("items", JSON.stringify([{ reference_id: name, image_url: name, metadata: {} }]));
  form.append("image", new Blob([bytes]), name);
  expect((await server.call("POST", `dataset/${ds}/append`, { body: form, key })).status).toBe(200);
  const item = (
    (await server.call("GET", `dataset/${ds}/refloc/${name}`, { key })).body as {
      item: { original_image_url: string };
    }
  ).item;
  const signed = item.original_image_url;
  return {
    signed,
    bare: signed.split("?")[0] as string,
    key: (signed.split("/__media/")[1] as string).split("?")[0] as string,
  };
}

describe("media access", () => {
  it("serves a file to its tenant's key and to its signed URL, and to nobody else", async () => {
    const ds = await createDataset(server);
    const { signed, bare } = await uploadFile(ds, TINY_PNG, "a.png");
    expect(signed).toMatch(/\/__media\/[0-9a-f]{64}\.png\?tenant=[0-9a-f]+&expires=\d+&sig=[\w-]+$/);

    const anonymous = await fetch(bare);
    expect(anonymous.status).toBe(401);
    const other = await fetch(bare, { headers: basic(OTHER_KEY) });
    expect(other.status).toBe(404);
    const owner = await fetch(bare, { headers: basic(KEY) });
    expect(owner.status).toBe(200);
    expect(Buffer.from(await owner.arrayBuffer()).equals(TINY_PNG)).toBe(true);

    const viaSignature = await fetch(signed);
    expect(viaSignature.status).toBe(200);
    expect(viaSignature.headers.get("cache-control")).toMatch(/^private/);
    const forged = await fetch(signed.replace(/sig=[\w-]+/, "sig=AAAA"));
    expect(forged.status).toBe(401);
    const expired = await fetch(signed.replace(/expires=\d+/, "expires=1000"));
    expect(expired.status).toBe(401);
  });

  it("another tenant that uploads the same bytes learns nothing of the first, and both can read their own", async () => {
    const mine = await createDataset(server, "mine");
    const theirs = await createDataset(server, "theirs", OTHER_KEY);
    const first = await uploadFile(mine, TINY_PNG, "same.png");
    // Before uploading them, the other tenant cannot tell the bytes are stored.
    expect((await fetch(first.bare, { headers: basic(OTHER_KEY) })).status).toBe(404);
    const second = await uploadFile(theirs, TINY_PNG, "same.png", OTHER_KEY);
    expect(second.key).toBe(first.key);
    expect((await fetch(second.bare, { headers: basic(OTHER_KEY) })).status).toBe(200);
  });

  it("serves files with the type of their bytes and nosniff, whatever name they were sent with", async () => {
    const ds = await createDataset(server);
    const html = Buffer.from("<html><script>alert(document.cookie)</script></html>");
    const page = await uploadFile(ds, html, "page.html");
    const response = await fetch(page.bare, { headers: basic(KEY) });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    const image = await uploadFile(ds, TINY_PNG, "image.txt");
    expect((await fetch(image.bare, { headers: basic(KEY) })).headers.get("content-type")).toBe("image/png");
  });

  it("never serves an async upload's NDJSON payload", async () => {
    const ds = await createDataset(server);
    const signed = (await server.call("GET", `dataset/${ds}/signedUrl/payload-1`)).body as {
      signed_url: string;
    };
    const line = JSON.stringify({ reference_id: "p", image_url: "https://example.invalid/p.jpg" });
    expect((await rawRequest("PUT", signed.signed_url, {}, Buffer.from(`${line}\n`))).status).toBe(200);
    const key = payloadKeyOf(signed.signed_url.split("/__upload/")[1] as string);
    expect(existsSync(mediaPath(key))).toBe(true);
    expect(key).toMatch(/\.ndjson$/);
    expect((await fetch(`${server.url}/__media/${key}`, { headers: basic(KEY) })).status).toBe(404);
  });

  it("removes a file when the last dataset holding it is deleted, and keeps it while another holds it", async () => {
    const first = await createDataset(server, "first");
    const second = await createDataset(server, "second");
    const bytes = Buffer.concat([TINY_PNG, Buffer.from("unique-to-this-test")]);
    const a = await uploadFile(first, bytes, "x.png");
    await uploadFile(second, bytes, "x.png");
    const path = mediaPath(a.key);
    expect(existsSync(path)).toBe(true);

    expect((await server.call("DELETE", `dataset/${first}`)).status).toBe(200);
    expect(existsSync(path)).toBe(true);
    expect((await fetch(a.bare, { headers: basic(KEY) })).status).toBe(200);

    expect((await server.call("DELETE", `dataset/${second}`)).status).toBe(200);
    expect(existsSync(path)).toBe(false);
    expect((await fetch(a.bare, { headers: basic(KEY) })).status).toBe(404);
    expect((await fetch(a.signed)).status).toBe(404);
  });
});
