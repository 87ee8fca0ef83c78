import { createPublicationQueue } from "@/lib/publication/queue";
import { migrateDatabase } from "./migrate";

/** Everything a database needs before the product can use it: our tables, then pg-boss's. */
export async function prepareDatabase(url: string): Promise<void> {
  await migrateDatabase(url);
  await createPublicationQueue(url).install();
}
