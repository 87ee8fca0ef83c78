import { describe, expect, it } from "vitest";
import { parseConfig as parseEnv } from "./config";

const parseConfig = (env: Record<string, string>) => parseEnv(env as unknown as NodeJS.ProcessEnv);
const base = { DATABASE_URL: "postgres://localhost/app" };

describe("TRUST_PROXY", () => {
  it("is off unless said, and must be a yes or a no", () => {
    expect(parseConfig(base).TRUST_PROXY).toBe(false);
    expect(parseConfig({ ...base, TRUST_PROXY: "true" }).TRUST_PROXY).toBe(true);
    expect(parseConfig({ ...base, TRUST_PROXY: "false" }).TRUST_PROXY).toBe(false);
    expect(() => parseConfig({ ...base, TRUST_PROXY: "maybe" })).toThrow(/^ {2}TRUST_PROXY: /m);
  });
});
