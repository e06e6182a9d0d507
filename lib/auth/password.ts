import bcrypt from 'bcryptjs';

const COST = 11;
/**
 * Two-factor recovery codes carry 50 random bits each, so their strength is not the hash's
 * work factor; a lower cost keeps checking one against ten stored hashes well under a second.
 */
const RECOVERY_CODE_COST = 8;

export function hashPassword(plain: string): Promise<string> {
  return bcrypt.hash(plain, COST);
}

export function verifyPassword(plain: string, hash: string | null | undefined): Promise<boolean> {
  // Compare against a fixed hash when there is none, so timing does not reveal which emails exist.
  return bcrypt.compare(plain, hash ?? DUMMY_HASH);
}

export function hashRecoveryCode(code: string): Promise<string> {
  return bcrypt.hash(code, RECOVERY_CODE_COST);
}

const DUMMY_HASH = '$2b$11$C6UzMDM.H6dfI/f/IKxGhuN7b6Qy3o5J4xJqC7OJYb8QWzwKcQZ2e';
