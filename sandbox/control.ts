// /_sandbox/* control endpoints, so that tests in other processes and people can steer a running
// sandbox. Not part of the Symphonics contract.
import type { IncomingMessage } from "node:http";
import { z } from "zod";
import type { FaultSettings } from "./faults";
import { faultSettingsPatch } from "./faults";
import type { Reply } from "./http";
import { json, parseJson, readBody } from "./http";
import type { BucketSettings } from "./rate-limit";

export interface ControlTarget {
  ledger(): unknown;
  stats(): unknown;
  setWebhooks(enabled: boolean): void;
  faults(): FaultSettings;
  setFaults(f: Partial<FaultSettings>): void;
  setRateLimit(r: BucketSettings | false): void;
  revokeAllTokens(): number;
  startMaintenance(seconds: number): void;
  reset(): void;
  restoreDossiers(dossiers: RestoredDossier[]): void;
}

const webhooksBody = z.strictObject({ enabled: z.boolean() });
const restoredDossiersBody = z.strictObject({
  dossiers: z
    .array(
      z.strictObject({
        clientId: z.string().min(1),
        id: z.string().min(1).max(200),
        externalReference: z.string().min(1).max(200),
        status: z.enum(["received", "processing", "accepted", "rejected"]),
        rejectionReason: z.enum(["document_unreachable", "photo_unreachable"]).nullable().default(null),
      }),
    )
    .max(10_000),
});
export type RestoredDossier = z.infer<typeof restoredDossiersBody>["dossiers"][number];

const maintenanceBody = z.strictObject({ seconds: z.number().positive().max(3600) });

const rateLimitBody = z.union([
  z.strictObject({ perSecond: z.number().positive(), burst: z.number().int().min(1) }),
  z.strictObject({ enabled: z.literal(false) }),
]);

const controlError = (status: number, error: string, issues?: unknown): Reply => ({
  ...json(status, issues === undefined ? { error } : { error, issues }),
  code: error,
});

async function readJson<T>(req: IncomingMessage, schema: z.ZodType<T>): Promise<{ ok: true; value: T } | { ok: false; reply: Reply }> {
  const body = await readBody(req);
  const parsed = body.kind === "ok" ? parseJson(body.bytes) : { ok: false as const };
  if (!parsed.ok) return { ok: false, reply: controlError(400, "invalid_json") };
  const result = schema.safeParse(parsed.value);
  if (!result.success) return { ok: false, reply: controlError(400, "invalid_settings", z.treeifyError(result.error)) };
  return { ok: true, value: result.data };
}

/** `path` is relative to /_sandbox/. */
export async function handleControl(req: IncomingMessage, path: string, target: ControlTarget): Promise<Reply> {
  const route = `${req.method ?? ""} ${path}`;
  switch (route) {
    case "GET health":
      return json(200, { status: "ok" });
    case "GET ledger":
      return json(200, target.ledger());
    case "GET stats":
      return json(200, target.stats());
    case "PUT webhooks": {
      const body = await readJson(req, webhooksBody);
      if (!body.ok) return body.reply;
      target.setWebhooks(body.value.enabled);
      return json(200, { enabled: body.value.enabled });
    }
    case "PUT faults": {
      const patch = await readJson(req, faultSettingsPatch);
      if (!patch.ok) return patch.reply;
      target.setFaults(patch.value as Partial<FaultSettings>);
      return json(200, target.faults());
    }
    case "PUT rate-limit": {
      const body = await readJson(req, rateLimitBody);
      if (!body.ok) return body.reply;
      const settings = "enabled" in body.value ? false : body.value;
      target.setRateLimit(settings);
      return json(200, settings === false ? { enabled: false } : { enabled: true, ...settings });
    }
    case "POST revoke-tokens":
      return json(200, { revoked: target.revokeAllTokens() });
    case "POST maintenance": {
      const body = await readJson(req, maintenanceBody);
      if (!body.ok) return body.reply;
      target.startMaintenance(body.value.seconds);
      return json(200, { maintenanceSeconds: body.value.seconds });
    }
    case "POST dossiers": {
      const body = await readJson(req, restoredDossiersBody);
      if (!body.ok) return body.reply;
      target.restoreDossiers(body.value.dossiers);
      return json(200, { restored: body.value.dossiers.length });
    }
    case "POST reset":
      target.reset();
      return json(200, { reset: true });
    default:
      return controlError(404, "not_found");
  }
}
