CREATE TYPE "public"."azure_connection_status" AS ENUM('new', 'connected', 'failed', 'reconnecting', 'paused');--> statement-breakpoint
CREATE TYPE "public"."azure_email_source" AS ENUM('mail', 'user_principal_name', 'other_mails');--> statement-breakpoint
CREATE TYPE "public"."azure_run_status" AS ENUM('running', 'succeeded', 'failed', 'awaiting_confirmation', 'cancelled');--> statement-breakpoint
ALTER TYPE "public"."event_type" ADD VALUE 'sync_skipped';--> statement-breakpoint
CREATE TABLE "azure_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"tenant" text NOT NULL,
	"tenant_id" text,
	"application_id" text NOT NULL,
	"secret_ciphertext" text NOT NULL,
	"secret_hint" text NOT NULL,
	"status" "azure_connection_status" DEFAULT 'new' NOT NULL,
	"status_detail" text,
	"consent_state" text,
	"consented_at" timestamp with time zone,
	"email_source" "azure_email_source" DEFAULT 'mail' NOT NULL,
	"interval_seconds" integer DEFAULT 60 NOT NULL,
	"guard_percent" integer DEFAULT 20 NOT NULL,
	"guard_minimum" integer DEFAULT 10 NOT NULL,
	"max_failures" integer DEFAULT 5 NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"reconnect_at" timestamp with time zone,
	"resume_link" text,
	"in_full_round" boolean DEFAULT false NOT NULL,
	"full_round_generation" integer DEFAULT 0 NOT NULL,
	"last_sync_at" timestamp with time zone,
	"next_sync_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "azure_directory_users" (
	"connection_id" uuid NOT NULL,
	"object_id" text NOT NULL,
	"organization_id" uuid NOT NULL,
	"data" jsonb NOT NULL,
	"groups" text[] DEFAULT '{}'::text[] NOT NULL,
	"removed" boolean DEFAULT false NOT NULL,
	"person_id" uuid,
	"seen_generation" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "azure_sync_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"connection_id" uuid NOT NULL,
	"status" "azure_run_status" DEFAULT 'running' NOT NULL,
	"full" boolean DEFAULT false NOT NULL,
	"trigger" text DEFAULT 'schedule' NOT NULL,
	"read" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"deactivated" integer DEFAULT 0 NOT NULL,
	"archived" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"pending_deactivations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "kaseyaone_organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"external_id" text NOT NULL,
	"name" text NOT NULL,
	"client_account_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "azure_connections" ADD CONSTRAINT "azure_connections_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "azure_directory_users" ADD CONSTRAINT "azure_directory_users_connection_id_azure_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."azure_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "azure_directory_users" ADD CONSTRAINT "azure_directory_users_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "azure_directory_users" ADD CONSTRAINT "azure_directory_users_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "azure_sync_runs" ADD CONSTRAINT "azure_sync_runs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "azure_sync_runs" ADD CONSTRAINT "azure_sync_runs_connection_id_azure_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."azure_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kaseyaone_organizations" ADD CONSTRAINT "kaseyaone_organizations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "kaseyaone_organizations" ADD CONSTRAINT "kaseyaone_organizations_client_account_id_client_accounts_id_fk" FOREIGN KEY ("client_account_id") REFERENCES "public"."client_accounts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "azure_connections_org_tenant_uq" ON "azure_connections" USING btree ("organization_id",lower("tenant"));--> statement-breakpoint
CREATE UNIQUE INDEX "azure_directory_users_pk" ON "azure_directory_users" USING btree ("connection_id","object_id");--> statement-breakpoint
CREATE INDEX "azure_directory_users_person_idx" ON "azure_directory_users" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "azure_sync_runs_conn_started_idx" ON "azure_sync_runs" USING btree ("connection_id","started_at");--> statement-breakpoint
CREATE UNIQUE INDEX "kaseyaone_organizations_org_ext_uq" ON "kaseyaone_organizations" USING btree ("organization_id","external_id");--> statement-breakpoint
CREATE INDEX "kaseyaone_organizations_org_name_idx" ON "kaseyaone_organizations" USING btree ("organization_id",lower("name"));