import { readdirSync } from "node:fs";
import path from "node:path";
import type { RouteDefinition, RouteHandler } from "./route";

export type RouteModule = Record<string, RouteHandler & { definition?: RouteDefinition }>;

/** Every route module on disk, as Next.js finds it (route groups like (dashboard) are not part of the URL). */
export function routesOnDisk(dir = path.resolve(import.meta.dirname, "../../app")): { route: string; file: string }[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((entry) => path.basename(entry) === "route.ts")
    .map((entry) => ({ route: `/${path.dirname(entry).split(path.sep).filter((part) => !/^\(.*\)$/.test(part)).join("/")}`, file: path.join(dir, entry) }))
    .sort((a, b) => a.route.localeCompare(b.route));
}

export const loadRoute = async (file: string) => (await import(/* @vite-ignore */ file)) as RouteModule;

/** The methods a module answers through route() (the others answer 405). */
export const answeredMethods = (routeModule: RouteModule) =>
  (["GET", "POST", "PUT", "PATCH", "DELETE"] as const).filter((method) => typeof routeModule[method] === "function" && routeModule[method].definition);
