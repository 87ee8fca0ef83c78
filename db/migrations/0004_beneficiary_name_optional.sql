ALTER TABLE "beneficiaries" ALTER COLUMN "first_name" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "beneficiaries" ALTER COLUMN "last_name" DROP NOT NULL;