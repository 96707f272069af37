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
  healthcheck        exit 0 if the server on $PORT answers GET /health with 200, else 1 (container health checks)
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
    case "healthcheck":
      return healthcheck(config);
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

/** For a container HEALTHCHECK: the runtime image has no curl, so the executable asks itself. */
async function healthcheck(config: ReturnType<typeof loadConfig>): Promise<number> {
  const url = `http://127.0.0.1:${config.port}/health`;
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (res.status === 200) return 0;
    console.error(`${url} answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
  } catch (err) {
    console.error(`${url}: ${(err as Error).message}`);
  }
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  },
);
