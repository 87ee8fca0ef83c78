import { z } from "zod";
import { validationFailed } from "@/lib/errors";

/**
 * Keyset cursor of the dashboard's lists: the sort key of the last row shown and its id. The
 * timestamp travels as PostgreSQL text so its microseconds survive (a JavaScript Date would
 * round them and skip or repeat rows).
 */
const cursorSchema = z.tuple([z.string().max(100), z.guid()]);

export function decodeCursor(cursor: string): [string, string] {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    if (parsed.success) return parsed.data;
  } catch {
    // Falls through to the 422 below.
  }
  throw validationFailed([{ field: "cursor", message: "is not a cursor this list produced; start again from the first page" }]);
}

export const encodeCursor = (key: string, id: string) => Buffer.from(JSON.stringify([key, id])).toString("base64url");
