// The soak's evaluating tenant, on a thread of its own: commit the run, wait for its evaluation,
// read its charts at another IoU threshold, again until told to stop; then report the counts.
import { parentPort, workerData } from "node:worker_threads";

const { url, key, runId } = workerData;
const headers = {
  authorization: `Basic ${Buffer.from(`${key}:`).toString("base64")}`,
  "content-type": "application/json",
};
async function call(method, route, body) {
  const send = () =>
    fetch(`${url}/${route}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  // A kept-alive connection the server closed as it took it back is reset on reuse: a GET,
  // which changes nothing, is sent again; anything else is an error.
  const response = await send().catch((error) => {
    if (method !== "GET" || error?.cause?.code !== "ECONNRESET") throw error;
    return send();
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

let stop = false;
parentPort.on("message", () => {
  stop = true;
});
let evaluations = 0;
let charts = 0;
for (let round = 0; !stop; round += 1) {
  await call("POST", `modelRun/${runId}/commit`, {});
  // Newest first: this round's evaluation is the first of round + 1.
  let evaluation;
  for (;;) {
    const list = await call("GET", `modelRun/${runId}/evaluationsV2`);
    evaluation = list.length > round ? list[0] : undefined;
    if (evaluation?.status === "failed") throw new Error(`evaluation failed: ${JSON.stringify(evaluation)}`);
    if (evaluation?.status === "succeeded") break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  evaluations += 1;
  if (stop) break;
  await call(
    "GET",
    `evaluationsV2/${evaluation.id}/charts?iouThreshold=${(0.3 + (round % 6) / 10).toFixed(1)}`,
  );
  charts += 1;
}
parentPort.postMessage({ evaluations, charts });
