import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { requireSecrets } from '../env';

// Secrets admins give us (an Azure application key…) are stored sealed with
// AES-256-GCM under ENCRYPTION_KEY. The stored form is versioned so a later key
// rotation can tell old from new: v1.<iv>.<tag>.<ciphertext>, each base64url.

const VERSION = 'v1';

function key(): Buffer {
  return Buffer.from(requireSecrets().ENCRYPTION_KEY, 'base64');
}

/** `context` (e.g. the row's organization id) is bound in as associated data: a sealed value moved to another row does not open. */
export function seal(plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export class SecretUnreadableError extends Error {
  constructor() {
    super('The stored secret cannot be decrypted with the current ENCRYPTION_KEY; enter it again.');
    this.name = 'SecretUnreadableError';
  }
}

export function open(sealed: string, context: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || body === undefined) throw new SecretUnreadableError();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretUnreadableError();
  }
}

/** What the console shows for a saved secret: never more than its last four characters. */
export function maskHint(secret: string): string {
  return secret.length > 8 ? secret.slice(-4) : '';
}
