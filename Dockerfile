# clustem-bot in a small image: a wheel built in a first stage, installed into a slim Python,
# run as an unprivileged user, the database on a volume, health checked over the local port.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY handlers handlers
COPY storage storage
COPY messages messages
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels . \
    && pip wheel --no-cache-dir --wheel-dir /wheels /wheels/*.whl

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PTB_TIMEDELTA=true \
    DATABASE_PATH=/data/clustem.sqlite3 \
    BACKUP_DIR=/backups \
    HEALTH_PORT=8080
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home clustem \
    && mkdir -p /data /backups && chown clustem:clustem /data /backups
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links /wheels clustem-bot && rm -rf /wheels
USER clustem
WORKDIR /data
VOLUME ["/data", "/backups"]
# 503 only for what a restart mends (database, outbox worker or update fetching stopped); Telegram
# out of reach is reported as degraded with 200 (docs/deploy.md, 'Healthy, degraded, unhealthy').
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/health', timeout=8)"]
CMD ["clustem-bot", "run"]
