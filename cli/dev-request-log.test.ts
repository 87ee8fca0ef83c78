import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { NextConfig } from "next";
import { describe, expect, it } from "vitest";

const { default: nextConfig } = (await import(path.resolve("next.config.ts"))) as { default: NextConfig };

/** The path a route handler file answers, with a sample value in each dynamic segment. */
function pathOf(file: string): string {
  const segments = path.dirname(file).split(path.sep).slice(1);
  return `/${segments.filter((segment) => !/^\(.*\)$/.test(segment)).map((segment) => (segment.startsWith("[") ? "x" : segment)).join("/")}/`;
}

describe("the quickstart's development server (next dev)", () => {
  it("prints no request line for exactly the handlers that log their own through route()", async () => {
    const incoming = nextConfig.logging ? nextConfig.logging.incomingRequests : undefined;
    const ignore = typeof incoming === "object" ? (incoming.ignore ?? []) : [];
    const handlers = (await readdir("app", { recursive: true })).filter((file) => path.basename(file) === "route.ts").map((file) => path.join("app", file));
    expect(handlers.length).toBeGreaterThan(10);
    for (const file of handlers) {
      const wrapped = (await readFile(file, "utf8")).includes('from "@/lib/http/route"');
      const requestPath = pathOf(file);
      expect({ requestPath, silentInNextDev: ignore.some((pattern) => pattern.test(requestPath)) }).toEqual({ requestPath, silentInNextDev: wrapped });
    }
  });
});
