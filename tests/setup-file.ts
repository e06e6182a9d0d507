import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';
import { withDatabase } from './global-setup';

// Each test file gets its own database cloned from the migrated template, and the
// app's env module sees it as DATABASE_URL.
const server = inject('testServerUrl');
const name = `ap_t_${inject('runId')}_${randomBytes(4).toString('hex')}`;
const admin = postgres(server, { max: 1, onnotice: () => {} });
await admin.unsafe(`create database "${name}" template "${inject('templateDb')}"`);
await admin.end();

process.env.DATABASE_URL = withDatabase(server, name);
process.env.AUTH_SECRET ??= randomBytes(32).toString('base64url');
process.env.ENCRYPTION_KEY ??= randomBytes(32).toString('base64');
