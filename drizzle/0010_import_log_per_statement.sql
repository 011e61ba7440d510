CREATE TABLE "import_run_changes" (
	"change_set" uuid NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "import_run_changes_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"table_name" text NOT NULL,
	"row_ids" uuid[] NOT NULL,
	"befores" jsonb,
	"after_hashes" text[],
	CONSTRAINT "import_run_changes_change_set_seq_pk" PRIMARY KEY("change_set","seq"),
	CONSTRAINT "import_run_changes_table_check" CHECK ("import_run_changes"."table_name" in ('client_customers', 'suppression_list'))
);
