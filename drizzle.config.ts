import { defineConfig } from 'drizzle-kit';

// Generation only reads the schema; `npm run db:migrate` applies migrations itself.
export default defineConfig({
  dialect: 'postgresql',
  schema: './lib/db/schema.ts',
  out: './drizzle',
  schemaFilter: ['public'],
});
