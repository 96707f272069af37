/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../deps.ts";
import { completeOnboarding, logIn, needsOnboarding, requestPasswordReset, resetPassword } from "../domain/auth/commands.ts";
import { destroySession } from "../domain/auth/sessions.ts";
import { verifyLinkToken } from "../domain/auth/signed-links.ts";
import { NotFound, TooManyRequests, Unauthorized, Validation } from "../domain/errors.ts";
import { ForgotPasswordPage } from "../../views/pages/auth/forgot-password.tsx";
import { LoginPage, type LoginNotice } from "../../views/pages/auth/login.tsx";
import { OnboardingPage } from "../../views/pages/auth/onboarding.tsx";
import { ResetPasswordPage } from "../../views/pages/auth/reset-password.tsx";
import { currentUser, pageDoc, render } from "./context.ts";
import { fieldErrorsOf, minutesLeft, readForm, secret, submitted, text } from "./forms.ts";
import { rotateCsrfToken } from "./security.tsx";
import { clearSessionCookie, clientIp, sessionToken, setSessionCookie } from "./session.ts";

const onboardingForm = z.object({ name: text(), email: text(254), password: secret(), account_name: text() });
const loginForm = z.object({ email: text(254), password: secret() });
const forgotForm = z.object({ email: text(254) });
const resetForm = z.object({ reset_password_token: text(2000), password: secret(), password_confirmation: secret() });

const LOGIN_NOTICES: Record<string, LoginNotice> = {
  sso: { kind: "error", title: "That sign-in link is invalid or was already used" },
  reset: { kind: "success", title: "Your password was changed", text: "Log in with your new password." },
};

function tooMany(err: TooManyRequests): LoginNotice {
  return { kind: "error", title: `Too many attempts, try again in ${minutesLeft(err.retryAfterSeconds)}.` };
}

/** The reason a reset link cannot be used, in words, from the domain's "token" validation message. */
function linkProblem(message: string): string {
  return /expired/i.test(message)
    ? "This link has expired: reset links work for 2 hours. Request a new one below."
    : "This link is invalid or was already used. Request a new one below.";
}

export const authRoutes = new Hono<AppEnv>()
  .get("/app/onboarding", (c) => {
    if (!needsOnboarding(c.var.deps)) throw new NotFound("Page");
    return render(c, <OnboardingPage doc={pageDoc(c, "Welcome")} />);
  })
  .post("/app/onboarding", async (c) => {
    if (!needsOnboarding(c.var.deps)) throw new NotFound("Page");
    try {
      const form = await readForm(c, onboardingForm);
      const userAgent = c.req.header("user-agent");
      const { token } = await completeOnboarding(c.var.deps, { ...form, accountName: form.account_name, ip: clientIp(c), userAgent });
      setSessionCookie(c, token);
      rotateCsrfToken(c);
      return c.redirect("/app", 302);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      const values = await submitted(c, ["name", "email", "account_name"]);
      return render(c, <OnboardingPage doc={pageDoc(c, "Welcome")} values={values} errors={errors} message={errors.base} />, 422);
    }
  })
  .get("/app/login", (c) => {
    if (currentUser(c)) return c.redirect("/app", 302);
    const notice = LOGIN_NOTICES[c.req.query("error") ?? ""] ?? (c.req.query("reset") === "done" ? LOGIN_NOTICES.reset : undefined);
    return render(c, <LoginPage doc={pageDoc(c, "Log in")} notice={notice} />);
  })
  .post("/app/login", async (c) => {
    let email = "";
    try {
      const form = await readForm(c, loginForm);
      email = form.email;
      const { token } = await logIn(c.var.deps, c.var.limits, { ...form, ip: clientIp(c), userAgent: c.req.header("user-agent") });
      setSessionCookie(c, token);
      rotateCsrfToken(c);
      return c.redirect("/app", 302);
    } catch (err) {
      const doc = pageDoc(c, "Log in");
      if (err instanceof TooManyRequests) {
        return render(c, <LoginPage doc={doc} email={email} notice={tooMany(err)} />, 429, { "Retry-After": String(err.retryAfterSeconds) });
      }
      if (!(err instanceof Unauthorized || err instanceof Validation)) throw err;
      return render(c, <LoginPage doc={doc} email={email} notice={{ kind: "error", title: "Invalid email or password" }} />, 401);
    }
  })
  .post("/app/logout", (c) => {
    const token = sessionToken(c);
    if (token) c.var.deps.tx((tx) => destroySession(tx, token));
    clearSessionCookie(c);
    rotateCsrfToken(c);
    return c.redirect("/app/login", 302);
  })
  .get("/app/auth/password", (c) => render(c, <ForgotPasswordPage doc={pageDoc(c, "Reset your password")} />))
  .post("/app/auth/password", async (c) => {
    const doc = pageDoc(c, "Reset your password");
    try {
      const form = await readForm(c, forgotForm);
      await requestPasswordReset(c.var.deps, c.var.limits, { email: form.email, ip: clientIp(c) });
      return render(c, <ForgotPasswordPage doc={doc} sent />);
    } catch (err) {
      if (err instanceof TooManyRequests) {
        return render(c, <ForgotPasswordPage doc={doc} message={tooMany(err).title} />, 429, { "Retry-After": String(err.retryAfterSeconds) });
      }
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      return render(c, <ForgotPasswordPage doc={doc} errors={errors} />, 422);
    }
  })
  .get("/app/auth/password/edit", async (c) => {
    const token = c.req.query("reset_password_token") ?? "";
    const deps = c.var.deps;
    const problem = await verifyLinkToken(deps.config.secretKey, "password_reset", token, deps.clock.now()).then(
      () => undefined,
      (err) => linkProblem(err instanceof Error ? err.message : ""),
    );
    return render(c, <ResetPasswordPage doc={pageDoc(c, "Choose a new password")} token={token} invalid={problem} />);
  })
  .post("/app/auth/password/edit", async (c) => {
    const doc = pageDoc(c, "Choose a new password");
    let token = "";
    try {
      const form = await readForm(c, resetForm);
      token = form.reset_password_token;
      if (form.password !== form.password_confirmation) throw Validation.field("password_confirmation", "doesn't match the new password");
      await resetPassword(c.var.deps, { token, password: form.password });
      return c.redirect("/app/login?reset=done", 302);
    } catch (err) {
      const errors = fieldErrorsOf(err);
      if (!errors) throw err;
      if (errors.token) return render(c, <ResetPasswordPage doc={doc} token="" invalid={linkProblem(errors.token)} />, 422);
      return render(c, <ResetPasswordPage doc={doc} token={token} errors={errors} />, 422);
    }
  });
