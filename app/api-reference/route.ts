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
  // Every operation shows a ready-to-run request beside it; curl is what operators have at hand.
  defaultHttpClient: { targetKey: "shell", clientKey: "curl" },
  forceDarkModeState: "light",
  hideDarkModeToggle: true,
});

/**
 * The dashboard's navigation above the reference, so it reads as a page of the application and
 * leads back to it. Scalar leaves room for it through --scalar-custom-header-height.
 */
const links = [
  { href: "/overview", label: "Overview" },
  { href: "/interventions", label: "Interventions" },
  { href: "/attention", label: "Needs attention" },
];
const header = `
<style>
  :root { --scalar-custom-header-height: 52px; }
  .app-header { position: sticky; top: 0; z-index: 20; height: 52px; box-sizing: border-box; display: flex; align-items: center; gap: 24px; padding: 0 16px; background: #fff; border-bottom: 1px solid #e2e8f0; font: 14px/1.4 ui-sans-serif, system-ui, sans-serif; }
  .app-header a { color: #334155; text-decoration: none; padding: 6px 12px; border-radius: 6px; }
  .app-header a:hover { background: #f1f5f9; }
  .app-header .home { font-weight: 600; color: #0f172a; padding-left: 0; }
  .app-header .current { background: #0f172a; color: #fff; padding: 6px 12px; border-radius: 6px; }
  .app-header nav { display: flex; gap: 4px; }
</style>
<header class="app-header">
  <a class="home" href="/overview">Symphonics publications</a>
  <nav aria-label="Main">
    ${links.map((link) => `<a href="${link.href}">${link.label}</a>`).join("\n    ")}
    <span class="current" aria-current="page">API reference</span>
  </nav>
</header>`;

export const { GET, HEAD, OPTIONS, POST, PUT, DELETE, PATCH } = methods({
  GET: route(operations.apiReference, async () => {
    const page = reference();
    const html = (await page.text()).replace("<body>", `<body>${header}`);
    const headers = new Headers(page.headers);
    headers.delete("content-length");
    return new Response(html, { status: page.status, headers });
  }),
});
