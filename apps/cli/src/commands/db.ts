import { type Command, lazyRun } from "../command.js";

const load = () => import("../actions/db.js");

const DATABASE = {
  type: "string",
  value: "URL",
  description: "a PostgreSQL database (default NUCLEUS_DATABASE_URL); without one, the data folder (--data)",
} as const;

/** `nu db migrate|export|import`: the server's storage, read and written directly (no server needed). */
export const dbCommands: Command[] = [
  {
    path: ["db", "migrate"],
    summary: "bring a database (or data folder) up to this version's schema",
    flags: { database: DATABASE },
    details:
      "Servers migrate on start too (one at a time); run this first to upgrade before the servers do.\nExample: nu db migrate --database postgres://nucleus@db.internal:5432/nucleus",
    run: lazyRun(load, (m) => m.migrate),
  },
  {
    path: ["db", "export"],
    summary:
      "write a portable dump of a dataset: items, labels, tags, reviews, scenes, runs, slices, scenario tests, media keys",
    usage: "<dataset>",
    flags: {
      database: DATABASE,
      out: {
        type: "string",
        value: "FILE",
        description: "where to write the NDJSON dump (default: standard output)",
      },
    },
    details:
      "The dataset is read as the key's (--api-key or NUCLEUS_API_KEY); on a database, with NUCLEUS_SECRET.\nExample: nu db export ds_... --data ./nucleus-data --out cars.ndjson",
    run: lazyRun(load, (m) => m.exportDump),
  },
  {
    path: ["db", "import"],
    summary: "load a dump as a new dataset, copying the files it names",
    usage: "<file>",
    flags: {
      database: DATABASE,
      media: {
        type: "string",
        value: "WHERE",
        description: "the target's media: s3://bucket/prefix or a folder (default: the data folder's)",
      },
      "media-from": {
        type: "string",
        value: "WHERE",
        description: "copy the dump's files from here (a media folder or s3://bucket/prefix)",
      },
      "s3-endpoint": {
        type: "string",
        value: "URL",
        description: "the S3-compatible service of s3:// locations",
      },
    },
    details:
      "Prints the new dataset id and the new ids of its runs, slices and scenario tests (a test whose name the key already uses gets a number after it). Dumps of earlier versions load too.\nExample: nu db import cars.ndjson --database postgres://nucleus@db/nucleus --media s3://media/nucleus --media-from ./nucleus-data/media",
    run: lazyRun(load, (m) => m.importDump),
  },
];
