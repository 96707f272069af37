/** @jsxImportSource hono/jsx */
import type { Context } from "hono";
import { errorResponse } from "../api/errors.ts";
import type { AppEnv } from "../deps.ts";
import { ErrorPage } from "../../views/pages/errors/error.tsx";
import { pageDoc, refreshIfHtmx, render } from "./context.ts";

const TITLES: Record<number, { title: string; text?: string }> = {
  403: { title: "You don't have access to this page" },
  404: { title: "Page not found", text: "The page does not exist, or it belongs to an account you are not a member of." },
  413: { title: "That was too large", text: "The upload or form you sent is larger than Parley accepts." },
  429: { title: "Too many requests", text: "Please wait a moment and try again." },
};

/** Dashboard errors become HTML pages (the JSON shape of app.onError is for API clients). */
export function htmlError(err: Error, c: Context<AppEnv>) {
  const mapped = errorResponse(err);
  if (!mapped) c.var.deps.log.error("unhandled dashboard error", { err, method: c.req.method, path: c.req.path });
  const status = mapped ? mapped.status : 500;
  const known = TITLES[status];
  const title = known?.title ?? (status === 500 ? "Something went wrong" : "That did not work");
  const text = known?.text ?? (mapped && status < 500 ? mapped.body.message : "An unexpected error happened on our side. Please try again.");
  const page = <ErrorPage doc={pageDoc(c, title)} status={status} title={title} text={text} />;
  return render(c, page, status, { ...mapped?.headers, ...refreshIfHtmx(c) });
}

export function notFoundPage(c: Context<AppEnv>) {
  const t = TITLES[404];
  return render(c, <ErrorPage doc={pageDoc(c, t.title)} status={404} title={t.title} text={t.text!} />, 404);
}
