# syntax=docker/dockerfile:1
#
# zpa-simulator image for the demo stack (deploy/compose/compose.yaml): its `lss` subcommand
# streams Log Streaming Service records of the demo tenant into the exporter's LSS listeners.
# Built from the repository root like the exporter's Dockerfile (same .dockerignore allowlist):
#
#   docker build -f deploy/compose/simulator.Dockerfile -t zpa-simulator:demo .
#   docker run --rm zpa-simulator:demo lss --to HOST:PORT --type user_activity --rate 20

ARG RUST_VERSION=1.95

FROM docker.io/library/rust:${RUST_VERSION}-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY benches ./benches
COPY crates ./crates
RUN --mount=type=cache,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,target=/src/target,sharing=locked \
    cargo build --release --locked -p zpa-simulator --bin zpa-simulator \
 && cp target/release/zpa-simulator /zpa-simulator

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /zpa-simulator /zpa-simulator
USER 65532:65532
ENTRYPOINT ["/zpa-simulator"]
