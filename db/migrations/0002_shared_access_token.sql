CREATE TABLE "symphonics_access_tokens" (
	"client_id" text PRIMARY KEY NOT NULL,
	"token_ciphertext" text,
	"token_hash" text,
	"renew_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
