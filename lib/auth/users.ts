import { z } from "zod";
import type { Executor } from "@/db/client";
import { staffRole, users } from "@/db/schema";
import { hashPassword } from "./passwords";

export const newUserSchema = z.object({
  email: z.email("must be a valid email address").max(254),
  name: z.string().trim().min(1, "must not be empty").max(200),
  password: z.string().min(12, "must be at least 12 characters").max(200),
  role: z.enum(staffRole.enumValues),
});

export type NewUser = z.infer<typeof newUserSchema>;

export async function createUser(db: Executor, user: NewUser): Promise<{ id: string }> {
  const [row] = await db
    .insert(users)
    .values({ email: user.email.toLowerCase(), name: user.name, role: user.role, passwordHash: await hashPassword(user.password) })
    .returning({ id: users.id });
  return row!;
}
