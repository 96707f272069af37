import { eq } from "drizzle-orm";
import type { AppDeps } from "../../deps.ts";
import { users } from "../../db/schema/accounts.ts";
import { hashPassword, verifyPassword } from "../../lib/crypto.ts";
import { RateLimiter } from "../../lib/rate-limit.ts";
import { addAccountUser, createAccount } from "../accounts/commands.ts";
import { Conflict, NotFound, TooManyRequests, Unauthorized, Validation } from "../errors.ts";
import { queueMail } from "../mail/commands.ts";
import { createUser, setPassword } from "../users/commands.ts";
import { countUsers, findUserByEmail, getUser, membershipsOf } from "../users/queries.ts";
import { assertPassword, normalizeEmail } from "../users/rules.ts";
import { createSession } from "./sessions.ts";
import { consumeLinkToken, signLinkToken, verifyLinkToken } from "./signed-links.ts";
import { passwordResetMail } from "./mails.ts";

/** Throttles for the unauthenticated endpoints, one set per running app. */
export class AuthLimits {
  readonly loginByIp: RateLimiter;
  readonly loginByEmail: RateLimiter;
  readonly resetByIp: RateLimiter;
  constructor(now: () => number) {
    this.loginByIp = new RateLimiter(20, 15 * 60_000, now);
    this.loginByEmail = new RateLimiter(5, 15 * 60_000, now);
    this.resetByIp = new RateLimiter(5, 60 * 60_000, now);
  }
}

// A fixed hash to verify against when the email is unknown, so response time does not reveal which emails exist.
let dummyHash: Promise<string> | null = null;

export type LoginInput = { email: string; password: string; ip: string; userAgent?: string | null };

/** Verifies credentials under per-IP and per-email limits and opens a dashboard session. */
export async function logIn(deps: AppDeps, limits: AuthLimits, input: LoginInput) {
  const email = normalizeEmail(input.email);
  const wait = Math.max(limits.loginByIp.blockedFor(input.ip), limits.loginByEmail.blockedFor(email));
  if (wait > 0) throw new TooManyRequests(wait);

  const user = findUserByEmail(deps.db, email);
  const ok = user?.encrypted_password
    ? await verifyPassword(input.password, user.encrypted_password)
    : (await verifyPassword(input.password, await (dummyHash ??= hashPassword("not-a-real-password-1A!"))), false);
  if (!user || !ok) {
    limits.loginByIp.hit(input.ip);
    limits.loginByEmail.hit(email);
    throw new Unauthorized("Invalid login credentials. Please try again.");
  }
  limits.loginByEmail.reset(email);
  const accountId = membershipsOf(deps.db, user.id)[0]?.account_id ?? null;
  return deps.tx((tx) => ({ user, ...createSession(tx, { userId: user.id, accountId, ip: input.ip, userAgent: input.userAgent }) }));
}

export const PASSWORD_RESET_TTL_SECONDS = 2 * 3600;

/**
 * Emails a signed, single-use, expiring reset link. Unknown emails get the same answer and the same
 * timing path, so the endpoint cannot be used to discover accounts.
 */
export async function requestPasswordReset(deps: AppDeps, limits: AuthLimits, input: { email: string; ip: string }) {
  const wait = limits.resetByIp.blockedFor(input.ip);
  if (wait > 0) throw new TooManyRequests(wait);
  limits.resetByIp.hit(input.ip);
  const user = findUserByEmail(deps.db, input.email);
  if (!user) return;
  await sendPasswordResetLink(deps, user.id);
}

/** Used by the reset form and by administrators ("send reset instructions"). */
export async function sendPasswordResetLink(deps: AppDeps, userId: number, reason: "reset" | "invite" = "reset") {
  const user = getUser(deps.db, userId);
  const token = await signLinkToken(deps.config.secretKey, "password_reset", user.id, PASSWORD_RESET_TTL_SECONDS, deps.clock.now(), {
    pwv: user.password_changed_at ?? 0,
  });
  const url = `${deps.config.publicUrl}/app/auth/password/edit?reset_password_token=${encodeURIComponent(token)}`;
  deps.tx((tx) => queueMail(tx, passwordResetMail({ to: user.email, name: user.name, url, reason })));
  return url;
}

/** Sets a new password from a reset link; the link dies with its first use and with any later password change. */
export async function resetPassword(deps: AppDeps, input: { token: string; password: string }) {
  const claims = await verifyLinkToken(deps.config.secretKey, "password_reset", input.token, deps.clock.now());
  assertPassword(input.password);
  const hash = await hashPassword(input.password);
  return deps.tx((tx) => {
    const user = tx.db.select().from(users).where(eq(users.id, claims.userId)).get();
    if (!user || (user.password_changed_at ?? 0) !== claims.extra.pwv) throw Validation.field("token", "is invalid");
    consumeLinkToken(tx, "password_reset", claims);
    return setPassword(tx, user.id, hash, null);
  });
}

/** Profile password change: needs the current password; ends the user's other sessions. */
export async function changePassword(
  deps: AppDeps,
  input: { userId: number; currentPassword: string | undefined; password: string; keepSessionId: number | null },
) {
  const user = getUser(deps.db, input.userId);
  if (!input.currentPassword || !user.encrypted_password || !(await verifyPassword(input.currentPassword, user.encrypted_password))) {
    throw Validation.field("current_password", "is invalid");
  }
  assertPassword(input.password);
  const hash = await hashPassword(input.password);
  return deps.tx((tx) => setPassword(tx, user.id, hash, input.keepSessionId));
}

export const SSO_TTL_SECONDS = 5 * 60;

/** A one-time link that logs the user into the dashboard (Platform API users/{id}/login). */
export async function createSsoLink(deps: AppDeps, userId: number): Promise<string> {
  getUser(deps.db, userId);
  const token = await signLinkToken(deps.config.secretKey, "sso_login", userId, SSO_TTL_SECONDS, deps.clock.now());
  return `${deps.config.publicUrl}/app/login/sso?token=${encodeURIComponent(token)}`;
}

export async function logInWithSsoToken(deps: AppDeps, input: { token: string; ip: string; userAgent?: string | null }) {
  const claims = await verifyLinkToken(deps.config.secretKey, "sso_login", input.token, deps.clock.now());
  return deps.tx((tx) => {
    const user = tx.db.select().from(users).where(eq(users.id, claims.userId)).get();
    if (!user) throw new NotFound("User");
    consumeLinkToken(tx, "sso_login", claims);
    const accountId = membershipsOf(tx.db, user.id)[0]?.account_id ?? null;
    return { user, ...createSession(tx, { userId: user.id, accountId, ip: input.ip, userAgent: input.userAgent }) };
  });
}

export function needsOnboarding(deps: AppDeps): boolean {
  return countUsers(deps.db) === 0;
}

export type OnboardingInput = { name: string; email: string; password: string; accountName: string; ip: string; userAgent?: string | null };

/**
 * Creates the installation's first user (a SuperAdmin, administrator of the first account) and logs in.
 * The user count is checked again inside the write transaction, so two racing submissions cannot both win.
 */
export async function completeOnboarding(deps: AppDeps, input: OnboardingInput) {
  if (!input.name.trim()) throw Validation.field("name", "can't be blank");
  if (!input.accountName.trim()) throw Validation.field("account_name", "can't be blank");
  assertPassword(input.password);
  const hash = await hashPassword(input.password);
  return deps.tx((tx) => {
    if (countUsers(tx.db) > 0) throw new Conflict("Parley is already set up");
    const user = createUser(tx, { name: input.name, email: input.email, passwordHash: hash, confirmed: true, type: "SuperAdmin" });
    const account = createAccount(tx, { name: input.accountName });
    addAccountUser(tx, { accountId: account.id, userId: user.id, role: "administrator" });
    return { user, account, ...createSession(tx, { userId: user.id, accountId: account.id, ip: input.ip, userAgent: input.userAgent }) };
  });
}
