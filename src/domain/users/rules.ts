import { Validation } from "../errors.ts";

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function assertEmail(email: string, field = "email"): void {
  if (!EMAIL.test(email) || email.length > 254) throw Validation.field(field, "is not a valid email address");
}

/** At least 8 characters with upper- and lower-case letters, a digit and a special character. */
export function passwordProblems(password: string): string | null {
  if (password.length < 8) return "must be at least 8 characters";
  if (password.length > 128) return "must be at most 128 characters";
  if (!/[a-z]/.test(password) || !/[A-Z]/.test(password) || !/\d/.test(password) || !/[^A-Za-z0-9]/.test(password)) {
    return "must contain an uppercase letter, a lowercase letter, a number and a special character";
  }
  return null;
}

export function assertPassword(password: string, field = "password"): void {
  const problem = passwordProblems(password);
  if (problem) throw Validation.field(field, problem);
}
