ALTER TABLE "azure_connections" ADD COLUMN "reevaluate_requested_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "azure_connections" ADD COLUMN "reevaluate_reason" text;--> statement-breakpoint
ALTER TABLE "azure_connections" ADD COLUMN "membership_groups" text[];--> statement-breakpoint
ALTER TABLE "azure_directory_users" ADD COLUMN "applied" jsonb;--> statement-breakpoint
ALTER TABLE "azure_sync_runs" ADD COLUMN "note" text;--> statement-breakpoint
ALTER TABLE "azure_sync_runs" ADD COLUMN "progress_at" timestamp with time zone;