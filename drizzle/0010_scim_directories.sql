ALTER TYPE "public"."event_type" ADD VALUE 'scim_request_refused';--> statement-breakpoint
ALTER TYPE "public"."identity_source" ADD VALUE 'scim';--> statement-breakpoint
ALTER TYPE "public"."person_source" ADD VALUE 'scim';--> statement-breakpoint
CREATE TABLE "scim_directories" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"provider" text NOT NULL,
	"token_hash" text NOT NULL,
	"token_created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_request_at" timestamp with time zone,
	"guard_percent" integer DEFAULT 20 NOT NULL,
	"guard_minimum" integer DEFAULT 10 NOT NULL,
	"held_deactivations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scim_directory_groups" (
	"directory_id" uuid NOT NULL,
	"group_id" text NOT NULL,
	"organization_id" uuid NOT NULL,
	"name" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scim_directory_users" (
	"directory_id" uuid NOT NULL,
	"object_id" text NOT NULL,
	"organization_id" uuid NOT NULL,
	"data" jsonb NOT NULL,
	"groups" text[] DEFAULT '{}'::text[] NOT NULL,
	"removed" boolean DEFAULT false NOT NULL,
	"person_id" uuid,
	"applied" jsonb,
	"seen_generation" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "scim_directories" ADD CONSTRAINT "scim_directories_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scim_directory_groups" ADD CONSTRAINT "scim_directory_groups_directory_id_scim_directories_id_fk" FOREIGN KEY ("directory_id") REFERENCES "public"."scim_directories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scim_directory_groups" ADD CONSTRAINT "scim_directory_groups_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scim_directory_users" ADD CONSTRAINT "scim_directory_users_directory_id_scim_directories_id_fk" FOREIGN KEY ("directory_id") REFERENCES "public"."scim_directories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scim_directory_users" ADD CONSTRAINT "scim_directory_users_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scim_directory_users" ADD CONSTRAINT "scim_directory_users_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "scim_directories_org_idx" ON "scim_directories" USING btree ("organization_id");--> statement-breakpoint
CREATE UNIQUE INDEX "scim_directory_groups_pk" ON "scim_directory_groups" USING btree ("directory_id","group_id");--> statement-breakpoint
CREATE UNIQUE INDEX "scim_directory_users_pk" ON "scim_directory_users" USING btree ("directory_id","object_id");--> statement-breakpoint
CREATE INDEX "scim_directory_users_person_idx" ON "scim_directory_users" USING btree ("person_id");