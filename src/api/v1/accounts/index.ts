import { Hono } from "hono";
import type { AppEnv } from "../../../deps.ts";
import { accountScope } from "../../middleware/account.ts";
import { requireApiActor } from "../../middleware/auth.ts";
import { accountDetailRoutes } from "./account.ts";
import { agentRoutes } from "./agents.ts";
import { customRoleRoutes } from "./custom-roles.ts";
import { assignableAgentRoutes, inboxMemberRoutes } from "./inbox-members.ts";
import { teamRoutes } from "./teams.ts";
import { inboxRoutes } from "./inboxes.ts";
import { agentBotRoutes } from "./agent-bots.ts";
import { inboxAgentBotRoutes } from "./inbox-agent-bot.ts";
import { conversationRoutes } from "./conversations.ts";
import { labelRoutes } from "./labels.ts";
import { notificationRoutes } from "./notifications.ts";
import { notificationSettingRoutes } from "./notification-settings.ts";
import { attachmentRoutes } from "./attachments.ts";
import { contactRoutes } from "./contacts.ts";
import { contactNoteRoutes } from "./contact-notes.ts";
import { contactMergeRoutes } from "./contact-merge.ts";
import { bulkActionRoutes } from "./bulk-actions.ts";
import { webhookRoutes } from "./webhooks.ts";
import { dashboardAppRoutes } from "./dashboard-apps.ts";
import { cannedResponseRoutes } from "./canned-responses.ts";
import { searchApiRoutes } from "./search.ts";
import { csatRoutes } from "./csat.ts";
import { customAttributeDefinitionRoutes } from "./custom-attribute-definitions.ts";
import { customFilterRoutes } from "./custom-filters.ts";
import { macroRoutes } from "./macros.ts";
import { automationRuleRoutes } from "./automation-rules.ts";
import { assignmentPolicyRoutes, inboxAssignmentPolicyRoutes } from "./assignment-policies.ts";
import { agentCapacityPolicyRoutes } from "./agent-capacity-policies.ts";
import { slaPolicyRoutes } from "./sla-policies.ts";
import { appliedSlaRoutes } from "./applied-slas.ts";

/**
 * /api/v1/accounts/:account_id/… — every route below has c.var.scope (account, role, permissions).
 * Each resource is its own router in this folder, mounted here.
 */
export const accountRoutes = new Hono<AppEnv>()
  .use(requireApiActor)
  .use(accountScope)
  .route("/", accountDetailRoutes)
  .route("/contacts/:contact_id/notes", contactNoteRoutes)
  .route("/contacts", contactRoutes)
  .route("/actions/contact_merge", contactMergeRoutes)
  .route("/bulk_actions", bulkActionRoutes)
  .route("/inboxes/:inbox_id/assignment_policy", inboxAssignmentPolicyRoutes)
  .route("/inboxes", inboxAgentBotRoutes)
  .route("/inboxes", inboxRoutes)
  .route("/agent_bots", agentBotRoutes)
  .route("/agents", agentRoutes)
  .route("/custom_roles", customRoleRoutes)
  .route("/teams", teamRoutes)
  .route("/inbox_members", inboxMemberRoutes)
  .route("/assignable_agents", assignableAgentRoutes)
  .route("/conversations", conversationRoutes)
  .route("/labels", labelRoutes)
  .route("/notifications", notificationRoutes)
  .route("/notification_settings", notificationSettingRoutes)
  .route("/attachments", attachmentRoutes)
  .route("/webhooks", webhookRoutes)
  .route("/dashboard_apps", dashboardAppRoutes)
  .route("/canned_responses", cannedResponseRoutes)
  .route("/csat_survey_responses", csatRoutes)
  .route("/custom_attribute_definitions", customAttributeDefinitionRoutes)
  .route("/custom_filters", customFilterRoutes)
  .route("/macros", macroRoutes)
  .route("/automation_rules", automationRuleRoutes)
  .route("/assignment_policies", assignmentPolicyRoutes)
  .route("/agent_capacity_policies", agentCapacityPolicyRoutes)
  .route("/sla_policies", slaPolicyRoutes)
  .route("/applied_slas", appliedSlaRoutes)
  .route("/search", searchApiRoutes);
