ALTER TYPE "public"."event_type" ADD VALUE 'sso_failed';--> statement-breakpoint
CREATE TABLE "sso_failures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"step" text NOT NULL,
	"reason_code" text NOT NULL,
	"issuer" text,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "sso_failures_created_idx" ON "sso_failures" USING btree ("created_at");