// The only module with side effects: reads the configuration and runs one command.
import { loadConfig, ConfigError, type Config } from "./config.ts";
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

const COMMANDS: Record<string, (config: Config, args: string[]) => number | Promise<number>> = {
  serve: (config) => serve(config),
  backup: (config, args) => backupDatabase(config, args[0]),
  restore: (config, args) => restoreDatabase(config, args[0]),
  migrate: (config) => runMigrations(config),
  jobs: (config, args) => listJobs(config, args.includes("--dead")),
  healthcheck: (config) => healthcheck(config),
};

async function main(argv: string[]): Promise<number> {
  const [command = "serve", ...args] = argv;
  if (command === "version" || command === "--version") return void console.log(VERSION), 0;
  if (command === "help" || command === "--help" || command === "-h") return void console.log(USAGE), 0;
  const run = COMMANDS[command];
  if (!run) {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  return run(loadConfig(), args);
}

async function serve(config: Config): Promise<number> {
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
