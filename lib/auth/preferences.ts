import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Executor } from "@/db/client";
import { users } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { LOCALES, type Locale } from "@/lib/i18n/locales";
import type { Principal } from "./roles";

export const ownLocaleSchema = z.strictObject({
  locale: z.enum(LOCALES, { error: `must be one of ${LOCALES.join(", ")}, or null` }).nullable(),
});

/** Stores the language a staff member chose from the header (null: back to the browser's). */
export async function setOwnLocale(db: Executor, principal: Principal, locale: Locale | null): Promise<Locale | null> {
  if (principal.kind !== "user" || !principal.id) throw new AppError("forbidden", { key: "noLocale" });
  await db.update(users).set({ locale, updatedAt: new Date() }).where(eq(users.id, principal.id));
  return locale;
}
