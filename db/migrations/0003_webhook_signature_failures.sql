CREATE TABLE "webhook_signature_failures" (
	"minute" timestamp with time zone NOT NULL,
	"reason" text NOT NULL,
	"failures" integer DEFAULT 1 NOT NULL,
	CONSTRAINT "webhook_signature_failures_minute_reason_pk" PRIMARY KEY("minute","reason")
);
