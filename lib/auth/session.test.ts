import { encode, type JWT } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";
import { useTestDatabase } from "@/db/testing";
import { verifyLogin } from "./login";
import { authOptions, principalForSessionToken } from "./session";
import { sessionSecret } from "./session-token";
import { createUser } from "./users";

const { db } = await useTestDatabase();

/** The session token next-auth would set after this sign-in (its jwt callback applied). */
async function signIn(email: string, password: string): Promise<{ token: string; claims: JWT }> {
  const result = await verifyLogin(db, email, password);
  if (!result.ok) throw new Error("sign-in refused");
  const claims = (await authOptions().callbacks!.jwt!({ token: { sub: result.user.id }, user: result.user } as never)) as JWT;
  return { token: await encode({ token: claims, secret: sessionSecret(), maxAge: 600 }), claims };
}

describe("sessions", () => {
  it("are revoked on the server by signing out: the old cookie no longer works", async () => {
    await createUser(db, { email: "olga@example.fr", name: "Olga", password: "a long enough password", role: "operator" });
    const first = await signIn("olga@example.fr", "a long enough password");
    expect(await principalForSessionToken(db, first.token)).toMatchObject({ label: "olga@example.fr" });
    await authOptions().events!.signOut!({ token: first.claims } as never);
    expect(await principalForSessionToken(db, first.token)).toBeNull();
    // Signing in again gives a working session.
    const second = await signIn("olga@example.fr", "a long enough password");
    expect(await principalForSessionToken(db, second.token)).toMatchObject({ label: "olga@example.fr" });
  });

  it("use __Secure- cookies, never sent over plain http, when the app is served over https", async () => {
    expect(authOptions().useSecureCookies).toBe(false);
    vi.resetModules();
    vi.stubEnv("PUBLIC_BASE_URL", "https://publications.installer.example");
    try {
      const { authOptions: overHttps } = await import("./session");
      expect(overHttps().useSecureCookies).toBe(true);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("send next-auth's redirects only to this application", async () => {
    const redirect = (url: string) => authOptions().callbacks!.redirect!({ url, baseUrl: "http://app.local:3100" });
    expect(await redirect("/\t/127.0.0.1:4200/x")).toBe("http://app.local:3100/overview");
    expect(await redirect("https://evil.example/")).toBe("http://app.local:3100/overview");
    expect(await redirect("http://app.local:3100/attention?x=1")).toBe("http://app.local:3100/attention?x=1");
  });
});
