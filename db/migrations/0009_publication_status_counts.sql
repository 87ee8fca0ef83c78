CREATE TABLE "publication_status_counts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"status" "publication_status" NOT NULL,
	"n" bigint NOT NULL
);
--> statement-breakpoint
CREATE INDEX "publications_published_at_idx" ON "publications" USING btree ("published_at") WHERE "publications"."status" = 'published';