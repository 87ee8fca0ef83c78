ALTER TYPE "public"."publication_status" ADD VALUE 'resolved';--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "acknowledged_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "alerts" ADD COLUMN "acknowledged_by" text;--> statement-breakpoint
ALTER TABLE "publications" ADD COLUMN "resolved_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "publications" ADD COLUMN "resolved_by" text;--> statement-breakpoint
ALTER TABLE "publications" ADD COLUMN "resolution_note" text;