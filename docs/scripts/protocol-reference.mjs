// Writes guides/protocol.md from the route table of @nucleus/schemas, the same declarations the
// client calls through and the server validates with, so the reference cannot drift.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ENDPOINTS } from "@nucleus/schemas";

/** The top-level keys of a wire schema (`?` marks optional ones), or what it is when it has none. */
function shapeOf(codec) {
  if (!codec) return "";
  const describe = (schema) => {
    if (schema.shape) {
      const keys = Object.entries(schema.shape).map(([key, field]) =>
        field.safeParse(undefined).success ? `${key}?` : key,
      );
      return `{ ${keys.join(", ")} }`;
    }
    if (schema.element) return `[ ${describe(schema.element)} ]`;
    const type = schema._zod.def.type;
    return ["string", "number", "boolean"].includes(type) ? type : "JSON";
  };
  return `\`${describe(codec.schema)}\``;
}

const cell = (text) => text.replaceAll("|", "\\|");

const lines = [
  "---",
  "title: Protocol reference",
  "---",
  "",
  "# Protocol reference",
  "",
  "Every route `@nucleus/core` calls and `@nucleus/server` serves, under the base URL",
  "(`https://api.scale.com/v1/nucleus`, or `http://127.0.0.1:8080/v1/nucleus` for a local server).",
  "Requests are authenticated with the API key as the HTTP Basic user name (or an",
  "`x-limited-access-key` header); keys and values are snake_case on the wire. Bodies and",
  'responses show their top-level keys (`?` marks optional ones); errors are `{ "error": message }`',
  "with the status that fits.",
  "",
  "This page is generated from `routes` in `@nucleus/schemas`.",
  "",
  "| route | request | body | response |",
  "|---|---|---|---|",
];
for (const route of ENDPOINTS) {
  const request = `\`${route.method} ${route.path}${route.async ? "?async=1" : ""}\``;
  const body = route.ndjson
    ? "NDJSON lines"
    : [
        shapeOf(route.body),
        route.multipart ? `or multipart: ${Object.keys(route.multipart).join(", ")} + files` : "",
        route.query ? `query ${shapeOf(route.query)}` : "",
      ]
        .filter(Boolean)
        .join("<br>");
  const name = `**${route.name}**${route.localOnly ? " (local server)" : ""}<br>${route.summary}`;
  lines.push(`| ${cell(name)} | ${cell(request)} | ${cell(body)} | ${cell(shapeOf(route.response))} |`);
}
lines.push("");

writeFileSync(fileURLToPath(new URL("../guides/protocol.md", import.meta.url)), lines.join("\n"));
