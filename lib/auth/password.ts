import bcrypt from 'bcryptjs';

const COST = 11;

export function hashPassword(plain: string): Promise<string> {
  return bcrypt.hash(plain, COST);
}

export function verifyPassword(plain: string, hash: string | null | undefined): Promise<boolean> {
  // Compare against a fixed hash when there is none, so timing does not reveal which emails exist.
  return bcrypt.compare(plain, hash ?? DUMMY_HASH);
}

const DUMMY_HASH = '$2b$11$C6UzMDM.H6dfI/f/IKxGhuN7b6Qy3o5J4xJqC7OJYb8QWzwKcQZ2e';
