CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
DROP INDEX "people_org_type_idx";--> statement-breakpoint
CREATE INDEX "people_org_type_name_idx" ON "people" USING btree ("organization_id","type","last_name","first_name","id");--> statement-breakpoint
CREATE INDEX "people_org_type_email_idx" ON "people" USING btree ("organization_id","type",lower("email"));--> statement-breakpoint
CREATE INDEX "people_email_trgm_idx" ON "people" USING gin ("email" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "people_name_trgm_idx" ON "people" USING gin (("first_name" || ' ' || "last_name") gin_trgm_ops);