# syntax=docker/dockerfile:1
# Parley in a container: a Bun stage compiles dist/parley; the runtime image holds only that file.
#
#   docker build -t parley .
#   docker run -d --name parley -p 3000:3000 -v parley-data:/data \
#     -e PARLEY_PUBLIC_URL=https://support.example.com parley
#
# Backups from the host:  docker exec parley parley backup /data/backups/parley-$(date +%F).db

# Keep equal to the `bun` devDependency in package.json: the executable embeds the Bun runtime that builds it.
ARG BUN_VERSION=1.4.5

# ---- build ------------------------------------------------------------------------------------------------------
FROM oven/bun:${BUN_VERSION} AS build
WORKDIR /src
# Dependencies first, so this layer is reused while only the source changes. Bun reads package-lock.json
# (npm's lockfile is the project's only lockfile) and --frozen-lockfile refuses any drift from it. The build needs
# only the runtime dependencies: the image's own bun compiles.
COPY package.json package-lock.json bunfig.toml ./
RUN bun install --frozen-lockfile --production
# The rest of the tree (.dockerignore keeps out node_modules, dist, data and local state).
COPY . .
# scripts/build.ts checks the embedded migrations are fresh, compiles, and runs `parley version` from an empty dir.
RUN bun scripts/build.ts --outfile /out/parley

# ---- runtime ----------------------------------------------------------------------------------------------------
FROM debian:bookworm-slim AS runtime
# ca-certificates: for operators who add their own CAs (Bun carries Mozilla's roots); nothing else is needed:
# the executable links only glibc.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 parley \
 && useradd --system --uid 10001 --gid parley --home-dir /data --no-create-home --shell /usr/sbin/nologin parley \
 && mkdir -p /data \
 && chown parley:parley /data
COPY --from=build --chmod=0755 /out/parley /usr/local/bin/parley

ENV PORT=3000 \
    PARLEY_DATA_DIR=/data
USER parley:parley
WORKDIR /data
VOLUME ["/data"]
EXPOSE 3000
# The image has no curl: the executable checks itself (GET http://127.0.0.1:$PORT/health, exit 0 on 200).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 CMD ["parley", "healthcheck"]
# SIGTERM drains requests and the job runner, then exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["parley"]
CMD ["serve"]
