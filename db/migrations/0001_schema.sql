CREATE TYPE "public"."attempt_trigger" AS ENUM('automatic', 'manual', 'retry');--> statement-breakpoint
CREATE TYPE "public"."document_type" AS ENUM('contract', 'quote', 'invoice', 'certificate', 'other');--> statement-breakpoint
CREATE TYPE "public"."dossier_status" AS ENUM('received', 'processing', 'accepted', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."intervention_status" AS ENUM('scheduled', 'in_progress', 'installation_done', 'published', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."publication_status" AS ENUM('not_ready', 'queued', 'in_progress', 'retrying', 'published', 'needs_review', 'failed');--> statement-breakpoint
CREATE TYPE "public"."staff_role" AS ENUM('viewer', 'operator', 'admin');--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"group_key" text NOT NULL,
	"severity" text DEFAULT 'warning' NOT NULL,
	"message" text NOT NULL,
	"intervention_id" uuid,
	"occurrences" integer DEFAULT 1 NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"token_hash" text NOT NULL,
	"prefix" text NOT NULL,
	"role" "staff_role" NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"actor_type" text NOT NULL,
	"actor_id" text,
	"actor_label" text NOT NULL,
	"action" text NOT NULL,
	"intervention_id" uuid,
	"details" jsonb
);
--> statement-breakpoint
CREATE TABLE "beneficiaries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"first_name" text NOT NULL,
	"last_name" text NOT NULL,
	"email" text NOT NULL,
	"phone" text NOT NULL,
	"contract_signed_at" timestamp with time zone,
	"erased_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "circuit_breakers" (
	"name" text PRIMARY KEY NOT NULL,
	"state" text DEFAULT 'closed' NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"opened_at" timestamp with time zone,
	"probe_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "intervention_documents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"intervention_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"type" "document_type",
	"file_path" text NOT NULL,
	"requires_signature" boolean DEFAULT false NOT NULL,
	"signed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "intervention_operations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"intervention_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"code" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "intervention_photos" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"intervention_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"file_path" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "intervention_products" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"intervention_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"model" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "interventions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"reference" text NOT NULL,
	"beneficiary_id" uuid NOT NULL,
	"address" text NOT NULL,
	"postal_code" text NOT NULL,
	"city" text NOT NULL,
	"pdl" text NOT NULL,
	"pce" text,
	"status" "intervention_status" NOT NULL,
	"completed_at" timestamp with time zone,
	"search_text" text DEFAULT '' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "publication_attempts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"intervention_id" uuid NOT NULL,
	"operation" text NOT NULL,
	"idempotency_key" text,
	"trigger" "attempt_trigger" NOT NULL,
	"triggered_by" text DEFAULT 'system' NOT NULL,
	"outcome" text NOT NULL,
	"http_status" integer,
	"problem_code" text,
	"message" text,
	"duration_ms" integer NOT NULL,
	"response_excerpt" text,
	"correlation_id" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "publications" (
	"intervention_id" uuid PRIMARY KEY NOT NULL,
	"status" "publication_status" DEFAULT 'not_ready' NOT NULL,
	"dossier_id" text,
	"dossier_status" "dossier_status",
	"rejection_reason" text,
	"photos_sent" integer DEFAULT 0 NOT NULL,
	"attempt_count" integer DEFAULT 0 NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"last_error_code" text,
	"last_error_message" text,
	"last_error_at" timestamp with time zone,
	"problems" jsonb,
	"next_attempt_at" timestamp with time zone,
	"first_failure_at" timestamp with time zone,
	"queued_at" timestamp with time zone,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limit_buckets" (
	"name" text PRIMARY KEY NOT NULL,
	"tokens" double precision NOT NULL,
	"refilled_at" timestamp with time zone DEFAULT now() NOT NULL,
	"blocked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"email" text NOT NULL,
	"name" text NOT NULL,
	"password_hash" text NOT NULL,
	"role" "staff_role" NOT NULL,
	"disabled_at" timestamp with time zone,
	"failed_login_count" integer DEFAULT 0 NOT NULL,
	"locked_until" timestamp with time zone,
	"last_login_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"webhook_id" text NOT NULL,
	"type" text NOT NULL,
	"dossier_id" text,
	"external_reference" text,
	"status" text,
	"reason" text,
	"outcome" text NOT NULL,
	"payload" jsonb,
	"occurred_at" timestamp with time zone,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "worker_heartbeats" (
	"worker_id" text PRIMARY KEY NOT NULL,
	"hostname" text NOT NULL,
	"pid" integer NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_beat_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_documents" ADD CONSTRAINT "intervention_documents_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_operations" ADD CONSTRAINT "intervention_operations_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_photos" ADD CONSTRAINT "intervention_photos_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intervention_products" ADD CONSTRAINT "intervention_products_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "interventions" ADD CONSTRAINT "interventions_beneficiary_id_beneficiaries_id_fk" FOREIGN KEY ("beneficiary_id") REFERENCES "public"."beneficiaries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publication_attempts" ADD CONSTRAINT "publication_attempts_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "publications" ADD CONSTRAINT "publications_intervention_id_interventions_id_fk" FOREIGN KEY ("intervention_id") REFERENCES "public"."interventions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_open_group_key" ON "alerts" USING btree ("group_key") WHERE "alerts"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "alerts_last_seen_idx" ON "alerts" USING btree ("last_seen_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens" USING btree ("token_hash");--> statement-breakpoint
CREATE INDEX "audit_log_at_idx" ON "audit_log" USING btree ("at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_intervention_idx" ON "audit_log" USING btree ("intervention_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "intervention_documents_position_key" ON "intervention_documents" USING btree ("intervention_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "intervention_operations_position_key" ON "intervention_operations" USING btree ("intervention_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "intervention_photos_position_key" ON "intervention_photos" USING btree ("intervention_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "intervention_products_position_key" ON "intervention_products" USING btree ("intervention_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "interventions_reference_key" ON "interventions" USING btree ("reference");--> statement-breakpoint
CREATE INDEX "interventions_updated_at_idx" ON "interventions" USING btree ("updated_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "interventions_status_updated_at_idx" ON "interventions" USING btree ("status","updated_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "interventions_beneficiary_idx" ON "interventions" USING btree ("beneficiary_id");--> statement-breakpoint
CREATE INDEX "interventions_search_trgm_idx" ON "interventions" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "publication_attempts_intervention_idx" ON "publication_attempts" USING btree ("intervention_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "publication_attempts_started_at_idx" ON "publication_attempts" USING btree ("started_at");--> statement-breakpoint
CREATE INDEX "publications_status_updated_at_idx" ON "publications" USING btree ("status","updated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "publications_dossier_id_key" ON "publications" USING btree ("dossier_id");--> statement-breakpoint
CREATE INDEX "publications_next_attempt_at_idx" ON "publications" USING btree ("next_attempt_at");--> statement-breakpoint
CREATE UNIQUE INDEX "users_email_key" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_events_webhook_id_key" ON "webhook_events" USING btree ("webhook_id");--> statement-breakpoint
CREATE INDEX "webhook_events_dossier_idx" ON "webhook_events" USING btree ("dossier_id","received_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "webhook_events_received_at_idx" ON "webhook_events" USING btree ("received_at");