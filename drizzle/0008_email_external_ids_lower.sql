-- Email-shaped external ids compare case-insensitively: drop an upper-case twin of a link that already exists in lower case, then lower-case the rest.
DELETE FROM "person_identities" a
USING "person_identities" b
WHERE a."external_id" ~ '^[^\s@]+@[^\s@]+\.[^\s@]+$'
  AND a."external_id" <> lower(a."external_id")
  AND b."source" = a."source" AND b."scope" = a."scope" AND b."external_id" = lower(a."external_id");--> statement-breakpoint
DELETE FROM "person_identities" a
USING "person_identities" b
WHERE a."external_id" ~ '^[^\s@]+@[^\s@]+\.[^\s@]+$'
  AND a."external_id" <> lower(a."external_id")
  AND b."source" = a."source" AND b."scope" = a."scope" AND lower(b."external_id") = lower(a."external_id")
  AND b."external_id" <> lower(b."external_id") AND b."id" < a."id";--> statement-breakpoint
UPDATE "person_identities" SET "external_id" = lower("external_id")
WHERE "external_id" ~ '^[^\s@]+@[^\s@]+\.[^\s@]+$' AND "external_id" <> lower("external_id");
