import { ApiReference } from "@scalar/nextjs-api-reference";
import { methods, route } from "@/lib/http/route";
import { operations } from "@/lib/openapi/operations";

/**
 * The interactive API reference (Scalar), rendered in the browser from the document /api/openapi
 * serves. Everything it loads comes from this application: its bundle, no web fonts, no
 * telemetry, no AI agent; "try it" requests go straight to this origin.
 */
const reference = ApiReference({
  url: "/api/openapi",
  pageTitle: "API reference · Symphonics publications",
  cdn: "/api-reference/scalar.js",
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  // Its toolbar offers Scalar's hosted services (deploy, SDK generation), not this API.
  showDeveloperTools: "never",
});

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({ GET: route(operations.apiReference, async () => reference()) });
