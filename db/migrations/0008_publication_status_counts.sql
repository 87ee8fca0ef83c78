CREATE TABLE "publication_status_counts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"status" "publication_status" NOT NULL,
	"n" bigint NOT NULL
);
