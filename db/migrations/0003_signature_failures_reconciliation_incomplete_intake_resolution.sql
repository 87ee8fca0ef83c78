ALTER TYPE "public"."publication_status" ADD VALUE 'resolved';--> statement-breakpoint
CREATE TABLE "webhook_signature_failures" (
	"minute" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"failures" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "webhook_signature_failures_minute_reason_pk" PRIMARY KEY("minute","reason")
);
--> statement-breakpoint
ALTER TABLE "beneficiaries" ALTER COLUMN "email" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "beneficiaries" ALTER COLUMN "phone" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "interventions" ALTER COLUMN "address" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "interventions" ALTER COLUMN "postal_code" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "interventions" ALTER COLUMN "city" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "interventions" ALTER COLUMN "pdl" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "acknowledged_by" text;--> statement-breakpoint
ALTER TABLE "publications" ADD COLUMN "dossier_status_checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "publications" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "publications" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "publications" ADD COLUMN "resolution_note" text;--> statement-breakpoint
CREATE INDEX "publications_dossier_news_idx" ON "publications" USING btree (coalesce("dossier_status_checked_at", "published_at")) WHERE "publications"."status" = 'published' and "publications"."dossier_status" in ('received', 'processing');