import assert from "node:assert/strict";
import { NucleusClient } from "@nucleus/core";
import type { Example } from "./support.js";

/** Seed section "Create a client": key and endpoint from options or NUCLEUS_API_KEY / NUCLEUS_ENDPOINT. */
export const createClient: Example = {
  name: "create a client",
  async run({ client, log }) {
    const again = new NucleusClient({
      apiKey: process.env.NUCLEUS_API_KEY as string,
      endpoint: client.endpoint,
    });
    assert.equal(again.endpoint, client.endpoint);
    assert.ok(Array.isArray(await again.listDatasets()));
    log(`client ready for ${client.endpoint}`);
  },
};
