// The only module with side effects: reads the configuration and runs one command.
import { loadConfig, ConfigError } from "./config.ts";
import { backupDatabase, restoreDatabase, listJobs, runMigrations } from "./cli.ts";
import { claimPidFile, releasePidFile } from "./lib/pid-file.ts";
import { startServer } from "./server.ts";
import { VERSION } from "./version.ts";

const USAGE = `Parley ${VERSION}

Usage: parley [command]

  serve              serve the dashboard, APIs and widget (default)
  backup FILE        write a consistent copy of the database to FILE (works while the server runs)
  restore FILE       replace the database with FILE (the server must be stopped)
  migrate            apply pending migrations and exit
  jobs [--dead]      list queued (or dead) background jobs
  version            print the version
`;

async function main(argv: string[]): Promise<number> {
  const [command = "serve", ...args] = argv;
  if (command === "version" || command === "--version") return void console.log(VERSION), 0;
  if (command === "help" || command === "--help" || command === "-h") return void console.log(USAGE), 0;
  const config = loadConfig();
  switch (command) {
    case "serve":
      return serve(config);
    case "backup":
      return backupDatabase(config, args[0]);
    case "restore":
      return restoreDatabase(config, args[0]);
    case "migrate":
      return runMigrations(config);
    case "jobs":
      return listJobs(config, args.includes("--dead"));
    default:
      console.error(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

async function serve(config: ReturnType<typeof loadConfig>): Promise<number> {
  claimPidFile(config.dataDir);
  const server = startServer(config);
  const shutdown = async (signal: string) => {
    server.deps.log.info("shutting down", { signal });
    await server.stop();
    releasePidFile(config.dataDir);
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  return new Promise(() => {});
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  },
);
