# `eesim serve` in a container: built in a Rust image, run in a small Debian one as a user
# without privileges. The cached feed lives in /var/lib/eesim (mount a volume there to keep
# it across restarts); put a reverse proxy with TLS in front (see the README).
#
#   docker build -t eesim .
#   docker run --rm -p 127.0.0.1:8080:8080 -v eesim-cache:/var/lib/eesim eesim

FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock README.md DESIGN.md ./
COPY src src
COPY scenarios scenarios
COPY examples examples
COPY benches benches
COPY tests tests
RUN cargo build --release --locked --features serve --bin eesim \
    && strip target/release/eesim

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/eesim --create-home --shell /usr/sbin/nologin eesim
COPY --from=build /src/target/release/eesim /usr/local/bin/eesim
USER eesim
WORKDIR /var/lib/eesim
ENV EESIM_CACHE_DIR=/var/lib/eesim/cache
EXPOSE 8080
STOPSIGNAL SIGTERM
# Inside the container the server must listen on every interface for the published port;
# publish it on the host's loopback only (as above) and let the reverse proxy reach it.
ENTRYPOINT ["eesim", "serve", "--bind", "0.0.0.0:8080"]
CMD ["--refresh", "6h"]
