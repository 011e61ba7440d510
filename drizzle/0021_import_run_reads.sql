CREATE TABLE "import_run_reads" (
	"client_id" uuid NOT NULL,
	"change_set" uuid NOT NULL,
	"natural_keys" text[] NOT NULL,
	CONSTRAINT "import_run_reads_pkey" PRIMARY KEY("client_id","change_set")
);
