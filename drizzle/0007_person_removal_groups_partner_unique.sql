ALTER TYPE "public"."event_type" ADD VALUE 'person_removed';--> statement-breakpoint
ALTER TYPE "public"."event_type" ADD VALUE 'person_restored';--> statement-breakpoint
CREATE TABLE "person_groups" (
	"organization_id" uuid NOT NULL,
	"person_id" uuid NOT NULL,
	"source" "identity_source" NOT NULL,
	"group_name" text NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "removed_reason" text;--> statement-breakpoint
ALTER TABLE "person_groups" ADD CONSTRAINT "person_groups_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "person_groups" ADD CONSTRAINT "person_groups_person_id_people_id_fk" FOREIGN KEY ("person_id") REFERENCES "public"."people"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "person_groups_pk" ON "person_groups" USING btree ("person_id","source","group_name");--> statement-breakpoint
CREATE UNIQUE INDEX "organizations_kaseyaone_org_id_lower_uq" ON "organizations" USING btree (lower("kaseyaone_org_id"));