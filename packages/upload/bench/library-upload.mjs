// The library side of the `nu upload items` comparison: what a script using @nucleus/upload
// does with the same NDJSON file, run as its own process like `nu` is.
//
// Usage: NUCLEUS_ENDPOINT=... NUCLEUS_API_KEY=... node library-upload.mjs DATASET FILE CONCURRENCY
// Prints the upload's report as JSON.

import { NucleusClient } from "@nucleus/core";
import { DatasetItem } from "@nucleus/schemas";
import { readNdjson, Uploader } from "../dist/index.js";

const [dataset, file, concurrency] = process.argv.slice(2);
const client = new NucleusClient({
  apiKey: process.env.NUCLEUS_API_KEY,
  endpoint: process.env.NUCLEUS_ENDPOINT,
});
const uploader = new Uploader(client, { concurrency: Number(concurrency) });
const report = await uploader.append(dataset, readNdjson(file, DatasetItem));
console.log(JSON.stringify(report));
