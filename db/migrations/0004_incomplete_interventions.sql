ALTER TABLE "beneficiaries" ALTER COLUMN "email" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "beneficiaries" ALTER COLUMN "phone" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "interventions" ALTER COLUMN "address" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "interventions" ALTER COLUMN "postal_code" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "interventions" ALTER COLUMN "city" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "interventions" ALTER COLUMN "pdl" DROP NOT NULL;