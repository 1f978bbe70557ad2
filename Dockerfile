# syntax=docker/dockerfile:1.7
# Images of the integration hub, built from the committed lock file:
#   target "hub"           Airflow (CeleryExecutor) + the hub + the reference systems
#   target "partner-sftp"  OpenSSH's internal-sftp for trading partners (no third-party image)
# docker-compose.yml builds both; `docker build --target hub -t integration-hub .` by hand.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS base
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# ---------------------------------------------------------------------------------------
FROM base AS build
ARG UV_VERSION=0.13.9
RUN pip install "uv==${UV_VERSION}"
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/opt/hub/.venv
WORKDIR /opt/hub
# Third-party dependencies first, so this layer is rebuilt only when uv.lock changes.
COPY pyproject.toml uv.lock ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev --no-install-project
# Then the project: everything .dockerignore lets through (source, dags/, flows/,
# partners/, deploy/), so a new top-level folder needs no change here.
COPY . ./
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --locked --no-dev

# ---------------------------------------------------------------------------------------
FROM base AS hub
ARG HUB_UID=50000
# The code is owned by root and read-only for the service user; only the Airflow home,
# the hub's data directory and the logs are writable.
RUN useradd --uid "${HUB_UID}" --user-group --create-home --home-dir /home/hub \
        --shell /usr/sbin/nologin hub \
 && install -d -o hub -g hub -m 0750 /opt/airflow /opt/airflow/logs /opt/airflow/auth \
        /var/lib/hub /var/lib/hub/reference
COPY --from=build /opt/hub /opt/hub
ENV PATH=/opt/hub/.venv/bin:$PATH \
    VIRTUAL_ENV=/opt/hub/.venv \
    AIRFLOW_HOME=/opt/airflow \
    AIRFLOW__CORE__DAGS_FOLDER=/opt/hub/dags \
    AIRFLOW__CORE__LOAD_EXAMPLES=False \
    HUB_DATA_DIR=/var/lib/hub
WORKDIR /opt/hub
USER hub
CMD ["hub", "--help"]

# ---------------------------------------------------------------------------------------
FROM base AS partner-sftp
RUN apt-get update \
 && apt-get install -y --no-install-recommends openssh-server \
 && rm -rf /var/lib/apt/lists/* /etc/ssh/ssh_host_*
COPY deploy/sftp/ /opt/sftp/
RUN chmod 0755 /opt/sftp/entrypoint.sh
EXPOSE 2222
# sshd starts as root to chroot and switch to the partner account; it runs no shell.
ENTRYPOINT ["/opt/sftp/entrypoint.sh"]
