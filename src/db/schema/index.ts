export * from "./accounts.ts";
export * from "./agent-bots.ts";
export * from "./jobs.ts";
export * from "./mail.ts";
