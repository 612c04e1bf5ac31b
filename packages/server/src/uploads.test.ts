/**
 * Signed upload URLs: a URL takes one PUT within an hour of being issued, its payload starts one
 * job, and its token never appears in a log.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskedPath, maskSecrets } from "./http/masking.js";
import { createDataset, rawRequest, startTestServer, type TestServer } from "./test-support.js";

let server: TestServer;
const lines: string[] = [];
beforeAll(async () => {
  server = await startTestServer(undefined, { logRequests: true, log: (line) => lines.push(line) });
});
afterAll(async () => {
  await server.stop();
});

const payload = (prefix: string, count: number) =>
  Buffer.from(
    Array.from({ length: count }, (_, i) =>
      JSON.stringify({
        reference_id: `${prefix}${i}`,
        image_url: `https://example.invalid/${prefix}${i}.jpg`,
      }),
    ).join("\n"),
  );

async function signedUrl(ds: string, requestId: string): Promise<string> {
  const response = await server.call("GET", `dataset/${ds}/signedUrl/${requestId}`);
  return (response.body as { signed_url: string }).signed_url;
}

describe("signed upload URLs", () => {
  it("take one PUT, start one job, and are dead after", async () => {
    const ds = await createDataset(server);
    const url = await signedUrl(ds, "once");
    expect((await rawRequest("PUT", url, {}, payload("a", 3))).status).toBe(200);
    const again = await rawRequest("PUT", url, {}, payload("b", 3));
    expect(again.status).toBe(409);
    expect(again.text).toMatch(/used already/);

    const job = await server.call("POST", `dataset/${ds}/append?async=1`, { body: { requestId: "once" } });
    expect(job.status).toBe(200);
    const second = await server.call("POST", `dataset/${ds}/append?async=1`, { body: { requestId: "once" } });
    expect(second.status).toBe(409);
    expect((second.body as { error: string }).error).toMatch(/started a job already/);
    expect((await rawRequest("PUT", url, {}, payload("c", 3))).status).toBe(409);
    await server.idle();
    expect((await server.call("GET", `dataset/${ds}/info`)).body).toMatchObject({ length: 3 });
  });

  it("expire an hour after they were issued", async () => {
    const ds = await createDataset(server);
    const url = await signedUrl(ds, "late");
    const token = url.split("/__upload/")[1] as string;
    const upload = await server.store.uploads.find({ token });
    // As if issued over an hour ago.
    await server.store.uploads.register(upload?.tenant as string, {
      requestId: "late",
      datasetId: ds,
      token,
      expiresAt: Date.now() - 1,
    });
    const response = await rawRequest("PUT", url, {}, payload("x", 1));
    expect(response.status).toBe(410);
    expect(response.text).toMatch(/expired/);
  });

  it("never show their token in the request log", async () => {
    const ds = await createDataset(server);
    const url = await signedUrl(ds, "logged");
    const token = url.split("/__upload/")[1] as string;
    await rawRequest("PUT", url, {}, payload("l", 1));
    await rawRequest("PUT", `${server.url}/__upload/${token}x`, {}, payload("l", 1));
    const logged = lines.filter((line) => line.includes("__upload"));
    expect(logged.length).toBeGreaterThanOrEqual(2);
    for (const line of [...lines, ...server.logs]) expect(line).not.toContain(token);
  });

  it("mask tokens and signatures in any URL that is logged", () => {
    expect(maskSecrets("/v1/nucleus/__upload/abc123?x=1")).toBe("/v1/nucleus/__upload/<token>?x=1");
    expect(maskSecrets("/login?token=secret&next=/")).toBe("/login?token=<masked>&next=/");
    expect(maskSecrets("/__media/k.png?tenant=t&expires=1&sig=s1g")).toBe(
      "/__media/k.png?tenant=t&expires=1&sig=<masked>",
    );
    expect(maskedPath("http://h/v1/nucleus/__upload/abc?sig=1")).toBe("/v1/nucleus/__upload/<token>");
  });
});
