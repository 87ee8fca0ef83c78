import nextCoreWebVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const importsFrom = (...layers) =>
  layers.map((layer) => ({ group: [`@/${layer}/*`], message: "app/ and jobs/ call lib/; lib/ and db/ import neither, and jobs/ does not import app/." }));

const config = [
  ...nextCoreWebVitals,
  ...nextTypescript,
  // Server-side test helpers such as useTestDatabase() are not React hooks.
  { files: ["**/*.test.ts"], rules: { "react-hooks/rules-of-hooks": "off" } },
  // Tests may drive the real route handlers and worker from anywhere.
  {
    files: ["lib/**/*.{ts,tsx}", "db/**/*.ts"],
    ignores: ["**/*.test.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: importsFrom("jobs", "app") }] },
  },
  { files: ["jobs/**/*.ts"], ignores: ["**/*.test.ts"], rules: { "no-restricted-imports": ["error", { patterns: importsFrom("app") }] } },
  { ignores: [".next/**", ".data/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
];

export default config;
