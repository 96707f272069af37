/** @jsxImportSource hono/jsx */
import type { Child } from "hono/jsx";
import { NoticeAlert, type Notice } from "../../components/form.tsx";
import { PageHeader, type Shell } from "../../layouts/app.tsx";
import { SettingsLayout, type SettingsAccess, type SettingsPage } from "./layout.tsx";

/**
 * One settings page: the settings navigation (with `page` current), the page header, and the body (a column of
 * cards) opening with the outcome of the last form post when there is one (`notice`, shown as `#noticeId`).
 * `narrow` keeps the whole body to the width of a form; `after` goes after the body (dialogs).
 */
export function SettingsFrame(props: {
  shell: Shell;
  access: SettingsAccess;
  page: SettingsPage;
  title: string;
  subtitle?: string;
  actions?: Child;
  notice?: Notice;
  noticeId?: string;
  narrow?: boolean;
  after?: Child;
  children: Child;
}) {
  return (
    <SettingsLayout shell={props.shell} page={props.page} access={props.access}>
      <PageHeader title={props.title} subtitle={props.subtitle} actions={props.actions} />
      <div class={props.narrow ? "page-body stack-lg narrow" : "page-body stack-lg"}>
        {props.noticeId ? <NoticeAlert notice={props.notice} id={props.noticeId} /> : null}
        {props.children}
      </div>
      {props.after}
    </SettingsLayout>
  );
}
