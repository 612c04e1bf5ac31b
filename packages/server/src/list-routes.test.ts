/**
 * The list routes the official client calls with a trailing slash (`dataset/`, `models/`,
 * `slice/`, `jobs/`) answer the same without it, with no redirect: a redirected POST would come
 * back as a GET. Sent with plain fetch, as any HTTP client would.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDataset, KEY, startTestServer, type TestServer } from "./test-support.js";

let server: TestServer;
const auth = { authorization: `Basic ${Buffer.from(`${KEY}:`).toString("base64")}` };

beforeAll(async () => {
  server = await startTestServer();
  const ds = await createDataset(server, "listed");
  await server.call("POST", `dataset/${ds}/append`, {
    body: { items: [{ reference_id: "a", image_url: "s3://bucket/a.jpg" }] },
  });
  await server.call("POST", `dataset/${ds}/create_slice`, { body: { name: "s", reference_ids: ["a"] } });
  await server.call("POST", "models/add", { body: { name: "m", reference_id: "m" } });
  // Committing a run starts its evaluation job, so the job list is not empty either.
  const run = (
    (await server.call("POST", `dataset/${ds}/modelRun/create`, { body: { name: "r", reference_id: "m" } }))
      .body as { model_run_id: string }
  ).model_run_id;
  await server.call("POST", `modelRun/${run}/commit`, { body: {} });
  await server.idle();
});
afterAll(async () => {
  await server.stop();
});

async function send(method: string, route: string, body?: unknown) {
  const response = await fetch(`${server.url}/${route}`, {
    method,
    redirect: "manual",
    headers: { ...auth, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as unknown };
}

describe("list routes with and without the trailing slash", () => {
  it.each([
    ["GET", "dataset"],
    ["GET", "models"],
    ["GET", "slice"],
    ["POST", "jobs"],
  ])("%s %s answers like its trailing-slash form", async (method, route) => {
    const body = method === "POST" ? { show_completed: true } : undefined;
    const slashed = await send(method, `${route}/`, body);
    const bare = await send(method, route, body);
    expect(slashed.status).toBe(200);
    expect(bare.status).toBe(200);
    expect(bare.body).toEqual(slashed.body);
    expect(JSON.stringify(bare.body)).not.toBe("[]");
  });
});
