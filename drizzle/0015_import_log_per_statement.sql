CREATE TABLE "import_run_changes" (
	"client_id" uuid NOT NULL,
	"change_set" uuid NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "import_run_changes_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"table_name" text NOT NULL,
	"row_ids" uuid[] NOT NULL,
	"befores" jsonb,
	"after_hashes" text[],
	CONSTRAINT "import_run_changes_pkey" PRIMARY KEY("client_id","change_set","seq"),
	CONSTRAINT "import_run_changes_table_check" CHECK ("import_run_changes"."table_name" in ('client_customers', 'suppression_list'))
);
