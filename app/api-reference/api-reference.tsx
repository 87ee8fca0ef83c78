"use client";

import { useMemo, useState } from "react";
import type { OpenApiDocument } from "@/lib/openapi/document";

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  description?: string;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
  default?: unknown;
  additionalProperties?: boolean | JsonSchema;
};
type Parameter = { name: string; in: string; required?: boolean; description?: string; example?: unknown; schema?: JsonSchema };
type Content = Record<string, { schema?: JsonSchema; example?: unknown }>;
type Operation = {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Record<string, unknown>[];
  parameters?: Parameter[];
  requestBody?: { content: Content };
  responses: Record<string, { description: string; content?: Content }>;
};
type Entry = { method: string; path: string; operation: Operation; parameters: Parameter[] };

const METHODS = ["get", "put", "post", "patch", "delete"] as const;
const methodColour: Record<string, string> = {
  get: "bg-sky-100 text-sky-800",
  post: "bg-emerald-100 text-emerald-800",
  put: "bg-amber-100 text-amber-800",
  patch: "bg-violet-100 text-violet-800",
  delete: "bg-rose-100 text-rose-800",
};

function refName(ref: string): string {
  return ref.split("/").at(-1) ?? ref;
}

function typeLabel(schema: JsonSchema): string {
  if (schema.$ref) return refName(schema.$ref);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.anyOf) return schema.anyOf.map(typeLabel).join(" | ");
  if (schema.type === "array" && schema.items) return `${typeLabel(schema.items)}[]`;
  const type = Array.isArray(schema.type) ? schema.type.join(" | ") : (schema.type ?? "any");
  return schema.format ? `${type} (${schema.format})` : type;
}

/** A schema as a nested list of its properties; references open the named schema in place. */
function SchemaView({ schema, schemas, depth = 0 }: { schema: JsonSchema; schemas: Record<string, JsonSchema>; depth?: number }) {
  const resolved = schema.$ref ? schemas[refName(schema.$ref)] : schema;
  if (!resolved) return null;
  const objectSchema = resolved.type === "array" && resolved.items ? (resolved.items.$ref ? schemas[refName(resolved.items.$ref)] : resolved.items) : resolved;
  if (!objectSchema?.properties || depth > 4) return <code className="text-xs text-slate-600">{typeLabel(resolved)}</code>;
  return (
    <ul className={depth ? "ml-4 border-l border-slate-200 pl-3" : ""}>
      {Object.entries(objectSchema.properties).map(([name, property]) => (
        <li key={name} className="py-0.5 text-sm">
          <code className="font-semibold">{name}</code>
          {objectSchema.required?.includes(name) ? <span className="ml-1 text-rose-600">*</span> : null}{" "}
          <code className="text-xs text-slate-600">{typeLabel(property)}</code>
          {property.maxLength ? <span className="ml-1 text-xs text-slate-500">≤ {property.maxLength} chars</span> : null}
          {property.description ? <span className="ml-2 text-xs text-slate-500">{property.description}</span> : null}
          {property.properties || property.$ref || property.items?.properties || property.items?.$ref ? (
            <SchemaView schema={property.type === "array" && property.items ? property.items : property} schemas={schemas} depth={depth + 1} />
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** Sends a request built from the operation, with the visitor's session or the API token typed in. */
function TryIt({ entry, token }: { entry: Entry; token: string }) {
  const pathParameters = entry.parameters.filter((p) => p.in === "path");
  const example = entry.operation.requestBody?.content["application/json"]?.example;
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(pathParameters.map((p) => [p.name, String(p.example ?? "")])));
  const [body, setBody] = useState(example === undefined ? "" : JSON.stringify(example, null, 2));
  const [result, setResult] = useState<{ status: number; text: string } | null>(null);
  const [sending, setSending] = useState(false);

  async function send() {
    setSending(true);
    const path = entry.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(values[name] ?? ""));
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (entry.operation.requestBody) headers["content-type"] = "application/json";
    try {
      const response = await fetch(path, { method: entry.method.toUpperCase(), headers, body: entry.operation.requestBody ? body : undefined });
      const text = await response.text();
      let pretty = text;
      try {
        pretty = JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        // not JSON (metrics): shown as is
      }
      setResult({ status: response.status, text: pretty });
    } catch (error) {
      setResult({ status: 0, text: (error as Error).message });
    } finally {
      setSending(false);
    }
  }

  return (
    <div className="mt-3 rounded border border-slate-200 bg-slate-50 p-3">
      {pathParameters.map((p) => (
        <label key={p.name} className="mb-2 block text-sm">
          <span className="mr-2 font-mono">{p.name}</span>
          <input className="rounded border border-slate-300 px-2 py-1 font-mono text-sm" value={values[p.name] ?? ""} onChange={(e) => setValues({ ...values, [p.name]: e.target.value })} />
        </label>
      ))}
      {entry.operation.requestBody ? (
        <textarea aria-label="Request body" className="h-48 w-full rounded border border-slate-300 p-2 font-mono text-xs" value={body} onChange={(e) => setBody(e.target.value)} />
      ) : null}
      <button type="button" className="mt-2 rounded bg-slate-800 px-3 py-1 text-sm text-white disabled:opacity-50" disabled={sending} onClick={() => void send()}>
        {sending ? "Sending…" : `Send ${entry.method.toUpperCase()}`}
      </button>
      {result ? (
        <div className="mt-2">
          <div className="text-sm font-semibold">Status {result.status || "(no answer)"}</div>
          <pre className="mt-1 max-h-80 overflow-auto rounded bg-white p-2 text-xs">{result.text}</pre>
        </div>
      ) : null}
    </div>
  );
}

export function ApiReference({ document }: { document: OpenApiDocument }) {
  const schemas = document.components.schemas as Record<string, JsonSchema>;
  const entries = useMemo(() => {
    const list: Entry[] = [];
    for (const [path, item] of Object.entries(document.paths as Record<string, Record<string, unknown>>)) {
      for (const method of METHODS) {
        const operation = item[method] as Operation | undefined;
        if (operation) list.push({ method, path, operation, parameters: [...((item.parameters as Parameter[]) ?? []), ...(operation.parameters ?? [])] });
      }
    }
    return list;
  }, [document]);
  const [token, setToken] = useState("");
  const [open, setOpen] = useState<string | null>(null);
  const tags = document.tags.map((t) => t.name);

  return (
    <main className="mx-auto max-w-5xl p-6">
      <h1 className="text-2xl font-semibold">{document.info.title}</h1>
      <p className="mt-1 text-sm text-slate-600">{document.info.description}</p>
      <p className="mt-2 text-sm">
        OpenAPI {document.openapi} document: <a className="text-sky-700 underline" href="/api/openapi">/api/openapi</a>
      </p>
      <label className="mt-4 block text-sm">
        API token for “Send” (empty: your session is used)
        <input type="password" autoComplete="off" className="ml-2 w-96 rounded border border-slate-300 px-2 py-1 font-mono text-sm" value={token} onChange={(e) => setToken(e.target.value)} />
      </label>
      {tags.map((tag) => (
        <section key={tag} className="mt-6">
          <h2 className="text-lg font-semibold">{tag}</h2>
          {entries
            .filter((entry) => entry.operation.tags?.includes(tag))
            .map((entry) => {
              const id = entry.operation.operationId;
              const isOpen = open === id;
              const requestSchema = entry.operation.requestBody?.content["application/json"]?.schema;
              return (
                <article key={id} id={id} className="mt-2 rounded border border-slate-200 bg-white">
                  <button type="button" className="flex w-full items-center gap-3 p-3 text-left" aria-expanded={isOpen} onClick={() => setOpen(isOpen ? null : id)}>
                    <span className={`w-16 rounded px-2 py-0.5 text-center text-xs font-bold uppercase ${methodColour[entry.method]}`}>{entry.method}</span>
                    <code className="text-sm">{entry.path}</code>
                    <span className="text-sm text-slate-600">{entry.operation.summary}</span>
                  </button>
                  {isOpen ? (
                    <div className="border-t border-slate-200 p-3">
                      {entry.operation.description ? <p className="mb-2 text-sm">{entry.operation.description}</p> : null}
                      {entry.parameters.length ? (
                        <>
                          <h3 className="mt-2 text-sm font-semibold">Parameters</h3>
                          <ul>
                            {entry.parameters.map((p) => (
                              <li key={`${p.in}:${p.name}`} className="text-sm">
                                <code className="font-semibold">{p.name}</code> <span className="text-xs text-slate-500">({p.in}{p.required ? ", required" : ""})</span> {p.description}
                              </li>
                            ))}
                          </ul>
                        </>
                      ) : null}
                      {requestSchema ? (
                        <>
                          <h3 className="mt-3 text-sm font-semibold">Request body (application/json)</h3>
                          <SchemaView schema={requestSchema} schemas={schemas} />
                        </>
                      ) : null}
                      <h3 className="mt-3 text-sm font-semibold">Responses</h3>
                      <ul>
                        {Object.entries(entry.operation.responses).map(([status, response]) => {
                          const [mediaType, media] = Object.entries(response.content ?? {})[0] ?? [];
                          return (
                            <li key={status} className="mt-1 text-sm">
                              <code className="font-semibold">{status}</code> {response.description}
                              {mediaType ? <span className="ml-2 text-xs text-slate-500">{mediaType}</span> : null}
                              {media?.schema?.$ref && mediaType === "application/json" ? <SchemaView schema={media.schema} schemas={schemas} depth={1} /> : null}
                            </li>
                          );
                        })}
                      </ul>
                      <TryIt entry={entry} token={token} />
                    </div>
                  ) : null}
                </article>
              );
            })}
        </section>
      ))}
    </main>
  );
}
