ALTER TYPE "public"."event_type" ADD VALUE 'person_removed';--> statement-breakpoint
ALTER TYPE "public"."event_type" ADD VALUE 'person_restored';--> statement-breakpoint
ALTER TABLE "people" ADD COLUMN "removed_reason" text;