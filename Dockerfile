# syntax=docker/dockerfile:1
#
# zpa-exporter container image.
#
#   docker build -t zpa-exporter:0.1.0 \
#     --build-arg VERSION=0.1.0 \
#     --build-arg REVISION="$(git rev-parse --short=12 HEAD)" \
#     --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" .
#   docker run --rm -p 9891:9891 zpa-exporter:0.1.0 --demo --web.listen-address=:9891
#
# Needs BuildKit (default since Docker 23; `DOCKER_BUILDKIT=1` before that) for the cache mounts.
# See docs/install.md for running it against a real tenant. Add --label
# org.opencontainers.image.source=<your repository URL> when you publish the image.

# Build on bookworm so the binary's glibc symbol versions match the Debian 12 runtime below.
ARG RUST_VERSION=1.95

FROM docker.io/library/rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src
# Only the files cargo reads (.dockerignore is an allowlist of the same).
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY benches ./benches
COPY crates ./crates
# build.rs embeds the revision into zpa_exporter_build_info; .git is not in the build context.
ARG REVISION=unknown
# Dependency caching: the crate registry and target/ live in BuildKit cache mounts, so a source
# change recompiles only the exporter, not its dependencies. The cache mount is not part of
# the image, hence the copy of the binary out of it in the same step. rustls (ring) is used for
# TLS: ring's C parts need only the gcc that the slim Rust image ships; no OpenSSL, no apt.
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    ZPA_EXPORTER_REVISION="${REVISION}" \
    cargo build --release --locked --bin zpa-exporter \
 && cp target/release/zpa-exporter /zpa-exporter

# The binary links glibc and libgcc_s (Rust's unwinder) dynamically: distroless "cc" carries both,
# plus CA certificates, tzdata and /etc/passwd with the nonroot user (uid/gid 65532).
# "static" would lack glibc. Pin a digest (…:nonroot@sha256:…) for reproducible builds.
FROM gcr.io/distroless/cc-debian12:nonroot

ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=""
LABEL org.opencontainers.image.title="zpa-exporter" \
      org.opencontainers.image.description="Prometheus exporter for the Zscaler Private Access (ZPA) management API" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.base.name="gcr.io/distroless/cc-debian12:nonroot"

COPY --from=build /zpa-exporter /zpa-exporter

# Numeric uid/gid, so Kubernetes' runAsNonRoot can verify it without an /etc/passwd lookup.
USER 65532:65532
EXPOSE 9891
# No shell in the image: the exporter probes itself. Its default URL is
# http://127.0.0.1:9891/-/healthy; with another port, TLS or basic auth see docs/install.md.
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3 \
  CMD ["/zpa-exporter", "healthcheck"]
ENTRYPOINT ["/zpa-exporter"]
